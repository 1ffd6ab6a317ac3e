from decimal import Decimal

import pytest
from django.test import override_settings

from core.actor import Actor
from inventory.exceptions import OutOfStock
from inventory.services import stock_receive
from logistics.models import CarrierService, ShippingRate
from orders.models import Order
from storefront.cart.exceptions import CartClosed
from storefront.cart.models import Cart
from storefront.cart.services import cart_add, cart_create
from storefront.checkout.exceptions import CartEmpty, DeliveryUnavailable
from storefront.checkout.services import checkout_place_order, checkout_quote
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import BUYER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rates():
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC", position=1)
    ShippingRate.objects.create(service=pac, max_weight_grams=2000, price=Decimal("39.90"), days=12)
    ShippingRate.objects.create(service=pac, max_weight_grams=10000, price=Decimal("79.90"), days=12)


def cart_with(quantity=1, stock=5, weight=400):
    product = ProductFactory(price=Decimal("100.00"), stock=0)
    variant = product.variants.get()
    variant.weight_grams = weight
    variant.save(update_fields=["weight_grams"])
    stock_receive(
        variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=stock, actor=Actor.job("test")
    )
    cart = cart_create()
    cart_add(cart_id=cart.pk, variant_id=variant.pk, quantity=quantity)
    return cart


def quote(cart, *, delivery_code="pac", voucher_code=""):
    return checkout_quote(
        lines=list(cart.lines.select_related("variant")),
        buyer=BUYER,
        delivery_code=delivery_code,
        voucher_code=voucher_code,
    )


@override_settings(STORE_FREE_SHIPPING_FROM=Decimal("0"))
def test_delivery_options_follow_the_carts_weight():
    assert [o.price for o in quote(cart_with(quantity=2, weight=400)).options] == [Decimal("39.90")]
    assert [o.price for o in quote(cart_with(quantity=5, weight=800)).options] == [Decimal("79.90")]


def test_placing_closes_the_cart_and_charges_the_server_quote():
    cart = cart_with(quantity=2)
    customer = UserFactory()
    order = checkout_place_order(cart_id=cart.pk, buyer=BUYER, delivery_code="pac", customer=customer)
    assert (order.items_total, order.shipping_total, order.grand_total) == (
        Decimal("200.00"),
        Decimal("39.90"),
        Decimal("239.90"),
    )
    assert (order.delivery_label, order.delivery_days, order.customer) == ("Correios PAC", 12, customer)
    cart.refresh_from_db()
    assert cart.status == Cart.Status.ORDERED
    assert order.events.get().actor == f"customer:{customer.email}"


def test_a_double_submit_returns_the_same_order():
    cart = cart_with()
    first = checkout_place_order(cart_id=cart.pk, buyer=BUYER, delivery_code="pac")
    second = checkout_place_order(cart_id=cart.pk, buyer=BUYER, delivery_code="pac")
    assert first.pk == second.pk
    assert Order.objects.count() == 1


def test_a_delivery_code_the_cep_does_not_offer_is_refused_and_changes_nothing():
    cart = cart_with()
    with pytest.raises(DeliveryUnavailable):
        checkout_place_order(cart_id=cart.pk, buyer=BUYER, delivery_code="sedex-falso")
    assert not Order.objects.exists()
    cart.refresh_from_db()
    assert cart.status == Cart.Status.OPEN


def test_an_empty_cart_cannot_be_placed():
    with pytest.raises(CartEmpty):
        checkout_place_order(cart_id=cart_create().pk, buyer=BUYER, delivery_code="pac")


def test_stock_sold_meanwhile_stops_the_order_and_keeps_the_cart():
    cart = cart_with(quantity=2, stock=2)
    # someone else buys one of the two units first
    rival = cart_create()
    cart_add(cart_id=rival.pk, variant_id=cart.lines.get().variant_id, quantity=1)
    checkout_place_order(cart_id=rival.pk, buyer=BUYER, delivery_code="pac")
    with pytest.raises(OutOfStock):
        checkout_place_order(cart_id=cart.pk, buyer=BUYER, delivery_code="pac")
    cart.refresh_from_db()
    assert cart.status == Cart.Status.OPEN
    assert Order.objects.count() == 1


def test_a_closed_cart_cannot_be_placed_again_as_a_new_order():
    cart = cart_with()
    cart.status = Cart.Status.MERGED
    cart.save(update_fields=["status"])
    with pytest.raises(CartClosed):
        checkout_place_order(cart_id=cart.pk, buyer=BUYER, delivery_code="pac")
