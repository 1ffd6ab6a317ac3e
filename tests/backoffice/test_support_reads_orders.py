"""Support agents read orders, payments and shipments without acting on them; customer and
order search find people by CPF, phone, order number, name or email, each way indexed."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from backoffice.roles import ROLE_PERMISSIONS, Role
from backoffice.selectors import customer_search, order_search
from backoffice.urls import URL_PERMISSIONS
from backoffice.views import orders as views
from core.actor import Actor
from orders.models import Order
from orders.services.risk import order_hold
from storefront.accounts.models import User
from tests.accounts.factories import UserFactory
from tests.backoffice.test_access import request
from tests.logistics.factories import shipment_row
from tests.orders.factories import OrderFactory, sandbox_pix

pytestmark = pytest.mark.django_db

SUPPORT = ROLE_PERMISSIONS[Role.SUPPORT_AGENT]
CPF = "52998224725"


def held_order(**fields) -> Order:
    order = OrderFactory(status=Order.Status.PAID, **fields)
    with transaction.atomic():
        return order_hold(
            order_id=order.pk, reason=Order.HoldReason.FRAUD, actor=Actor.job("risk_analysis"), note="40"
        )


def test_support_reads_an_orders_payment_and_shipment_without_any_action(staff_client):
    # given an order on hold with a Pix and a shipment
    payment = sandbox_pix(status=Order.Status.PAID)
    order = payment.order
    with transaction.atomic():
        order_hold(order_id=order.pk, reason=Order.HoldReason.FRAUD, actor=Actor.job("risk_analysis"))
    shipment = shipment_row(order=order, status="packed")
    # when a support agent opens it
    response = staff_client(Role.SUPPORT_AGENT).get(
        reverse("backoffice:order-workspace", kwargs={"number": order.number})
    )
    # then they read the payment and the shipment, and no form to act is there
    page = response.content.decode()
    assert response.status_code == 200
    assert "Pix" in page
    assert shipment.number in page
    assert reverse("backoffice:order-act", kwargs={"number": order.number}) not in page
    assert 'data-testid="approve"' not in page
    assert 'data-testid="staff-cancel"' not in page


@pytest.mark.parametrize(
    "name", [name for name, permission in URL_PERMISSIONS.items() if permission and permission not in SUPPORT]
)
def test_every_url_support_may_not_use_refuses_them(staff_client, name):
    assert request(staff_client(Role.SUPPORT_AGENT), name).status_code == 403


def test_support_cannot_act_on_an_order(staff_client):
    order = held_order()
    for action in ("approve", "reject", "ask", "note", "cancel"):
        response = staff_client(Role.SUPPORT_AGENT).post(
            reverse("backoffice:order-act", kwargs={"number": order.number}),
            {"action": action, "seen": order.updated_at.isoformat(), "text": "Cliente ligou."},
        )
        assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == Order.Status.ON_HOLD
    assert order.events.count() == 1


def test_support_finds_an_order_by_cpf_with_punctuation(staff_client):
    order = OrderFactory(cpf=CPF)
    OrderFactory()
    response = staff_client(Role.SUPPORT_AGENT).get(reverse("backoffice:hold-queue"), {"q": "529.982.247-25"})
    assert [found.number for found in response.context["orders"]] == [order.number]
    assert reverse("backoffice:order-workspace", kwargs={"number": order.number}) in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["529.982.247-25", CPF, "(21) 99876-5432", "+55 21 99876-5432", "21998765432", "ORDER", "Joana Prado"],
)
def test_customer_search_takes_cpf_phone_order_number_and_name(query):
    # given a customer with an order, among others
    joana = UserFactory(full_name="Joana Prado Lima", email="jl@example.com.br")
    order = OrderFactory(customer=joana, cpf=CPF, phone="21998765432", full_name="Joana P. Lima")
    other = UserFactory(full_name="Marcos Dias")
    OrderFactory(customer=other, cpf="11144477735")
    query = order.number if query == "ORDER" else query
    # when staff search for her
    found = list(customer_search(query=query))
    # then she alone is found
    assert found == [joana]


def test_customer_search_still_takes_the_start_of_the_email_and_a_part_of_the_name():
    joana = UserFactory(full_name="Joana Prado Lima", email="joana.lima@example.com.br")
    UserFactory(full_name="Marcos Dias", email="marcos@example.com.br")
    assert list(customer_search(query="JOANA.L")) == [joana]
    assert list(customer_search(query="prado")) == [joana]
    assert list(customer_search(query="---")) == []


def test_order_search_finds_by_email_phone_and_name():
    order = OrderFactory(email="rita@example.com.br", phone="31987651234", full_name="Rita Cardoso")
    OrderFactory()
    assert list(order_search(query="Rita@Example.com.br")) == [order]
    assert list(order_search(query="(31) 98765-1234")) == [order]
    assert list(order_search(query="cardoso")) == [order]


def test_the_customer_search_page_stays_within_its_queries(staff_client, django_assert_max_num_queries):
    customers = UserFactory.create_batch(30, full_name="Cliente Prado")
    for customer in customers:
        OrderFactory(customer=customer, cpf=CPF)
    client = staff_client(Role.SUPPORT_AGENT)
    for query in ("Prado", CPF, "cliente"):
        with django_assert_max_num_queries(8):
            response = client.get(reverse("backoffice:customer-list"), {"q": query})
        assert len(response.context["customers"]) == 25


def test_the_order_search_page_stays_within_its_queries(staff_client, django_assert_max_num_queries):
    OrderFactory.create_batch(60, cpf=CPF)
    client = staff_client(Role.SUPPORT_AGENT)
    with django_assert_max_num_queries(views.ORDER_SEARCH_QUERIES):
        response = client.get(reverse("backoffice:hold-queue"), {"q": CPF})
    assert len(response.context["orders"]) == 50


def test_the_workspace_stays_within_its_queries_with_shipments(staff_client, django_assert_max_num_queries):
    payment = sandbox_pix(cpf=CPF)
    shipment_row(order=payment.order)
    OrderFactory.create_batch(12, cpf=CPF)
    client = staff_client(Role.SUPPORT_AGENT)
    with django_assert_max_num_queries(views.WORKSPACE_QUERIES):
        response = client.get(reverse("backoffice:order-workspace", kwargs={"number": payment.order.number}))
    assert len(response.context["history"]) == 10


# Each lookup the searches make, as they make it, and the index it must use.
SEARCH_PLANS = {
    "user_full_name_trgm_idx": lambda: User.objects.filter(full_name__icontains="prado"),
    "user_email_prefix_idx": lambda: User.objects.filter(email__startswith="joana@"),
    "order_full_name_trgm_idx": lambda: Order.objects.filter(full_name__icontains="prado"),
    "order_phone_idx": lambda: Order.objects.filter(phone="21998765432"),
    "order_cpf_idx": lambda: Order.objects.filter(cpf=CPF),
}


@pytest.mark.postgres
@pytest.mark.parametrize("index", SEARCH_PLANS)
def test_each_way_of_searching_has_its_index(index):
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Tables this small read faster whole, or through any index: leave the planner
            # only the indexes that answer the condition.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
        plan = SEARCH_PLANS[index]().explain()
    assert index in plan, plan
