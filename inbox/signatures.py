"""The signing schemes senders use. Stamped: `X-Signature: t=<unix time>,v1=<hex
HMAC-SHA256 of "<t>.<raw body>">`, refused when wrong or older than the tolerance (payment
providers, carriers). Body: `sha256=<hex HMAC-SHA256 of the raw body>`, as Meta signs
WhatsApp Cloud API calls in `X-Hub-Signature-256` (replays are caught by the event id)."""

import hashlib
import hmac
import time

from inbox.exceptions import SignatureInvalid

TOLERANCE_SECONDS = 300


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


def body_signature(*, body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_signature_verify(*, body: bytes, header: str, secret: str) -> None:
    """Raises SignatureInvalid unless `header` is `sha256=<HMAC of body>` under `secret`."""
    if not hmac.compare_digest(body_signature(body=body, secret=secret), header):
        raise SignatureInvalid("signature mismatch")
