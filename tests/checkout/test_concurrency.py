from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier

import pytest
from django.db import connection

from core.actor import Actor
from inventory.exceptions import OutOfStock
from inventory.models import StockLevel
from inventory.services import stock_receive
from logistics.models import CarrierService, ShippingRate
from orders.models import Order
from storefront.cart.models import Cart
from storefront.cart.services import cart_add, cart_create, cart_merge
from storefront.checkout.services import checkout_place_order
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import BUYER

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(function, arguments):
    """Run `function` on every argument at the same moment, each in its own connection."""
    barrier = Barrier(len(arguments))

    def run(argument):
        barrier.wait()
        try:
            return function(argument)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(run, arguments))


@pytest.fixture
def variant():
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC")
    ShippingRate.objects.create(service=pac, max_weight_grams=30000, price=Decimal("29.90"), days=8)
    variant = ProductFactory(price=Decimal("50.00"), stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=10, actor=Actor.job("test"))
    return variant


def test_fifty_concurrent_checkouts_for_ten_units_make_exactly_ten_orders(variant):
    carts = []
    for _ in range(50):
        cart = cart_create()
        cart_add(cart_id=cart.pk, variant_id=variant.pk)
        carts.append(cart)

    def checkout(cart) -> bool:
        try:
            checkout_place_order(cart_id=cart.pk, buyer=BUYER, delivery_code="pac")
        except OutOfStock:
            return False
        return True

    assert race(checkout, carts).count(True) == 10
    assert Order.objects.count() == 10
    level = StockLevel.objects.get()
    assert (level.on_hand, level.reserved) == (10, 10)
    assert Cart.objects.filter(status=Cart.Status.ORDERED).count() == 10


def test_a_burst_of_clicks_on_place_order_makes_one_order(variant):
    cart = cart_create()
    cart_add(cart_id=cart.pk, variant_id=variant.pk, quantity=2)

    orders = race(
        lambda _click: checkout_place_order(cart_id=cart.pk, buyer=BUYER, delivery_code="pac").pk, range(8)
    )

    assert len(set(orders)) == 1
    assert StockLevel.objects.get().reserved == 2


def test_two_logins_at_once_leave_the_customer_one_open_cart(variant):
    customer = UserFactory()
    visitor_carts = []
    for _ in range(2):
        cart = cart_create()
        cart_add(cart_id=cart.pk, variant_id=variant.pk)
        visitor_carts.append(cart)

    race(lambda cart: cart_merge(source_id=cart.pk, customer=customer).pk, visitor_carts)

    open_carts = Cart.objects.filter(customer=customer, status=Cart.Status.OPEN)
    assert open_carts.count() == 1
    assert open_carts.get().lines.get().quantity == 2
