from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order, OrderLine
from orders.services.sales import SALES_WINDOW, product_sales_refresh
from storefront.catalog.models import Product, ProductRelation
from storefront.catalog.services import product_relations_refresh
from tests.catalog.factories import CategoryFactory, ProductFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def sold(*products_and_quantities, status=Order.Status.PAID, placed_at=None):
    """An order in `status` with one line per (product, quantity)."""
    order = OrderFactory(status=status, placed_at=placed_at or timezone.now())
    for product, quantity in products_and_quantities:
        variant = product.variants.first()
        OrderLine.objects.create(
            order=order,
            variant=variant,
            product_name=product.name,
            sku=variant.sku,
            unit_price=Decimal("10.00"),
            quantity=quantity,
            line_total=Decimal("10.00") * quantity,
        )
    return order


def related_names(product):
    return list(
        ProductRelation.objects.filter(product=product)
        .order_by("position")
        .values_list("related__name", flat=True)
    )


def test_products_bought_together_become_each_others_suggestions_most_frequent_first():
    category = CategoryFactory()
    tent, lamp, stove, mug = (
        ProductFactory(category=category, name=name)
        for name in ("Barraca", "Lanterna", "Fogareiro", "Caneca")
    )
    sold((tent, 1), (lamp, 2))
    sold((tent, 1), (lamp, 1), (stove, 1))
    sold((tent, 1), (mug, 1), status=Order.Status.AWAITING_PAYMENT)  # not sold yet
    sold((tent, 1), (mug, 1), placed_at=timezone.now() - SALES_WINDOW - timedelta(days=1))  # too old

    assert product_sales_refresh() == 3

    assert related_names(tent) == ["Lanterna", "Fogareiro"]
    assert related_names(stove) == ["Lanterna", "Barraca"]  # a tie goes to the better seller
    assert ProductRelation.objects.filter(product=tent).first().kind == ProductRelation.Kind.BOUGHT_TOGETHER
    assert dict(Product.objects.values_list("name", "sales_count")) == {
        "Barraca": 2,
        "Lanterna": 3,
        "Fogareiro": 1,
        "Caneca": 0,
    }


def test_products_no_one_bought_together_get_their_category_best_sellers():
    category = CategoryFactory()
    tent, lamp, mug = (
        ProductFactory(category=category, name=name) for name in ("Barraca", "Lanterna", "Caneca")
    )
    sold((lamp, 5))
    sold((tent, 1), (lamp, 1))

    product_sales_refresh()
    product_relations_refresh()

    assert related_names(mug) == ["Lanterna", "Barraca"]
    assert ProductRelation.objects.filter(product=mug).first().kind == ProductRelation.Kind.SAME_CATEGORY
    assert related_names(tent) == ["Lanterna"]  # its bought-together list stays


def test_a_list_nobody_supports_any_more_is_dropped():
    tent, lamp = ProductFactory(name="Barraca"), ProductFactory(name="Lanterna")
    order = sold((tent, 1), (lamp, 1))
    product_sales_refresh()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)

    product_sales_refresh()

    assert not ProductRelation.objects.filter(kind=ProductRelation.Kind.BOUGHT_TOGETHER).exists()
    assert Product.objects.get(pk=tent.pk).sales_count == 0
