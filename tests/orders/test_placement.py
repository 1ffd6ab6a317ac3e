from decimal import Decimal

import pytest
from django.db import transaction
from django.utils.translation import gettext

from core.actor import Actor
from inventory.exceptions import OutOfStock
from inventory.models import Reservation, StockLevel
from inventory.services import stock_receive
from orders.models import Order
from orders.pricing import order_totals
from orders.services import Delivery, order_place
from storefront.cart.services import cart_add, cart_create
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import BUYER

pytestmark = pytest.mark.django_db

JOB = Actor.job("test")


def stocked(price: str, units: int, name: str = "Produto"):
    variant = ProductFactory(name=name, price=Decimal(price), stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=units, actor=JOB)
    return variant


def place(cart, lines, shipping="19.90"):
    delivery = Delivery(service="pac", label="Correios PAC", price=Decimal(shipping), days=6)
    with transaction.atomic():
        return order_place(cart_token=cart.token, lines=lines, buyer=BUYER, delivery=delivery, actor=JOB)


def test_totals_add_items_take_the_discount_and_add_shipping():
    totals = order_totals(
        lines=[(Decimal("59.90"), 2), (Decimal("10.05"), 3)], shipping=Decimal("19.9"), discount=Decimal("5")
    )
    assert (totals.items, totals.discount, totals.shipping, totals.grand) == (
        Decimal("149.95"),
        Decimal("5.00"),
        Decimal("19.90"),
        Decimal("164.85"),
    )


def test_a_discount_never_takes_the_items_below_zero():
    totals = order_totals(lines=[(Decimal("10.00"), 1)], discount=Decimal("50.00"))
    assert (totals.discount, totals.grand) == (Decimal("10.00"), Decimal("0.00"))


def test_the_pix_discount_comes_off_the_discounted_items_and_never_off_shipping():
    totals = order_totals(
        lines=[(Decimal("100.00"), 1)],
        shipping=Decimal("20.00"),
        discount=Decimal("10.00"),
        pix_discount_percent=Decimal("5"),
    )
    assert (totals.pix_discount, totals.discount, totals.grand) == (
        Decimal("4.50"),
        Decimal("14.50"),
        Decimal("105.50"),
    )


def test_an_order_placed_for_pix_keeps_its_pix_discount_among_the_discounts():
    kettle = stocked("150.00", 2)
    cart = cart_create()
    delivery = Delivery(service="pac", label="Correios PAC", price=Decimal("25.00"), days=6)
    with transaction.atomic():
        order = order_place(
            cart_token=cart.token,
            lines=[(kettle.pk, 1)],
            buyer=BUYER,
            delivery=delivery,
            pix_discount_percent=Decimal("5"),
            actor=JOB,
        )
    assert (order.pix_discount, order.discount_total, order.grand_total) == (
        Decimal("7.50"),
        Decimal("7.50"),
        Decimal("167.50"),
    )


def test_placing_copies_names_and_prices_reserves_stock_and_numbers_the_order():
    shirt = stocked("59.90", 5, name="Camiseta")
    cart = cart_create()
    cart_add(cart_id=cart.pk, variant_id=shirt.pk, quantity=2)

    order = place(cart, [(shirt.pk, 2)])

    assert order.number == "100001"
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert (order.items_total, order.shipping_total, order.grand_total) == (
        Decimal("119.80"),
        Decimal("19.90"),
        Decimal("139.70"),
    )
    line = order.lines.get()
    assert (line.product_name, line.sku, line.unit_price, line.quantity) == (
        "Camiseta",
        shirt.sku,
        Decimal("59.90"),
        2,
    )
    assert Reservation.objects.get(reference=f"order:{order.pk}").quantity == 2
    assert order.events.get().note == gettext("Order placed")


def test_placing_the_same_cart_twice_gives_one_order():
    shirt = stocked("10.00", 5)
    cart = cart_create()
    first = place(cart, [(shirt.pk, 1)])
    second = place(cart, [(shirt.pk, 1)])
    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert StockLevel.objects.get().reserved == 1


def test_out_of_stock_creates_nothing():
    shirt = stocked("10.00", 1)
    with pytest.raises(OutOfStock):
        place(cart_create(), [(shirt.pk, 2)])
    assert not Order.objects.exists()
    assert StockLevel.objects.get().reserved == 0


def test_a_variant_taken_off_sale_cannot_be_ordered():
    shirt = stocked("10.00", 5)
    shirt.is_active = False
    shirt.save(update_fields=["is_active"])
    with pytest.raises(OutOfStock) as error:
        place(cart_create(), [(shirt.pk, 1)])
    assert error.value.variant_ids == [shirt.pk]
