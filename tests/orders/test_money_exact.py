"""Orders with everyday prices are placed on every database: the checks that totals add up
are exact in centavos, also on SQLite, whose arithmetic is binary floating point."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.actor import Actor
from inventory.services import stock_receive
from orders.models import Order, OrderLine
from orders.pricing import order_totals
from orders.services import Delivery, order_place
from storefront.cart.services import cart_create
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import BUYER

JOB = Actor.job("test")

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)
freights = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("299.99"), places=2)
discounts = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("500.00"), places=2)
cart_lines = st.lists(st.tuples(prices, st.integers(min_value=1, max_value=12)), min_size=1, max_size=4)


def _place(lines: list[tuple[Decimal, int]], freight: Decimal, discount: Decimal) -> Order:
    warehouse = WarehouseFactory()
    priced = []
    for price, quantity in lines:
        variant = ProductFactory(price=price, stock=0).variants.get()
        stock_receive(variant_id=variant.pk, warehouse=warehouse, quantity=quantity, actor=JOB)
        priced.append((variant.pk, quantity))
    delivery = Delivery(service="pac", label="Correios PAC", price=freight, days=6)
    with transaction.atomic():
        return order_place(
            cart_token=cart_create().token,
            lines=priced,
            buyer=BUYER,
            delivery=delivery,
            discount=discount,
            actor=JOB,
        )


@pytest.mark.django_db
def test_an_everyday_order_is_placed_on_every_database():
    order = _place([(Decimal("64.90"), 1)], freight=Decimal("14.90"), discount=Decimal("0.00"))

    assert Order.objects.get(pk=order.pk).grand_total == Decimal("79.80")


@pytest.mark.django_db
def test_a_line_of_three_at_64_90_is_stored():
    order = _place([(Decimal("64.90"), 3)], freight=Decimal("0.00"), discount=Decimal("0.00"))

    assert OrderLine.objects.get(order=order).line_total == Decimal("194.70")


@pytest.mark.django_db
@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=cart_lines, freight=freights, discount=discounts)
def test_orders_with_random_prices_quantities_discounts_and_freight_are_placed(lines, freight, discount):
    with transaction.atomic():
        order = _place(lines, freight, discount)
        expected = order_totals(lines=lines, shipping=freight, discount=discount)

        stored = Order.objects.get(pk=order.pk)
        assert (stored.items_total, stored.discount_total, stored.shipping_total, stored.grand_total) == (
            expected.items,
            expected.discount,
            expected.shipping,
            expected.grand,
        )
        transaction.set_rollback(True)  # each example starts from an empty store


@pytest.mark.postgres
def test_the_same_orders_are_placed_on_sqlite():
    """The suite runs on PostgreSQL in CI; the demo store runs on SQLite. Run this module there too."""
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-n", "0", "-q", "--create-db", "-k", "not sqlite"],
        cwd=settings.BASE_DIR,
        env={**environment, "STORE_REQUIRE_SERVICES": ""},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "3 passed" in result.stdout
