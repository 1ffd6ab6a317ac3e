"""Purchasing screens: who may open them, their query budgets, and bad input refused on the field."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from backoffice.roles import Role
from backoffice.views import purchasing as views
from core.actor import Actor
from inventory.exceptions import PurchaseOrderNotDraft, VariantUnknown
from inventory.models import PurchaseOrder, PurchaseOrderLine, ReorderRule, Supplier
from inventory.services import (
    purchase_order_draft,
    purchase_order_line_add,
    purchase_order_send,
)
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory

pytestmark = pytest.mark.django_db

JOB = Actor.job("test")
ORDER_URLS = (
    "purchasing-detail",
    "purchasing-update",
    "purchasing-line-add",
    "purchasing-line-update",
    "purchasing-send",
    "purchasing-cancel",
)
PLAIN_URLS = (
    "purchasing-list",
    "purchasing-create",
    "purchasing-from-reorder",
    "purchasing-variant-search",
    "supplier-list",
)
POSTS = {"purchasing-update", "purchasing-line-add", "purchasing-line-update", "purchasing-send"}
POSTS |= {"purchasing-cancel", "purchasing-from-reorder"}


def supplier(name="Distribuidora Horizonte", cnpj="11222333000181", lead_time_days=5) -> Supplier:
    return Supplier.objects.get_or_create(
        cnpj=cnpj, defaults={"name": name, "lead_time_days": lead_time_days}
    )[0]


def draft(*, lines=0, supplier_row=None) -> PurchaseOrder:
    order = purchase_order_draft(supplier=supplier_row or supplier(), warehouse=WarehouseFactory(), actor=JOB)
    for _ in range(lines):
        purchase_order_line_add(
            purchase_order_id=order.pk,
            variant_id=ProductFactory(stock=0).variants.get().pk,
            quantity=3,
            unit_cost=Decimal("2.50"),
            actor=JOB,
        )
    return order


def url(name: str) -> str:
    if name in ORDER_URLS:
        return reverse(f"backoffice:{name}", kwargs={"pk": draft().pk})
    return reverse(f"backoffice:{name}")


@pytest.mark.parametrize("role", [Role.SUPPORT_AGENT, Role.SHIPPING, Role.ORDER_ANALYST])
@pytest.mark.parametrize("name", ORDER_URLS + PLAIN_URLS)
def test_roles_outside_purchasing_are_refused(staff_client, role, name):
    client = staff_client(role)
    response = client.post(url(name)) if name in POSTS else client.get(url(name))
    assert response.status_code == 403
    assert PurchaseOrder.objects.filter(status=PurchaseOrder.Status.DRAFT).count() <= 1  # only the fixture's


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.MANAGER])
@pytest.mark.parametrize("name", [name for name in ORDER_URLS + PLAIN_URLS if name not in POSTS])
def test_warehouse_and_managers_open_the_pages(staff_client, role, name):
    assert staff_client(role).get(url(name)).status_code == 200


def test_the_area_is_listed_for_the_warehouse_and_not_for_support(staff_client):
    listed = reverse("backoffice:purchasing-list")
    assert listed in staff_client(Role.WAREHOUSE).get(reverse("backoffice:home")).content.decode()
    assert listed not in staff_client(Role.SUPPORT_AGENT).get(reverse("backoffice:home")).content.decode()


def test_the_list_filters_by_status_and_supplier_in_bounded_queries(
    staff_client, django_assert_max_num_queries
):
    other = supplier(name="Aurora Têxtil", cnpj="04252011000110")
    for index in range(30):
        order = draft(lines=4 if index < 3 else 0, supplier_row=other if index % 2 else None)
        if index == 0:
            purchase_order_send(purchase_order_id=order.pk, actor=JOB)
    client = staff_client(Role.WAREHOUSE)
    with django_assert_max_num_queries(views.LIST_QUERIES):
        response = client.get(reverse("backoffice:purchasing-list"))
    assert len(response.context["page_obj"]) == views.PAGE_SIZE
    sent = client.get(reverse("backoffice:purchasing-list"), {"status": "ordered"}).context["page_obj"]
    assert [(order.line_count, order.total) for order in sent] == [(4, Decimal("30.00"))]
    with django_assert_max_num_queries(views.LIST_QUERIES):
        by_supplier = client.get(
            reverse("backoffice:purchasing-list"), {"supplier": other.pk, "status": "draft"}
        ).context["page_obj"]
    assert len(by_supplier) == 15
    assert {order.supplier_id for order in by_supplier} == {other.pk}


def test_a_purchase_order_with_many_lines_in_bounded_queries(staff_client, django_assert_max_num_queries):
    order = draft(lines=40)
    client = staff_client(Role.WAREHOUSE)
    with django_assert_max_num_queries(views.DETAIL_QUERIES):
        response = client.get(reverse("backoffice:purchasing-detail", kwargs={"pk": order.pk}))
    assert response.content.decode().count('data-testid="purchase-line"') == 40
    assert 'data-testid="purchase-total">R$ 300,00<' in response.content.decode()


def test_suppliers_show_their_lead_time_in_bounded_queries(staff_client, django_assert_max_num_queries):
    for index in range(30):
        draft(
            supplier_row=supplier(name=f"Fornecedor {index:02d}", cnpj=f"{index:014d}", lead_time_days=index)
        )
    client = staff_client(Role.MANAGER)
    with django_assert_max_num_queries(views.SUPPLIER_LIST_QUERIES):
        response = client.get(reverse("backoffice:supplier-list"))
    html = response.content.decode()
    assert html.count('data-testid="supplier-row"') == views.PAGE_SIZE
    assert ngettext("%(days)s day", "%(days)s days", 3) % {"days": 3} in html


def test_a_line_is_added_by_exact_sku_typed_in_the_search(staff_client):
    order = draft()
    item = ProductFactory(stock=0).variants.get()
    response = staff_client(Role.WAREHOUSE).post(
        reverse("backoffice:purchasing-line-add", kwargs={"pk": order.pk}),
        {"q": item.sku.lower(), "quantity": "7", "unit_cost": "3,20"},
    )
    assert response.status_code == 302
    line = order.lines.get()
    assert (line.variant_id, line.quantity_ordered, line.unit_cost) == (item.pk, 7, Decimal("3.20"))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-2"}, "quantity"),
        ({"quantity": ""}, "quantity"),
        ({"variant": "", "q": "NAO-EXISTE"}, "q"),
        ({"variant": "987654"}, "q"),
        ({"unit_cost": "-1"}, "unit_cost"),
        ({"unit_cost": "1,234"}, "unit_cost"),
    ],
)
def test_bad_lines_are_refused_on_the_field_and_change_nothing(staff_client, data, field):
    order = draft()
    item = ProductFactory(stock=0).variants.get()
    response = staff_client(Role.WAREHOUSE).post(
        reverse("backoffice:purchasing-line-add", kwargs={"pk": order.pk}),
        {"variant": item.pk, "quantity": "2", **data},
    )
    assert response.status_code == 422
    errors = response.context["add_form"].errors
    assert list(errors) == [field]
    if field == "q":
        assert errors["q"] == [str(VariantUnknown.message)]
    assert not PurchaseOrderLine.objects.exists()


def test_a_duplicate_line_is_refused_on_the_item(staff_client):
    order = draft(lines=1)
    line = order.lines.get()
    response = staff_client(Role.WAREHOUSE).post(
        reverse("backoffice:purchasing-line-add", kwargs={"pk": order.pk}),
        {"variant": line.variant_id, "quantity": "9"},
    )
    assert response.status_code == 422
    assert line.variant.sku in response.context["add_form"].errors["q"][0]
    assert list(order.lines.values_list("quantity_ordered", flat=True)) == [3]


def test_a_line_edited_to_zero_is_refused_on_its_quantity(staff_client):
    order = draft(lines=1)
    line = order.lines.get()
    response = staff_client(Role.WAREHOUSE).post(
        reverse("backoffice:purchasing-line-update", kwargs={"pk": order.pk}),
        {"line": line.pk, f"line-{line.pk}-quantity": "0", f"line-{line.pk}-unit_cost": "2,50"},
    )
    assert response.status_code == 422
    [(_line, form)] = [row for row in response.context["rows"] if row[0].pk == line.pk]
    assert list(form.errors) == ["quantity"]
    line.refresh_from_db()
    assert line.quantity_ordered == 3


def test_a_sent_order_is_not_edited(staff_client):
    order = draft(lines=1)
    purchase_order_send(purchase_order_id=order.pk, actor=JOB)
    line = order.lines.get()
    client = staff_client(Role.WAREHOUSE)
    response = client.post(
        reverse("backoffice:purchasing-line-update", kwargs={"pk": order.pk}),
        {"line": line.pk, f"line-{line.pk}-quantity": "50", f"line-{line.pk}-unit_cost": "1"},
        follow=True,
    )
    assert str(PurchaseOrderNotDraft.message) in response.content.decode()
    line.refresh_from_db()
    assert line.quantity_ordered == 3
    page = client.get(reverse("backoffice:purchasing-detail", kwargs={"pk": order.pk})).content.decode()
    assert 'data-testid="save-line"' not in page
    assert 'data-testid="send-purchase"' not in page


def test_drafting_from_the_reorder_list_twice_drafts_once(staff_client):
    horizonte = supplier(lead_time_days=4)
    for _ in range(3):
        ReorderRule.objects.create(
            variant=ProductFactory(stock=0).variants.get(),
            warehouse=WarehouseFactory(),
            minimum=5,
            maximum=20,
            supplier=horizonte,
        )
    client = staff_client(Role.WAREHOUSE)
    first = client.post(reverse("backoffice:purchasing-from-reorder"))
    second = client.post(reverse("backoffice:purchasing-from-reorder"), follow=True)
    assert first.status_code == 302
    assert gettext("Everything to reorder is already on draft purchase orders.") in second.content.decode()
    order = PurchaseOrder.objects.get()
    assert sorted(order.lines.values_list("quantity_ordered", flat=True)) == [20, 20, 20]
    low_stock = client.get(reverse("backoffice:low-stock")).content.decode()
    assert low_stock.count('data-testid="in-draft"') == 3


def test_the_variant_search_finds_by_name(staff_client):
    wanted = ProductFactory(name="Garrafa térmica", stock=0).variants.get()
    ProductFactory(name="Caneca", stock=0)
    response = staff_client(Role.WAREHOUSE).get(
        reverse("backoffice:purchasing-variant-search"), {"q": "térmica"}
    )
    assert response.content.decode().count('data-testid="variant-choice"') == 1
    assert f'value="{wanted.pk}"' in response.content.decode()


def test_a_drafts_expected_date_and_note_are_saved(staff_client):
    order = draft()
    response = staff_client(Role.WAREHOUSE).post(
        reverse("backoffice:purchasing-update", kwargs={"pk": order.pk}),
        {"expected_on": "2030-05-02", "note": "Entregar pela manhã"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.expected_on.isoformat(), order.note) == ("2030-05-02", "Entregar pela manhã")


def test_a_bad_expected_date_is_refused_on_its_field(staff_client):
    order = draft()
    before = order.expected_on
    response = staff_client(Role.WAREHOUSE).post(
        reverse("backoffice:purchasing-update", kwargs={"pk": order.pk}), {"expected_on": "31/02/2030"}
    )
    assert response.status_code == 422
    assert list(response.context["header_form"].errors) == ["expected_on"]
    order.refresh_from_db()
    assert order.expected_on == before


def test_a_draft_is_cancelled_from_its_page_and_an_empty_one_not_sent(staff_client):
    empty, other = draft(), draft()
    client = staff_client(Role.MANAGER)
    sent = client.post(reverse("backoffice:purchasing-send", kwargs={"pk": empty.pk}), follow=True)
    assert gettext("Add at least one item before sending the purchase order.") in sent.content.decode()
    response = client.post(reverse("backoffice:purchasing-cancel", kwargs={"pk": other.pk}))
    assert response.url == reverse("backoffice:purchasing-list")
    empty.refresh_from_db()
    other.refresh_from_db()
    assert (empty.status, other.status) == (PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.CANCELLED)
