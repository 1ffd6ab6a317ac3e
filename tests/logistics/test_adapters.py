from decimal import Decimal

import pytest
from django.utils import timezone

from logistics.adapters.base import (
    Address,
    CarrierUnavailable,
    ReturnShipmentRequest,
    ShipmentRefused,
    ShipmentRequest,
)
from logistics.adapters.sandbox import (
    NEVER_POSTED_NAME,
    REFUSED_NAME,
    UNAVAILABLE_NAME,
    SandboxCarrier,
    sandbox_parcel_advance,
)
from logistics.adapters.tracking_codes import is_valid_tracking_code, s10_check_digit, tracking_code
from logistics.models import SandboxParcel, TrackingEvent

pytestmark = pytest.mark.django_db

CARRIER = SandboxCarrier()
Kind = TrackingEvent.Kind
WAREHOUSE = Address("Loja Aurora", "Rodovia Anhanguera", "km 33", "", "Polvilho", "Cajamar", "SP", "07770000")


def request(name="Ana Souza", weight=1200, service="sedex"):
    recipient = Address(name, "Avenida Rio Branco", "100", "", "Centro", "Rio de Janeiro", "RJ", "20040020")
    return ShipmentRequest(
        service=service,
        sender=WAREHOUSE,
        recipient=recipient,
        weight_grams=weight,
        length_cm=20,
        width_cm=15,
        height_cm=10,
        declared_value=Decimal("199.90"),
    )


@pytest.mark.parametrize(
    ("serial", "digit"),
    [("47312482", 9), ("12345678", 5), ("00000000", 5), ("00000001", 4)],
)
def test_the_s10_check_digit(serial, digit):
    # 4·8 + 7·6 + 3·4 + 1·2 + 2·3 + 4·5 + 8·9 + 2·7 = 200; 200 mod 11 = 2; 11 - 2 = 9.
    assert s10_check_digit(serial) == digit


def test_tracking_codes_have_the_correios_shape_and_validate():
    code = tracking_code(service="SX", serial=47312482)
    assert code == "SX473124829BR"
    assert is_valid_tracking_code(code) and is_valid_tracking_code(code.lower())
    assert not is_valid_tracking_code("SX473124828BR")  # wrong check digit
    assert not is_valid_tracking_code("SX47312482BR")


def test_booking_twice_with_one_key_books_once():
    first = CARRIER.book(request=request(), idempotency_key="shipment:1")
    again = CARRIER.book(request=request(), idempotency_key="shipment:1")
    other = CARRIER.book(request=request(), idempotency_key="shipment:2")
    assert first == again and first.tracking_code != other.tracking_code
    assert first.tracking_code.startswith("SX") and is_valid_tracking_code(first.tracking_code)
    assert CARRIER.book(
        request=request(service="pac"), idempotency_key="shipment:3"
    ).tracking_code.startswith("PM")


def test_the_sandbox_fails_and_refuses_on_request():
    with pytest.raises(CarrierUnavailable):
        CARRIER.book(request=request(name=UNAVAILABLE_NAME), idempotency_key="shipment:9")
    with pytest.raises(ShipmentRefused):
        CARRIER.book(request=request(name=REFUSED_NAME), idempotency_key="shipment:9")
    with pytest.raises(ShipmentRefused):
        CARRIER.book(request=request(weight=31_000), idempotency_key="shipment:9")


def return_request(name="Ana Souza", mode=ReturnShipmentRequest.DROP_OFF):
    customer = Address(name, "Avenida Rio Branco", "100", "", "Centro", "Rio de Janeiro", "RJ", "20040020")
    return ReturnShipmentRequest(
        service="sedex",
        mode=mode,
        sender=customer,
        recipient=WAREHOUSE,
        weight_grams=900,
        declared_value=Decimal("100.00"),
    )


def test_a_return_authorisation_is_given_once_per_key_with_a_reverse_tracking_code():
    # when
    first = CARRIER.authorise_return(request=return_request(), idempotency_key="return:1")
    again = CARRIER.authorise_return(request=return_request(), idempotency_key="return:1")
    other = CARRIER.authorise_return(request=return_request(), idempotency_key="return:2")
    # then
    assert first == again
    assert (first.code, first.tracking_code) != (other.code, other.tracking_code)
    assert len(first.code) == 8 and first.code.isdecimal()
    assert first.tracking_code.startswith("LR") and is_valid_tracking_code(first.tracking_code)
    assert first.mode == "drop_off"
    assert (first.valid_until - timezone.localdate()).days == 10
    parcel = SandboxParcel.objects.get(tracking_code=first.tracking_code)
    assert (parcel.idempotency_key, parcel.booking_requests) == ("return:1", 2)


def test_a_pickup_is_tried_within_a_week():
    authorisation = CARRIER.authorise_return(
        request=return_request(mode=ReturnShipmentRequest.PICKUP), idempotency_key="return:3"
    )
    assert authorisation.mode == "pickup"
    assert (authorisation.valid_until - timezone.localdate()).days == 7


def test_a_return_authorisation_fails_on_request_and_books_nothing():
    with pytest.raises(CarrierUnavailable):
        CARRIER.authorise_return(request=return_request(name=UNAVAILABLE_NAME), idempotency_key="return:4")
    assert not SandboxParcel.objects.exists()


def test_a_reverse_parcel_is_posted_travels_and_reaches_the_warehouse():
    # given
    code = CARRIER.authorise_return(request=return_request(), idempotency_key="return:5").tracking_code
    parcel = SandboxParcel.objects.get(tracking_code=code)
    # when
    events = [sandbox_parcel_advance(parcel) for _step in range(4)]
    # then
    assert [event and event.kind for event in events] == [Kind.POSTED, Kind.IN_TRANSIT, Kind.DELIVERED, None]
    assert [event.event_id for event in CARRIER.track(tracking_code=code)] == [
        f"{code}-{n}" for n in (1, 2, 3)
    ]
    assert events[2].location == "CAJAMAR - SP"


def test_a_reverse_parcel_never_posted_has_no_news():
    code = CARRIER.authorise_return(
        request=return_request(name=NEVER_POSTED_NAME.title()), idempotency_key="return:6"
    ).tracking_code
    assert sandbox_parcel_advance(SandboxParcel.objects.get(tracking_code=code)) is None
    assert CARRIER.track(tracking_code=code) == []


def test_the_sandbox_quotes_its_own_price_list_and_charges_it_when_booking():
    near = CARRIER.quote(request=request(weight=1200, service="sedex"))
    assert (near.price, near.days) == (Decimal("44.80"), 6)  # (20 + 4 * 2 kg) * 1.60 to another state
    booking = CARRIER.book(request=request(weight=1200, service="sedex"), idempotency_key="shipment:7")
    assert booking.price == near.price
