"""The ERP's end of the feed: one signed HTTP POST per event.

Signature: `X-Store-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, with
the Unix time of the attempt in `X-Store-Timestamp` (the ERP refuses stale ones) and the
event's stable id in `X-Store-Event-Id` (the ERP drops ids it has already taken). Anything but
a 2xx answer is a failure the feed retries.
"""

import hashlib
import hmac
import time

import httpx

from exports.exceptions import FeedDeliveryFailed


def feed_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def erp_post(*, url: str, secret: str, body: bytes, event_id: str, timeout: float) -> None:
    """POST one event. Raises FeedDeliveryFailed, with what went wrong, unless the ERP took it."""
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "store-erp-feed/1",
        "X-Store-Event-Id": event_id,
        "X-Store-Timestamp": timestamp,
        "X-Store-Signature": feed_signature(secret=secret, timestamp=timestamp, body=body),
    }
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as error:
        raise FeedDeliveryFailed(f"{type(error).__name__}: {error}"[:300]) from error
    if not response.is_success:
        raise FeedDeliveryFailed(f"HTTP {response.status_code}: {response.text[:200]}")
