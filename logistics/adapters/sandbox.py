"""A carrier for development and tests that behaves like Correios: real S10 tracking codes,
idempotent bookings, reverse-logistics codes, and failures on request."""

import hashlib
from datetime import timedelta

from django.utils import timezone

from logistics.adapters.base import (
    Booking,
    CarrierUnavailable,
    ReturnAuthorisation,
    ShipmentRefused,
    ShipmentRequest,
)
from logistics.adapters.tracking_codes import tracking_code

# Service indicators, as Correios prints them on labels.
SERVICE_PREFIXES = {"pac": "PM", "sedex": "SX"}
DEFAULT_PREFIX = "LX"
# A recipient named like this makes the carrier unreachable or refuse, to exercise retries and holds.
UNAVAILABLE_NAME = "SANDBOX UNAVAILABLE"
REFUSED_NAME = "SANDBOX REFUSED"
MAX_WEIGHT_GRAMS = 30_000
RETURN_VALID_DAYS = 30


def _serial(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % 100_000_000


class SandboxCarrier:
    name = "sandbox"

    def book(self, *, request: ShipmentRequest, idempotency_key: str) -> Booking:
        recipient = request.recipient.name.upper()
        if recipient == UNAVAILABLE_NAME:
            raise CarrierUnavailable("sandbox asked to fail")
        if recipient == REFUSED_NAME or request.weight_grams > MAX_WEIGHT_GRAMS:
            raise ShipmentRefused("parcel refused")
        code = tracking_code(
            service=SERVICE_PREFIXES.get(request.service, DEFAULT_PREFIX), serial=_serial(idempotency_key)
        )
        return Booking(tracking_code=code, carrier_reference=f"sbx_{code}")

    def cancel(self, *, tracking_code: str, idempotency_key: str) -> None:
        return None

    def authorise_return(self, *, tracking_code: str, idempotency_key: str) -> ReturnAuthorisation:
        return ReturnAuthorisation(
            code=f"{_serial(idempotency_key):08d}",
            valid_until=timezone.localdate() + timedelta(days=RETURN_VALID_DAYS),
        )
