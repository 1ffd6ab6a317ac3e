from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from logistics.selectors import ShippingOption
from storefront.promotions.exceptions import (
    VoucherAlreadyUsed,
    VoucherMinimumNotMet,
    VoucherNotFound,
    VoucherNotValidNow,
    VoucherUsedUp,
)
from storefront.promotions.models import Voucher
from storefront.promotions.services import (
    Benefit,
    delivery_options_priced,
    voucher_benefit,
    voucher_claim,
    voucher_redemption_add,
)
from tests.orders.factories import OrderFactory
from tests.promotions.factories import VoucherFactory

pytestmark = pytest.mark.django_db

ITEMS = Decimal("200.00")
EMAIL = "ana@example.com.br"


CPF = "52998224725"


def benefit(code, items=ITEMS, email=EMAIL, cpf=CPF):
    return voucher_benefit(code=code, items_total=items, email=email, cpf=cpf)


def use(voucher, email=EMAIL, cpf=CPF, **order_fields):
    order = OrderFactory(email=email, cpf=cpf, **order_fields)
    with transaction.atomic():
        claimed = voucher_claim(code=voucher.code, items_total=ITEMS, email=email, cpf=cpf)
        voucher_redemption_add(benefit=claimed, order=order)
    return order


def test_a_percentage_voucher_takes_its_share_of_the_items_rounded_to_centavos():
    VoucherFactory(code="DEZ", value=Decimal("12.5"))
    assert benefit("dez ", items=Decimal("99.99")).discount == Decimal("12.50")


def test_a_fixed_voucher_never_takes_more_than_the_items():
    VoucherFactory(code="MENOS50", kind=Voucher.Kind.FIXED, value=Decimal("50.00"))
    assert benefit("MENOS50").discount == Decimal("50.00")
    assert benefit("MENOS50", items=Decimal("30.00")).discount == Decimal("30.00")


def test_a_free_shipping_voucher_makes_the_cheapest_delivery_free():
    VoucherFactory(code="FRETE", kind=Voucher.Kind.FREE_SHIPPING, value=0)
    options = [
        ShippingOption(code="pac", label="PAC", price=Decimal("20.00"), days=8),
        ShippingOption(code="sedex", label="SEDEX", price=Decimal("45.00"), days=2),
    ]
    priced = delivery_options_priced(options=options, items_total=ITEMS, benefit=benefit("FRETE"))
    assert [option.price for option in priced] == [Decimal("0.00"), Decimal("45.00")]
    assert benefit("FRETE").discount == Decimal("0.00")


@override_settings(STORE_FREE_SHIPPING_FROM=Decimal("199.90"))
def test_items_above_the_stores_value_ship_free_without_a_voucher():
    options = [ShippingOption(code="pac", label="PAC", price=Decimal("20.00"), days=8)]
    assert (
        delivery_options_priced(options=options, items_total=Decimal("199.89"), benefit=Benefit()) == options
    )
    [free] = delivery_options_priced(options=options, items_total=Decimal("199.90"), benefit=Benefit())
    assert free.price == Decimal("0.00")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"is_active": False}, VoucherNotFound),
        ({"starts_at": timezone.now() + timedelta(hours=1)}, VoucherNotValidNow),
        (
            {"starts_at": timezone.now() - timedelta(days=9), "ends_at": timezone.now() - timedelta(days=1)},
            VoucherNotValidNow,
        ),
        ({"min_order": Decimal("200.01")}, VoucherMinimumNotMet),
    ],
)
def test_vouchers_outside_their_rules_are_refused(fields, error):
    VoucherFactory(code="REGRA", **fields)
    with pytest.raises(error):
        benefit("REGRA")


def test_the_minimum_is_said_in_reais():
    VoucherFactory(code="MIN", min_order=Decimal("250.00"))
    with pytest.raises(VoucherMinimumNotMet) as raised:
        benefit("MIN")
    assert "R$\N{NO-BREAK SPACE}250,00" in str(raised.value.message)


def test_each_customer_uses_a_voucher_as_often_as_it_allows():
    voucher = VoucherFactory(max_uses_per_customer=1)
    use(voucher)
    with pytest.raises(VoucherAlreadyUsed):
        benefit(voucher.code, email="ANA@example.com.br")
    assert benefit(voucher.code, email="bia@example.com.br", cpf="11144477735").discount == Decimal("20.00")
    with pytest.raises(VoucherAlreadyUsed):  # another email, the same person
        benefit(voucher.code, email="ana.souza@example.com.br")


def test_a_voucher_is_used_up_at_its_total_limit():
    voucher = VoucherFactory(max_uses=2, max_uses_per_customer=None)
    use(voucher, email="a@example.com.br", cpf="11144477735")
    use(voucher, email="b@example.com.br", cpf="39053344705")
    with pytest.raises(VoucherUsedUp):
        benefit(voucher.code, email="c@example.com.br")


def test_a_cancelled_order_gives_its_voucher_back():
    voucher = VoucherFactory(max_uses=1)
    use(voucher, status="cancelled")
    assert benefit(voucher.code).discount == Decimal("20.00")


def test_a_blank_code_gives_nothing():
    assert benefit("  ") == Benefit()


def test_codes_are_unique_ignoring_case():
    from django.db import IntegrityError

    VoucherFactory(code="verao")
    with pytest.raises(IntegrityError), transaction.atomic():
        VoucherFactory(code="VERAO")
