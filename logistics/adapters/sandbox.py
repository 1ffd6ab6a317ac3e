"""A carrier for development and tests that behaves like Correios: real S10 tracking codes,
idempotent bookings kept in its own books, tracking events published by webhook and by
query, reverse-logistics codes, claims for damaged or lost parcels, and failures or delays on
request.

What the carrier does to a parcel depends on the recipient's name: a normal name is
delivered at the first attempt; the names below exercise the other paths. A reverse parcel
(a customer sending goods back) goes by the sender's name instead: posted, in transit and
delivered to our warehouse, unless the customer never posts it. A claim meets an outage when
its description names UNAVAILABLE_NAME.
"""

import hashlib
import json
import math
import time
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from logistics.adapters.base import (
    Booking,
    CarrierEvent,
    CarrierUnavailable,
    ClaimFiled,
    Quote,
    ReturnAuthorisation,
    ReturnShipmentRequest,
    ShipmentRefused,
    ShipmentRequest,
)
from logistics.adapters.tracking_codes import tracking_code
from logistics.models import SandboxParcel, TrackingEvent

# Service indicators, as Correios prints them on labels.
SERVICE_PREFIXES = {"pac": "PM", "sedex": "SX"}
DEFAULT_PREFIX = "LX"
UNAVAILABLE_NAME = "SANDBOX UNAVAILABLE"  # the carrier cannot be reached
REFUSED_NAME = "SANDBOX REFUSED"  # the carrier refuses the parcel
SLOW_NAME = "SANDBOX SLOW"  # a new booking takes STORE_SANDBOX_CARRIER_DELAY_SECONDS to answer
FAIL_ONCE_NAME = "SANDBOX ABSENT"  # nobody home at the first attempt, delivered at the second
RETURN_NAME = "SANDBOX RETURN"  # two failed attempts, then back to the sender
NEVER_POSTED_NAME = "SANDBOX NEVER POSTED"  # a reverse parcel whose customer never posts it
MAX_WEIGHT_GRAMS = 30_000
# Reverse parcels (logística reversa) travel under their own service indicator.
REVERSE_PREFIX = "LR"
# Claim numbers the sandbox hands out: this prefix and eight digits.
CLAIM_PREFIX = "RC"
# A drop-off authorisation is good for this many calendar days; a pickup is tried within a
# week (about five business days).
RETURN_VALID_DAYS = 10
PICKUP_VALID_DAYS = 7
# The sandbox's price list: (base price, price per started kilo, business days) within the
# sender's state; other states pay a surcharge and wait longer.
PRICE_LIST = {
    "pac": (Decimal("12.00"), Decimal("2.50"), 5),
    "sedex": (Decimal("20.00"), Decimal("4.00"), 2),
}
DEFAULT_PRICES = (Decimal("15.00"), Decimal("3.00"), 4)
INTERSTATE_SURCHARGE, INTERSTATE_DAYS = Decimal("1.60"), 4

Kind = TrackingEvent.Kind
STEPS = {
    Kind.POSTED: ("Objeto postado", "CAJAMAR - SP"),
    Kind.IN_TRANSIT: ("Objeto em trânsito - por favor aguarde", "CTE JAGUARE - SAO PAULO - SP"),
    Kind.OUT_FOR_DELIVERY: ("Objeto saiu para entrega ao destinatário", "CDD DESTINO"),
    Kind.DELIVERY_FAILED: ("Carteiro não atendido - entrega não realizada", "CDD DESTINO"),
    Kind.DELIVERED: ("Objeto entregue ao destinatário", "CDD DESTINO"),
    Kind.RETURNED: ("Objeto devolvido ao remetente", "CAJAMAR - SP"),
}
JOURNEYS = {
    FAIL_ONCE_NAME: (
        Kind.POSTED, Kind.IN_TRANSIT, Kind.OUT_FOR_DELIVERY, Kind.DELIVERY_FAILED,
        Kind.OUT_FOR_DELIVERY, Kind.DELIVERED,
    ),
    RETURN_NAME: (
        Kind.POSTED, Kind.IN_TRANSIT, Kind.OUT_FOR_DELIVERY, Kind.DELIVERY_FAILED,
        Kind.OUT_FOR_DELIVERY, Kind.DELIVERY_FAILED, Kind.RETURNED,
    ),
}  # fmt: skip
DEFAULT_JOURNEY = (Kind.POSTED, Kind.IN_TRANSIT, Kind.OUT_FOR_DELIVERY, Kind.DELIVERED)
# Posted by the customer, delivered at our warehouse.
REVERSE_STEPS = {
    **STEPS,
    Kind.POSTED: ("Objeto postado", "AGENCIA DE ORIGEM"),
    Kind.DELIVERED: ("Objeto entregue ao destinatário", "CAJAMAR - SP"),
}
REVERSE_JOURNEY = (Kind.POSTED, Kind.IN_TRANSIT, Kind.DELIVERED)


def _serial(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % 100_000_000


def _event(payload: dict) -> CarrierEvent:
    return CarrierEvent(
        event_id=payload["id"],
        kind=payload["kind"],
        occurred_at=datetime.fromisoformat(payload["at"]),
        description=payload["description"],
        location=payload["location"],
    )


class SandboxCarrier:
    name = "sandbox"

    def quote(self, *, request: ShipmentRequest) -> Quote:
        base, per_kilo, days = PRICE_LIST.get(request.service, DEFAULT_PRICES)
        price = base + per_kilo * math.ceil(request.weight_grams / 1000)
        if request.sender.state != request.recipient.state:
            price, days = (price * INTERSTATE_SURCHARGE).quantize(Decimal("0.01")), days + INTERSTATE_DAYS
        return Quote(price=price, days=days)

    def book(self, *, request: ShipmentRequest, idempotency_key: str) -> Booking:
        recipient = request.recipient.name.upper()
        if recipient == UNAVAILABLE_NAME:
            raise CarrierUnavailable("sandbox asked to fail")
        if recipient == REFUSED_NAME or request.weight_grams > MAX_WEIGHT_GRAMS:
            raise ShipmentRefused("parcel refused")
        parcel, created = _parcel_book(
            idempotency_key=idempotency_key,
            prefix=SERVICE_PREFIXES.get(request.service, DEFAULT_PREFIX),
            service=request.service,
            name=recipient,
        )
        if created and recipient == SLOW_NAME:
            time.sleep(settings.STORE_SANDBOX_CARRIER_DELAY_SECONDS)
        return Booking(
            tracking_code=parcel.tracking_code,
            carrier_reference=f"sbx_{parcel.pk}",
            price=self.quote(request=request).price,
        )

    def cancel(self, *, tracking_code: str, idempotency_key: str) -> None:
        SandboxParcel.objects.filter(tracking_code=tracking_code).update(is_cancelled=True)

    def track(self, *, tracking_code: str) -> list[CarrierEvent]:
        parcel = SandboxParcel.objects.filter(tracking_code=tracking_code).first()
        return [_event(payload) for payload in parcel.events] if parcel else []

    def authorise_return(
        self, *, request: ReturnShipmentRequest, idempotency_key: str
    ) -> ReturnAuthorisation:
        sender = request.sender.name.upper()
        if sender == UNAVAILABLE_NAME:
            raise CarrierUnavailable("sandbox asked to fail")
        # The parcel's journey goes by the customer who sends it, kept where a booking keeps
        # its recipient.
        parcel, _created = _parcel_book(
            idempotency_key=idempotency_key, prefix=REVERSE_PREFIX, service=request.service, name=sender
        )
        authorised_on = timezone.localdate(parcel.created_at)
        days = PICKUP_VALID_DAYS if request.mode == ReturnShipmentRequest.PICKUP else RETURN_VALID_DAYS
        return ReturnAuthorisation(
            code=f"{_serial(idempotency_key):08d}",
            valid_until=authorised_on + timedelta(days=days),
            tracking_code=parcel.tracking_code,
            mode=request.mode,
        )

    def claim_open(
        self, *, tracking_code: str, reason: str, amount: Decimal, description: str, idempotency_key: str
    ) -> ClaimFiled:
        if UNAVAILABLE_NAME in description.upper():
            raise CarrierUnavailable("sandbox asked to fail")
        # Like a real provider, the claim number follows from the key: asking again opens nothing new.
        return ClaimFiled(protocol=f"{CLAIM_PREFIX}{_serial(idempotency_key):08d}")


def _parcel_book(*, idempotency_key: str, prefix: str, service: str, name: str) -> tuple[SandboxParcel, bool]:
    """The parcel booked under a key, booked now if it was not: with a tracking code of its own
    (the carrier hands out the next free serial when one is taken). Returns it and whether it
    is new; asking again counts the request."""
    code, salt = tracking_code(service=prefix, serial=_serial(idempotency_key)), 0
    while SandboxParcel.objects.filter(tracking_code=code).exclude(idempotency_key=idempotency_key).exists():
        salt += 1  # another parcel has this serial: the carrier hands out the next free one
        code = tracking_code(service=prefix, serial=_serial(f"{idempotency_key}#{salt}"))
    parcel, created = SandboxParcel.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={"tracking_code": code, "service": service, "recipient_name": name},
    )
    if not created:
        SandboxParcel.objects.filter(pk=parcel.pk).update(booking_requests=F("booking_requests") + 1)
    return parcel, created


def _journey(parcel: SandboxParcel) -> tuple[str, ...]:
    """The kinds of event the carrier publishes for a parcel, in order."""
    if parcel.tracking_code.startswith(REVERSE_PREFIX):
        return () if parcel.recipient_name == NEVER_POSTED_NAME else REVERSE_JOURNEY
    return JOURNEYS.get(parcel.recipient_name, DEFAULT_JOURNEY)


def sandbox_parcel_advance(parcel: SandboxParcel) -> CarrierEvent | None:
    """What the carrier does next with a parcel: publish its next tracking event (None when
    its journey is over or it was cancelled)."""
    journey = _journey(parcel)
    if parcel.is_cancelled or len(parcel.events) >= len(journey):
        return None
    kind = journey[len(parcel.events)]
    steps = REVERSE_STEPS if parcel.tracking_code.startswith(REVERSE_PREFIX) else STEPS
    description, location = steps[kind]
    payload = {
        "id": f"{parcel.tracking_code}-{len(parcel.events) + 1}",
        "kind": kind.value,
        "at": timezone.now().isoformat(),
        "description": description,
        "location": location,
    }
    parcel.events = [*parcel.events, payload]
    parcel.save(update_fields=["events", "updated_at"])
    return _event(payload)


def sandbox_tracking_notice(*, tracking_code: str, event: CarrierEvent) -> tuple[bytes, str]:
    """The signed notice the sandbox carrier posts for a tracking event: `(body, X-Signature)`."""
    from inbox.signatures import signature_header

    body = json.dumps(
        {
            "id": event.event_id,
            "type": "tracking",
            "data": {
                "tracking_code": tracking_code,
                "kind": event.kind,
                "at": event.occurred_at.isoformat(),
                "description": event.description,
                "location": event.location,
            },
        }
    ).encode()
    return body, signature_header(
        body=body, secret=settings.STORE_CARRIER_WEBHOOK_SECRETS[SandboxCarrier.name]
    )
