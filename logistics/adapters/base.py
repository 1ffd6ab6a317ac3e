"""What the store needs from a carrier, in the store's own terms.

Real carriers' adapters and the sandbox implement `CarrierGateway`; services never see HTTP
clients or carrier payloads.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol


class CarrierUnavailable(Exception):
    """The carrier could not be reached or answered with a server error: try again later."""


class ShipmentRefused(Exception):
    """The carrier refuses the shipment as asked (address, size, weight): a person must look."""


@dataclass(frozen=True)
class Address:
    name: str
    street: str
    number: str
    complement: str
    district: str
    city: str
    state: str
    cep: str


@dataclass(frozen=True)
class ShipmentRequest:
    """One parcel to book with a service, from a warehouse to a customer."""

    service: str
    sender: Address
    recipient: Address
    weight_grams: int
    length_cm: int
    width_cm: int
    height_cm: int
    declared_value: Decimal
    invoice_key: str = ""


@dataclass(frozen=True)
class ReturnShipmentRequest:
    """A parcel a customer sends back to our warehouse through the carrier's reverse logistics:
    left at a post office with an authorisation code (`drop_off`) or collected at the
    customer's address (`pickup`)."""

    DROP_OFF = "drop_off"
    PICKUP = "pickup"

    service: str
    mode: str
    sender: Address  # the customer
    recipient: Address  # our warehouse
    weight_grams: int
    declared_value: Decimal


@dataclass(frozen=True)
class Quote:
    """What the carrier would charge for a parcel, and in how many business days it delivers."""

    price: Decimal
    days: int


@dataclass(frozen=True)
class Booking:
    """A booked shipment: its tracking code (printed on the label) and what it costs us."""

    tracking_code: str
    carrier_reference: str
    price: Decimal


@dataclass(frozen=True)
class ReturnAuthorisation:
    """The carrier's word that it takes a parcel back, free of charge to the customer: the code
    the customer shows at a post office (or the pickup's number), the last day to post it (or
    to be collected), and the tracking code the parcel travels under once posted."""

    code: str
    valid_until: date
    tracking_code: str
    mode: str


@dataclass(frozen=True)
class ClaimFiled:
    """The carrier's receipt for a claim about a parcel (damaged or lost): its claim number,
    which the carrier's answer (paid or refused) will quote."""

    protocol: str


@dataclass(frozen=True)
class CarrierEvent:
    """One tracking event as the carrier reports it, in the store's kinds (TrackingEvent.Kind)."""

    event_id: str
    kind: str
    occurred_at: datetime
    description: str = ""
    location: str = ""


class CarrierGateway(Protocol):
    name: str

    def quote(self, *, request: ShipmentRequest) -> Quote:
        """The carrier's own price and delivery days for a parcel. Raises CarrierUnavailable."""

    def book(self, *, request: ShipmentRequest, idempotency_key: str) -> Booking:
        """Book a shipment; the same key always gets the same booking, never a second one."""

    def cancel(self, *, tracking_code: str, idempotency_key: str) -> None: ...

    def track(self, *, tracking_code: str) -> list[CarrierEvent]:
        """Every event of a shipment so far, oldest first. Raises CarrierUnavailable."""

    def authorise_return(
        self, *, request: ReturnShipmentRequest, idempotency_key: str
    ) -> ReturnAuthorisation:
        """Authorise a reverse parcel; the same key always gets the same authorisation, never a
        second parcel. Raises CarrierUnavailable."""

    def claim_open(
        self, *, tracking_code: str, reason: str, amount: Decimal, description: str, idempotency_key: str
    ) -> ClaimFiled:
        """File a claim for a parcel the carrier damaged or lost (`reason`: CarrierClaim.Reason),
        asking `amount` in compensation; the same key always gets the same claim, never a
        second one. Raises CarrierUnavailable."""
