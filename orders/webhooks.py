"""Signed notices from payment providers and carriers: `X-Signature: t=<unix time>,v1=<hex
HMAC-SHA256 of "<t>.<raw body>">`, refused when the signature is wrong or older than the
tolerance; then a JSON object the store can keep as it came."""

import hashlib
import hmac
import json
import time
from typing import Any

from core.storable_text import json_is_storable

TOLERANCE_SECONDS = 300
# WebhookEvent.event_id and TrackingEvent.event_id hold this many characters.
EVENT_ID_MAX_LENGTH = 100


class SignatureInvalid(Exception):
    """The notice is not from the provider, or is too old to trust (a replay)."""


class NoticeMalformed(ValueError):
    """The notice's body is not a JSON object the store can keep as it came."""


def signature_header(*, body: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def signature_verify(*, body: bytes, header: str, secret: str, now: float | None = None) -> None:
    """Raises SignatureInvalid unless `header` signs `body` with `secret` within the tolerance."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as error:
        raise SignatureInvalid("malformed signature header") from error
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE_SECONDS:
        raise SignatureInvalid("signature too old")
    expected = signature_header(body=body, secret=secret, timestamp=timestamp).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise SignatureInvalid("signature mismatch")


def notice_payload(body: bytes) -> dict[str, Any]:
    """The signed notice's JSON object, checked before any of it reaches a query: every text
    storable (no NUL, no lone surrogate), every number finite, and an event id ("id") of text
    that fits its column. A sender retries what we fail to answer, so what could never be
    stored must be refused (4xx), not crash (5xx). Raises NoticeMalformed."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise NoticeMalformed("not JSON") from error
    if not isinstance(payload, dict) or not json_is_storable(payload):
        raise NoticeMalformed("not a storable JSON object")
    event_id = payload.get("id")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= EVENT_ID_MAX_LENGTH:
        raise NoticeMalformed("event id missing, not text or too long")
    return payload
