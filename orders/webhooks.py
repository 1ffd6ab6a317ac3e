"""Signed notices from payment providers: `X-Signature: t=<unix time>,v1=<hex HMAC-SHA256
of "<t>.<raw body>">`, refused when the signature is wrong or older than the tolerance."""

import hashlib
import hmac
import time

TOLERANCE_SECONDS = 300


class SignatureInvalid(Exception):
    """The notice is not from the provider, or is too old to trust (a replay)."""


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
