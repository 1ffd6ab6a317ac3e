from decimal import Decimal

import pytest
from django.utils import timezone

from logistics.adapters.base import Address, CarrierUnavailable, ShipmentRefused, ShipmentRequest
from logistics.adapters.sandbox import REFUSED_NAME, UNAVAILABLE_NAME, SandboxCarrier
from logistics.adapters.tracking_codes import is_valid_tracking_code, s10_check_digit, tracking_code

pytestmark = pytest.mark.django_db

CARRIER = SandboxCarrier()
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


def test_a_return_authorisation_is_valid_for_a_month():
    authorisation = CARRIER.authorise_return(tracking_code="SX473124829BR", idempotency_key="return:1")
    assert len(authorisation.code) == 8 and authorisation.code.isdecimal()
    assert (authorisation.valid_until - timezone.localdate()).days == 30


def test_the_sandbox_quotes_its_own_price_list_and_charges_it_when_booking():
    near = CARRIER.quote(request=request(weight=1200, service="sedex"))
    assert (near.price, near.days) == (Decimal("44.80"), 6)  # (20 + 4 * 2 kg) * 1.60 to another state
    booking = CARRIER.book(request=request(weight=1200, service="sedex"), idempotency_key="shipment:7")
    assert booking.price == near.price
