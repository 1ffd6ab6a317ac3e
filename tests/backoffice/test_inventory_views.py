from io import BytesIO

import pytest
from django.urls import reverse

from backoffice.roles import Role
from backoffice.views import inventory as views
from core.actor import Actor
from inventory.models import PurchaseOrder, StockCount, StockLevel, Transfer
from inventory.services import stock_receive
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory, purchase_order

pytestmark = pytest.mark.django_db

JOB = Actor.job("test")


def stocked(quantity=5, **product):
    variant = ProductFactory(stock=0, **product).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=quantity, actor=JOB)
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(shop=True), quantity=2, actor=JOB)
    return variant


def test_stock_search_finds_by_sku_and_name_in_bounded_queries(staff_client, django_assert_max_num_queries):
    wanted = stocked(name="Garrafa térmica")
    for _ in range(30):
        stocked()
    client = staff_client(Role.WAREHOUSE)
    with django_assert_max_num_queries(views.STOCK_SEARCH_QUERIES):
        response = client.get(reverse("backoffice:stock-search"))
    assert len(response.context["page_obj"]) == views.PAGE_SIZE
    found = client.get(reverse("backoffice:stock-search"), {"q": wanted.sku}).context["page_obj"]
    assert [variant.pk for variant in found] == [wanted.pk]
    assert [
        v.pk for v in client.get(reverse("backoffice:stock-search"), {"q": "térmica"}).context["page_obj"]
    ] == [wanted.pk]


def test_an_item_shows_its_bins_and_ledger_in_bounded_queries(staff_client, django_assert_max_num_queries):
    variant = stocked()
    for _ in range(20):
        stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=1, actor=JOB)
    client = staff_client(Role.WAREHOUSE)
    with django_assert_max_num_queries(views.STOCK_ITEM_QUERIES):
        response = client.get(reverse("backoffice:stock-item", kwargs={"variant_id": variant.pk}))
    html = response.content.decode()
    assert html.count('data-testid="movement"') == 22
    assert 'data-testid="stock-online">25<' in html


def test_receiving_a_purchase_order_on_screen(staff_client):
    order = purchase_order(quantity=10)
    line = order.lines.get()
    client = staff_client(Role.WAREHOUSE)
    url = reverse("backoffice:purchase-order-receive", kwargs={"pk": order.pk})
    refused = client.post(url, {f"quantity_{line.pk}": 12})
    assert (
        "Aceite receber mais do que o pedido" in refused.content.decode()
        or refused.context["form"].non_field_errors()
    )
    assert not StockLevel.objects.exists()
    response = client.post(url, {f"quantity_{line.pk}": 4})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.PARTIALLY_RECEIVED
    assert StockLevel.objects.get().on_hand == 4


def test_a_count_file_with_a_bad_row_lists_the_rows_and_records_nothing(staff_client):
    variant = stocked()
    warehouse = StockLevel.objects.filter(variant=variant, warehouse__sells_online=True).get().warehouse
    client = staff_client(Role.WAREHOUSE)
    client.post(reverse("backoffice:stock-count-list"), {"warehouse": warehouse.pk})
    count = StockCount.objects.get()
    upload = BytesIO(f"sku,bin,lot,counted\n{variant.sku},GERAL,,3\nNOPE,GERAL,,1\n".encode())
    upload.name = "count.csv"
    response = client.post(
        reverse("backoffice:stock-count-detail", kwargs={"pk": count.pk}), {"file": upload}
    )
    assert response.context["file_errors"][0][0] == 3
    assert not count.lines.exists()
    assert 'data-testid="apply-count"' not in response.content.decode()  # the warehouse role cannot approve

    client.post(
        reverse("backoffice:stock-count-detail", kwargs={"pk": count.pk}),
        {"sku": variant.sku, "bin_code": "GERAL", "counted": 3},
    )
    manager = staff_client(Role.MANAGER)
    page = manager.get(reverse("backoffice:stock-count-detail", kwargs={"pk": count.pk})).content.decode()
    assert 'data-testid="count-difference">-2<' in page
    manager.post(reverse("backoffice:stock-count-apply", kwargs={"pk": count.pk}), {"action": "apply"})
    count.refresh_from_db()
    assert count.status == StockCount.Status.APPLIED
    assert count.approved_by.startswith("staff:") and count.approved_by != count.created_by
    assert StockLevel.objects.get(variant=variant, warehouse=warehouse).on_hand == 3


def test_a_transfer_is_sent_from_the_form_and_unknown_skus_are_named(staff_client):
    variant = stocked()
    shop = WarehouseFactory(shop=True)
    online = WarehouseFactory()
    client = staff_client(Role.WAREHOUSE)
    url = reverse("backoffice:transfer-list")
    response = client.post(url, {"source": shop.pk, "destination": online.pk, "lines": "NOPE 1"})
    assert "NOPE" in " ".join(response.context["form"].errors["lines"])
    response = client.post(url, {"source": shop.pk, "destination": online.pk, "lines": f"{variant.sku} 2"})
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    client.post(reverse("backoffice:transfer-update", kwargs={"pk": transfer.pk}), {"action": "receive"})
    variant.refresh_from_db()
    assert variant.stock_online == 7
