"""The logistics screens: what they show, what they refuse, and their query budgets."""

import pytest
from django.urls import reverse

from backoffice.roles import Role
from logistics.models import PickList, Shipment
from logistics.services import sandbox_shipments_advance
from orders.models import Order
from orders.selectors import order_access_token
from tests.logistics.factories import (
    pack,
    picked_order,
    service_and_box,
    shipment_row,
    shipped_order,
    validated_order,
    warehouse,
)
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

ROWS = 12
PAGE_QUERIES = 12  # session, user, permissions, the page's own reads, navigation


@pytest.fixture
def warehouse_client(staff_client):
    return staff_client(Role.WAREHOUSE)


def test_the_pick_queue_lists_validated_orders_within_its_budget(
    warehouse_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    orders = [validated_order(django_capture_on_commit_callbacks) for _ in range(ROWS)]
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = warehouse_client.get(reverse("backoffice:pick-queue"))
    assert [order.number for order in response.context["page_obj"]] == [order.number for order in orders]


def test_choosing_orders_makes_one_pick_list_and_opens_it(
    warehouse_client, django_capture_on_commit_callbacks
):
    orders = [validated_order(django_capture_on_commit_callbacks) for _ in range(2)]
    response = warehouse_client.post(
        reverse("backoffice:pick-queue"), {"orders": [order.pk for order in orders]}
    )
    pick_list = PickList.objects.get()
    assert response.url == reverse("backoffice:pick-list", kwargs={"number": pick_list.number})
    assert pick_list.lines.count() == 2


def test_choosing_no_order_or_an_order_not_in_the_queue_is_refused(
    warehouse_client, django_capture_on_commit_callbacks
):
    validated_order(django_capture_on_commit_callbacks)
    other = OrderFactory()
    for data in ({}, {"orders": [other.pk]}):
        response = warehouse_client.post(reverse("backoffice:pick-queue"), data)
        assert response.status_code == 200 and response.context["form"].errors
    assert not PickList.objects.exists()


def test_the_picking_walk_shows_the_next_line_and_refuses_a_wrong_item(
    warehouse_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    orders = [validated_order(django_capture_on_commit_callbacks) for _ in range(ROWS)]
    warehouse_client.post(reverse("backoffice:pick-queue"), {"orders": [order.pk for order in orders]})
    url = reverse("backoffice:pick-list", kwargs={"number": PickList.objects.get().number})
    with django_assert_max_num_queries(PAGE_QUERIES):
        page = warehouse_client.get(url)
    line = page.context["current"]
    response = warehouse_client.post(url, {"line": line.pk, "code": "NOT-THIS", "quantity": 1})
    assert response.status_code == 200
    assert response.context["confirm_form"].non_field_errors() == [
        f"Este não é o item desta linha: leia {line.order_line.sku}."
    ]
    response = warehouse_client.post(url, {"line": line.pk, "code": line.order_line.sku, "quantity": 1})
    assert response.status_code == 302
    assert warehouse_client.get(url).context["done"] == 1


def test_the_packing_queue_and_page_stay_within_their_budgets(
    warehouse_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    orders = [picked_order(django_capture_on_commit_callbacks) for _ in range(ROWS)]
    with django_assert_max_num_queries(PAGE_QUERIES):
        queue = warehouse_client.get(reverse("backoffice:pack-queue"))
    assert len(queue.context["page_obj"]) == ROWS
    url = (
        reverse("backoffice:pack-order", kwargs={"number": orders[0].number})
        + f"?warehouse={warehouse().code}"
    )
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert warehouse_client.get(url).status_code == 200


def test_each_scan_is_checked_at_once_and_the_box_closes_when_all_is_checked(
    warehouse_client, django_capture_on_commit_callbacks
):
    order = picked_order(django_capture_on_commit_callbacks)
    sku = order.lines.get().sku
    url = reverse("backoffice:pack-order", kwargs={"number": order.number}) + f"?warehouse={warehouse().code}"
    htmx = {"HTTP_HX_REQUEST": "true"}
    wrong = warehouse_client.post(url, {"scan": "ABC", "action": "scan"}, **htmx)
    assert wrong.templates[0].name == "backoffice/logistics/_pack_check.html"
    assert wrong.context["form"].errors["scan"] == ["ABC não é um item deste pedido: deixe-o fora da caixa."]
    assert wrong.context["codes"] == []
    right = warehouse_client.post(url, {"scan": sku, "action": "scan"}, **htmx)
    assert right.context["codes"] == [sku] and right.context["is_complete"]
    extra = warehouse_client.post(url, {"code": [sku], "scan": sku, "action": "scan"}, **htmx)
    assert "sobrando" in extra.context["form"].errors["scan"][0]
    missing = warehouse_client.post(url, {"code": [sku], "action": "pack", "box": "", "weight_grams": ""})
    assert set(missing.context["form"].errors) == {
        "box",
        "weight_grams",
        "length_cm",
        "width_cm",
        "height_cm",
    }
    assert not Shipment.objects.exists()
    box = service_and_box()
    with django_capture_on_commit_callbacks(execute=True):
        closed = warehouse_client.post(
            url,
            {
                "code": [sku],
                "action": "pack",
                "box": box.pk,
                "weight_grams": 800,
                "length_cm": 30,
                "width_cm": 20,
                "height_cm": 15,
            },
            **htmx,
        )
    assert (
        closed.headers["HX-Redirect"] == reverse("backoffice:pack-queue") + f"?warehouse={warehouse().code}"
    )
    assert Shipment.objects.get().status == Shipment.Status.SHIPPED


def test_the_dispatch_queue_says_why_a_shipment_cannot_go(staff_client, django_capture_on_commit_callbacks):
    order = picked_order(django_capture_on_commit_callbacks)
    shipment = pack(order)
    order.payments.update(status="authorised")
    client = staff_client(Role.SHIPPING)
    response = client.post(
        reverse("backoffice:shipment-dispatch", kwargs={"number": shipment.number}), follow=True
    )
    assert f"O pedido {order.number} ainda não está pago" in response.content.decode()
    assert [row.number for row in response.context["page_obj"]] == [shipment.number]


def test_shipments_are_filtered_and_listed_within_their_budget(staff_client, django_assert_max_num_queries):
    for index in range(ROWS):
        shipment_row(tracking_code=f"SX{index:08d}0BR", order=OrderFactory(status=Order.Status.SHIPPED))
    late = Shipment.objects.first()
    Shipment.objects.filter(pk=late.pk).update(promised_on="2020-01-01")
    client = staff_client(Role.SHIPPING)
    with django_assert_max_num_queries(PAGE_QUERIES):
        everything = client.get(reverse("backoffice:shipment-list"))
    assert len(everything.context["page_obj"]) == ROWS
    only_late = client.get(reverse("backoffice:shipment-list"), {"late": "on"})
    assert [shipment.number for shipment in only_late.context["page_obj"]] == [late.number]
    by_code = client.get(reverse("backoffice:shipment-list"), {"q": late.tracking_code.lower()})
    assert [shipment.number for shipment in by_code.context["page_obj"]] == [late.number]
    by_status = client.get(reverse("backoffice:shipment-list"), {"status": "delivered"})
    assert list(by_status.context["page_obj"]) == []


def test_a_shipment_its_label_and_its_invoice_stay_within_their_budgets(
    staff_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    shipment = shipped_order(django_capture_on_commit_callbacks)
    client = staff_client(Role.SHIPPING)
    for name in ("shipment-detail", "shipment-label", "shipment-invoice"):
        with django_assert_max_num_queries(PAGE_QUERIES):
            response = client.get(reverse(f"backoffice:{name}", kwargs={"number": shipment.number}))
        assert response.status_code == 200
        assert shipment.tracking_code in response.content.decode()


def test_the_customer_follows_the_parcel_on_the_order_page(client, django_capture_on_commit_callbacks):
    shipment = shipped_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_shipments_advance()
    order = shipment.order
    page = client.get(
        reverse("checkout:order-track", kwargs={"number": order.number}),
        {"t": order_access_token(order=order)},
    ).content.decode()
    assert shipment.tracking_code in page
    assert "Objeto postado" in page


def test_a_second_submit_of_a_picked_line_only_says_it_was_dealt_with(
    warehouse_client, django_capture_on_commit_callbacks
):
    order = validated_order(django_capture_on_commit_callbacks)
    warehouse_client.post(reverse("backoffice:pick-queue"), {"orders": [order.pk]})
    url = reverse("backoffice:pick-list", kwargs={"number": PickList.objects.get().number})
    line = warehouse_client.get(url).context["current"]
    data = {"line": line.pk, "code": line.order_line.sku, "quantity": 1}
    assert warehouse_client.post(url, data).status_code == 302
    again = warehouse_client.post(url, data, follow=True)
    assert "Esta linha já foi tratada." in again.content.decode()
    assert warehouse_client.post(url, {"line": "abc", "code": "x", "quantity": 1}).status_code == 302
