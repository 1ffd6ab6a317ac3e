from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.models import PersonalDataAccess
from backoffice.roles import ROLE_PERMISSIONS, Role
from backoffice.services import personal_data_access_record
from backoffice.views.access_log import ACCESS_LOG_QUERIES
from storefront.accounts.models import CustomerProfile
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

LOG = reverse("backoffice:access-log")
Kind = PersonalDataAccess.Kind


def test_opening_a_customers_360_is_logged(client, make_staff):
    # given
    agent = make_staff(Role.SUPPORT_AGENT)
    customer = UserFactory()
    client.force_login(agent)
    # when
    response = client.get(reverse("backoffice:customer-detail", kwargs={"pk": customer.pk}))
    # then
    assert response.status_code == 200
    access = PersonalDataAccess.objects.get()
    assert (access.staff, access.customer, access.kind, access.reference) == (
        agent,
        customer,
        Kind.CUSTOMER_360,
        "",
    )


def test_opening_an_orders_workspace_is_logged_with_its_number(client, make_staff):
    analyst = make_staff(Role.ORDER_ANALYST)
    customer = UserFactory()
    order = OrderFactory(customer=customer)
    guest_order = OrderFactory()
    client.force_login(analyst)
    for number in (order.number, guest_order.number):
        assert client.get(reverse("backoffice:order-workspace", kwargs={"number": number})).status_code == 200
    rows = list(PersonalDataAccess.objects.order_by("pk").values_list("customer_id", "kind", "reference"))
    assert rows == [
        (customer.pk, Kind.ORDER_WORKSPACE, order.number),
        (None, Kind.ORDER_WORKSPACE, guest_order.number),
    ]


def test_an_order_not_found_is_not_logged(client, make_staff):
    client.force_login(make_staff(Role.ORDER_ANALYST))
    assert client.get(reverse("backoffice:order-workspace", kwargs={"number": "999999"})).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_the_service_records_an_export_and_refuses_an_unknown_kind(make_staff):
    manager = make_staff(Role.MANAGER)
    access = personal_data_access_record(
        staff=manager, kind="export", reference="orders 2026-11 " + "x" * 400
    )
    assert access.kind == Kind.EXPORT
    assert access.customer_id is None
    assert len(access.reference) == 300
    with pytest.raises(ValueError, match="Unknown"):
        personal_data_access_record(staff=manager, kind="peek")


def test_only_managers_read_the_log():
    assert [
        role for role, perms in ROLE_PERMISSIONS.items() if "backoffice.view_personaldataaccess" in perms
    ] == [Role.MANAGER]


def test_the_log_is_for_managers_and_refused_to_others(staff_client):
    assert staff_client(Role.SUPPORT_AGENT).get(LOG).status_code == 403
    assert staff_client(Role.MANAGER).get(LOG).status_code == 200


@pytest.fixture
def log(make_staff):
    """Two staff members reading two customers' data over three days."""
    ana, bruno = make_staff(Role.SUPPORT_AGENT), make_staff(Role.ORDER_ANALYST)
    ana.full_name, bruno.full_name = "Ana Atendente", "Bruno Analista"
    ana.save(update_fields=["full_name"])
    bruno.save(update_fields=["full_name"])
    maria = UserFactory(email="maria@example.com.br", full_name="Maria Souza")
    CustomerProfile.objects.update_or_create(user=maria, defaults={"cpf": "52998224725"})
    OrderFactory(customer=maria, cpf="52998224725")
    joao = UserFactory(email="joao@example.com.br", full_name="João Lima")
    now = timezone.now()
    rows = [
        (ana, maria, Kind.CUSTOMER_360, now - timedelta(days=2)),
        (ana, joao, Kind.ORDER_WORKSPACE, now - timedelta(days=1)),
        (bruno, maria, Kind.ORDER_WORKSPACE, now),
    ]
    for staff, customer, kind, at in rows:
        access = personal_data_access_record(staff=staff, kind=kind, customer_id=customer.pk)
        PersonalDataAccess.objects.filter(pk=access.pk).update(created_at=at)
    return {"ana": ana, "bruno": bruno, "maria": maria, "joao": joao, "now": now}


def listed(client, **query) -> list[tuple[str, str]]:
    response = client.get(LOG, query)
    assert response.status_code == 200
    return [(access.staff.full_name, access.customer.email) for access in response.context["page_obj"]]


def test_the_log_filters_by_staff_member_customer_and_period(staff_client, log):
    client = staff_client(Role.MANAGER)
    assert listed(client) == [
        ("Bruno Analista", "maria@example.com.br"),
        ("Ana Atendente", "joao@example.com.br"),
        ("Ana Atendente", "maria@example.com.br"),
    ]
    assert listed(client, staff=log["ana"].pk) == [
        ("Ana Atendente", "joao@example.com.br"),
        ("Ana Atendente", "maria@example.com.br"),
    ]
    by_maria = [("Bruno Analista", "maria@example.com.br"), ("Ana Atendente", "maria@example.com.br")]
    assert listed(client, customer="maria@") == by_maria
    assert listed(client, customer="529.982.247-25") == by_maria  # the CPF of her orders
    assert listed(client, customer="Souza") == by_maria
    yesterday = timezone.localdate(log["now"] - timedelta(days=1))
    assert listed(client, since=yesterday.isoformat(), until=yesterday.isoformat()) == [
        ("Ana Atendente", "joao@example.com.br")
    ]
    assert listed(client, staff=log["ana"].pk, since=yesterday.isoformat()) == [
        ("Ana Atendente", "joao@example.com.br")
    ]


def test_bad_filters_are_left_out_with_a_message(staff_client, log):
    client = staff_client(Role.MANAGER)
    assert len(listed(client, staff="abc", since="not a date")) == 3
    response = client.get(LOG, {"since": "2026-12-04", "until": "2026-12-01"})
    assert "O fim do período vem antes do início." in response.content.decode()
    assert listed(client, customer="ninguem@example.com.br") == []


def test_the_log_reads_in_bounded_queries(staff_client, make_staff, django_assert_max_num_queries):
    # given more than a page of accesses by many staff members
    customers = UserFactory.create_batch(5)
    for index in range(60):
        personal_data_access_record(
            staff=make_staff(Role.SUPPORT_AGENT), kind=Kind.CUSTOMER_360, customer_id=customers[index % 5].pk
        )
    client = staff_client(Role.MANAGER)
    staff = PersonalDataAccess.objects.first().staff
    # when every filter is used
    with django_assert_max_num_queries(ACCESS_LOG_QUERIES):
        response = client.get(
            LOG, {"staff": staff.pk, "customer": "@", "since": "2020-01-01", "until": "2099-01-01", "page": 1}
        )
    assert response.status_code == 200
    with django_assert_max_num_queries(ACCESS_LOG_QUERIES):
        response = client.get(LOG)
    assert len(response.context["page_obj"]) == 50
    assert response.context["page_obj"].paginator.count == 60


def test_the_admin_shows_the_log_read_only(admin_client, make_staff):
    personal_data_access_record(staff=make_staff(Role.MANAGER), kind=Kind.EXPORT, reference="orders")
    response = admin_client.get(reverse("admin:backoffice_personaldataaccess_changelist"))
    assert response.status_code == 200
    assert "orders" in response.content.decode()
    assert admin_client.get(reverse("admin:backoffice_personaldataaccess_add")).status_code == 403
