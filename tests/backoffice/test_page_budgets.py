"""Back-office lists and forms run a fixed number of queries however many rows they show."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from core.actor import Actor
from inventory.models import ReorderRule, StockCount, Transfer
from inventory.services import CountedLine, stock_count_open, stock_count_record, stock_receive
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory, purchase_order
from tests.orders.factories import sandbox_pix

pytestmark = pytest.mark.django_db

ROWS = 15
PAGE_QUERIES = 12  # session, user, permissions, the page's own reads, navigation
JOB = Actor.job("test")


def stocked_lot(days: int):
    variant = ProductFactory(stock=0).variants.get()
    variant.tracks_lots = True
    variant.save(update_fields=["tracks_lots"])
    stock_receive(
        variant_id=variant.pk,
        warehouse=WarehouseFactory(),
        quantity=2,
        actor=JOB,
        lot_code="L1",
        expires_on=timezone.localdate() + timedelta(days=days),
    )
    return variant


def low_stock():
    for _ in range(ROWS):
        ReorderRule.objects.create(
            variant=stocked_lot(90), warehouse=WarehouseFactory(), minimum=5, maximum=9
        )
    return reverse("backoffice:low-stock")


def lots_expiring():
    for _ in range(ROWS):
        stocked_lot(3)
    return reverse("backoffice:lots-expiring")


def purchase_orders():
    for _ in range(ROWS):
        purchase_order()
    return reverse("backoffice:purchase-order-list")


def purchase_order_receive():
    order = purchase_order()
    for _ in range(ROWS):
        order.lines.create(variant=stocked_lot(90), quantity_ordered=3)
    return reverse("backoffice:purchase-order-receive", kwargs={"pk": order.pk})


def counts():
    for _ in range(ROWS):
        StockCount.objects.create(warehouse=WarehouseFactory(), created_by="job:test")
    return reverse("backoffice:stock-count-list")


def count_detail():
    count = stock_count_open(warehouse=WarehouseFactory(), actor=JOB)
    for _ in range(ROWS):
        variant = stocked_lot(90)
        stock_count_record(count_id=count.pk, lines=[CountedLine(variant.sku, "GERAL", 1, "L1")], actor=JOB)
    return reverse("backoffice:stock-count-detail", kwargs={"pk": count.pk})


def transfers():
    for _ in range(ROWS):
        transfer = Transfer.objects.create(
            source=WarehouseFactory(), destination=WarehouseFactory(shop=True), created_by="job:test"
        )
        transfer.lines.create(variant=ProductFactory().variants.get(), quantity=1)
    return reverse("backoffice:transfer-list")


def sandbox_payments():
    for _ in range(ROWS):
        sandbox_pix()
    return reverse("backoffice:sandbox-payment-list")


def telesales():
    return reverse("backoffice:telesales-order")


@pytest.mark.parametrize(
    "page",
    [
        low_stock,
        lots_expiring,
        purchase_orders,
        purchase_order_receive,
        counts,
        count_detail,
        transfers,
        sandbox_payments,
        telesales,
    ],
)
def test_back_office_pages_run_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries, page):
    url = page()
    client = staff_client(Role.MANAGER)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == 200
