"""Staff screens of sales recovery: the telesales call list and call log, the order placed on
the call, and what recovery brings per kind and reminder."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from backoffice.roles import Role
from backoffice.views import recovery as views
from orders.models import Order, RecoveryOpportunity
from support.recovery.models import RecoveryCall
from support.recovery.services import recovery_reminders_send_due
from tests.logistics.factories import service_and_box
from tests.orders.factories import OrderFactory
from tests.recovery.factories import lost_cart, lost_order, variant_in_stock

pytestmark = pytest.mark.django_db

Status = RecoveryOpportunity.Status


def lost_worth(value: str, **fields) -> RecoveryOpportunity:
    opportunity = lost_order(order=OrderFactory(**fields))
    RecoveryOpportunity.objects.filter(pk=opportunity.pk).update(value=Decimal(value))
    return opportunity


def test_the_call_list_puts_the_highest_value_first_with_items_and_history(staff_client):
    small, big = lost_worth("80.00"), lost_worth("900.00", email="fiel@example.com.br")
    OrderFactory(
        email="fiel@example.com.br",
        status=Order.Status.DELIVERED,
        items_total=Decimal("330.00"),
        grand_total=Decimal("350.00"),
    )
    lost_worth("500.00", phone="")  # nobody to call

    response = staff_client(Role.TELESALES).get(reverse("backoffice:recovery-call-list"))

    rows = response.context["rows"]
    assert [row["opportunity"].pk for row in rows] == [big.pk, small.pk]
    assert (rows[0]["history"].orders, rows[0]["history"].spent) == (1, Decimal("350.00"))
    assert rows[1]["history"] is None


def test_the_call_list_shows_each_lost_sales_last_call(staff_client):
    opportunity = lost_worth("80.00")
    for outcome in (RecoveryCall.Outcome.NO_ANSWER, RecoveryCall.Outcome.CALL_BACK):
        RecoveryCall.objects.create(opportunity=opportunity, outcome=outcome)

    response = staff_client(Role.TELESALES).get(reverse("backoffice:recovery-call-list"))

    assert response.context["rows"][0]["last_call"].outcome == RecoveryCall.Outcome.CALL_BACK
    assert gettext("Call back later") in response.content.decode()


def test_the_call_list_runs_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries):
    client = staff_client(Role.TELESALES)
    variant = variant_in_stock()
    for index in range(30):
        opportunity = lost_worth(f"{100 + index}.00")
        RecoveryOpportunity.objects.filter(pk=opportunity.pk).update(lines=[[variant.pk, 1]])
        RecoveryCall.objects.create(opportunity=opportunity, outcome=RecoveryCall.Outcome.NO_ANSWER)
    with django_assert_max_num_queries(views.CALL_LIST_QUERIES):
        assert client.get(reverse("backoffice:recovery-call-list")).status_code == 200


def test_support_agents_do_not_work_the_call_list(staff_client):
    client = staff_client(Role.SUPPORT_AGENT)
    assert client.get(reverse("backoffice:recovery-call-list")).status_code == 403
    opportunity = lost_worth("80.00")
    url = reverse("backoffice:recovery-call-detail", args=[opportunity.pk])
    assert client.post(url, {"outcome": "not_interested"}).status_code == 403
    assert not RecoveryCall.objects.exists()


def test_not_interested_closes_the_lost_sale(staff_client):
    opportunity = lost_worth("80.00")
    url = reverse("backoffice:recovery-call-detail", args=[opportunity.pk])
    response = staff_client(Role.TELESALES).post(
        url, {"outcome": "not_interested", "notes": "comprou na loja"}
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.close_reason) == (Status.CLOSED, "not_interested")
    assert RecoveryCall.objects.get().notes == "comprou na loja"


def test_a_call_back_leaves_the_list_until_its_time(staff_client):
    opportunity = lost_worth("80.00")
    client = staff_client(Role.TELESALES)
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("backoffice:recovery-call-detail", args=[opportunity.pk]),
        {"outcome": "call_back", "call_back_at": later},
    )
    assert client.get(reverse("backoffice:recovery-call-list")).context["rows"] == []
    assert RecoveryOpportunity.objects.get().status == Status.OPEN


def test_a_call_back_without_a_time_is_refused_on_the_field_and_changes_nothing(staff_client):
    opportunity = lost_worth("80.00")
    response = staff_client(Role.TELESALES).post(
        reverse("backoffice:recovery-call-detail", args=[opportunity.pk]), {"outcome": "call_back"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["call_back_at"] == [gettext("Say when to call back.")]
    assert not RecoveryCall.objects.exists()


def test_a_wrong_number_leaves_the_list_but_reminders_go_on(staff_client):
    opportunity = lost_worth("80.00")
    staff_client(Role.TELESALES).post(
        reverse("backoffice:recovery-call-detail", args=[opportunity.pk]), {"outcome": "wrong_number"}
    )
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.phone) == (Status.OPEN, "")


def test_the_call_detail_runs_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries):
    opportunity = lost_worth("80.00")
    for _ in range(5):
        RecoveryCall.objects.create(opportunity=opportunity, outcome=RecoveryCall.Outcome.NO_ANSWER)
        OrderFactory(email=opportunity.email)
    client = staff_client(Role.TELESALES)
    with django_assert_max_num_queries(views.CALL_DETAIL_QUERIES):
        assert (
            client.get(reverse("backoffice:recovery-call-detail", args=[opportunity.pk])).status_code == 200
        )


def test_an_order_placed_on_the_call_counts_as_recovered_by_the_agent(staff_client, make_staff):
    service_and_box()
    variant = variant_in_stock(price="60.00")
    opportunity = lost_order(order=OrderFactory(cpf="52998224725"))
    RecoveryOpportunity.objects.filter(pk=opportunity.pk).update(lines=[[variant.pk, 2]])
    client = staff_client(Role.TELESALES)

    form = client.get(reverse("backoffice:telesales-order") + f"?recovery={opportunity.pk}").context["form"]
    assert form.initial["lines"] == f"{variant.sku} 2"
    assert form.initial["recovery"] == opportunity.pk
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update({"key": uuid.uuid4(), "delivery": "sedex", "method": "pix", "cep": "01310-100"})
    response = client.post(reverse("backoffice:telesales-order"), data)
    assert response.status_code == 302, response.context["form"].errors

    opportunity.refresh_from_db()
    placed = Order.objects.get(channel=Order.Channel.TELESALES)
    assert (opportunity.status, opportunity.recovered_via, opportunity.recovered_order) == (
        Status.RECOVERED,
        "call",
        placed,
    )
    assert opportunity.recovered_by.groups.filter(name=Role.TELESALES).exists()
    assert RecoveryCall.objects.get().outcome == RecoveryCall.Outcome.ORDER_PLACED


def test_the_report_counts_per_kind_and_reminder(staff_client, django_capture_on_commit_callbacks):
    lost_at = timezone.now() - timedelta(hours=2)
    first = lost_cart(lost_at=lost_at, email="a@example.com.br")
    lost_cart(lost_at=lost_at, email="b@example.com.br")
    with django_capture_on_commit_callbacks(execute=True):
        recovery_reminders_send_due()
    first.messages.update(clicked_at=timezone.now())
    RecoveryOpportunity.objects.filter(pk=first.pk).update(
        status=Status.RECOVERED,
        recovered_via="link",
        recovered_step=1,
        recovered_value=Decimal("150.00"),
        recovered_order=OrderFactory(),
    )

    response = staff_client(Role.MANAGER).get(reverse("backoffice:recovery-report"))

    cart = next(kind for kind in response.context["kinds"] if kind.kind == "abandoned_cart")
    step_1 = cart.steps[0]
    assert (cart.lost, step_1.sent, step_1.clicks, step_1.orders, step_1.revenue) == (
        2,
        2,
        1,
        1,
        Decimal("150.00"),
    )
    assert cart.revenue == Decimal("150.00") and len(cart.steps) == 3


def test_the_report_runs_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries):
    for _ in range(10):
        lost_worth("80.00")
    client = staff_client(Role.MANAGER)
    with django_assert_max_num_queries(views.REPORT_QUERIES):
        assert client.get(reverse("backoffice:recovery-report") + "?days=90").status_code == 200


def test_telesales_do_not_see_the_report(staff_client):
    assert staff_client(Role.TELESALES).get(reverse("backoffice:recovery-report")).status_code == 403
