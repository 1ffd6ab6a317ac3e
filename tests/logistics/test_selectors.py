from decimal import Decimal

import pytest

from logistics.models import CarrierService, ShippingRate
from logistics.selectors import Parcel, shipping_quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates():
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC", position=1)
    sedex = CarrierService.objects.create(code="sedex", carrier="Correios", name="SEDEX", position=2)
    for service, state, grams, price, days in [
        (pac, "", 1000, "29.90", 9),
        (pac, "", 5000, "49.90", 9),
        (pac, "SP", 1000, "15.90", 4),
        (sedex, "", 1000, "59.90", 3),
        (sedex, "SP", 1000, "24.90", 1),
    ]:
        ShippingRate.objects.create(
            service=service, state=state, max_weight_grams=grams, price=Decimal(price), days=days
        )


def quote(cep, grams, volume="0"):
    return [(o.code, o.price, o.days) for o in shipping_quote(cep=cep, parcel=Parcel(grams, Decimal(volume)))]


def test_the_cep_state_rate_wins_over_the_national_one(rates):
    assert quote("01310-100", 800) == [("pac", Decimal("15.90"), 4), ("sedex", Decimal("24.90"), 1)]


def test_other_states_get_the_national_rates_cheapest_first(rates):
    assert quote("69005-070", 800) == [("pac", Decimal("29.90"), 9), ("sedex", Decimal("59.90"), 3)]


def test_heavier_parcels_take_the_next_band_and_services_without_one_drop_out(rates):
    assert quote("69005-070", 3000) == [("pac", Decimal("49.90"), 9)]


def test_a_light_but_bulky_parcel_pays_for_its_volume(rates):
    # 40 x 30 x 20 cm = 24,000 cm3 -> 4 kg of cubic weight
    assert quote("69005-070", 500, volume="24000") == [("pac", Decimal("49.90"), 9)]


@pytest.mark.parametrize("cep", ["00000-000", "123", ""])
def test_an_unknown_cep_gets_no_options(rates, cep):
    assert quote(cep, 500) == []
