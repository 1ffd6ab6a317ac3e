from dataclasses import replace
from decimal import Decimal

import pytest

from core.actor import Actor
from inventory.services import stock_receive
from logistics.models import CarrierService, ShippingRate
from orders.models import Order
from storefront.cart.services import cart_add, cart_create
from storefront.checkout.services import checkout_place_order
from storefront.promotions.exceptions import VoucherAlreadyUsed, VoucherUsedUp
from storefront.promotions.models import VoucherRedemption
from tests.catalog.factories import ProductFactory
from tests.checkout.test_concurrency import race
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import BRAZIL, BUYER
from tests.promotions.factories import VoucherFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# A valid CPF of its own for each shopper.
CPFS = sorted({"".join(filter(str.isdigit, BRAZIL.cpf())) for _ in range(40)})[:12]


@pytest.fixture
def carts():
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC")
    ShippingRate.objects.create(service=pac, max_weight_grams=30000, price=Decimal("29.90"), days=8)
    variant = ProductFactory(price=Decimal("80.00"), stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=100, actor=Actor.job("test"))
    made = []
    for _ in range(12):
        cart = cart_create()
        cart_add(cart_id=cart.pk, variant_id=variant.pk)
        made.append(cart)
    return made


def checkout_with(code, *, same_customer):
    def checkout(numbered_cart) -> bool:
        number, cart = numbered_cart
        email = BUYER.email if same_customer else f"cliente{number}@example.com.br"
        cpf = BUYER.cpf if same_customer else CPFS[number]
        try:
            checkout_place_order(
                cart_id=cart.pk,
                buyer=replace(BUYER, email=email, cpf=cpf),
                delivery_code="pac",
                voucher_code=code,
            )
        except (VoucherUsedUp, VoucherAlreadyUsed):
            return False
        return True

    return checkout


def test_twelve_shoppers_racing_for_a_voucher_limited_to_five_get_five(carts):
    voucher = VoucherFactory(max_uses=5, max_uses_per_customer=None)
    results = race(checkout_with(voucher.code, same_customer=False), list(enumerate(carts)))
    assert results.count(True) == 5
    assert VoucherRedemption.objects.filter(voucher=voucher).count() == 5
    assert Order.objects.filter(voucher_code=voucher.code).count() == Order.objects.count() == 5


def test_one_customer_racing_with_many_carts_uses_a_once_per_customer_voucher_once(carts):
    voucher = VoucherFactory(max_uses=None, max_uses_per_customer=1)
    results = race(checkout_with(voucher.code, same_customer=True), list(enumerate(carts[:6])))
    assert results.count(True) == 1
    assert VoucherRedemption.objects.filter(voucher=voucher).count() == 1
