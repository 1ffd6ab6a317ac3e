from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from backoffice.roles import ROLE_PERMISSIONS, Role
from backoffice.views import orders as views
from core.actor import Actor
from orders.exceptions import ReasonRequired
from orders.models import Order, OrderEvent
from orders.selectors import order_hold_queue
from orders.services.risk import order_hold
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def held(reason=Order.HoldReason.FRAUD, **fields) -> Order:
    order = OrderFactory(status=Order.Status.PAID, **fields)
    with transaction.atomic():
        return order_hold(order_id=order.pk, reason=reason, actor=Actor.job("test"), note="risk score 40")


def test_the_hold_queue_stays_within_its_queries_with_ten_thousand_orders(
    staff_client, django_assert_max_num_queries
):
    now = timezone.now()
    Order.objects.bulk_create(
        OrderFactory.build(
            number=str(500000 + index),
            status=Order.Status.ON_HOLD,
            hold_reason=Order.HoldReason.values[index % 4],
            held_at=now,
        )
        for index in range(10_000)
    )
    client = staff_client(Role.FRAUD_ANALYST)
    with django_assert_max_num_queries(views.HOLD_QUEUE_QUERIES):
        response = client.get(reverse("backoffice:hold-queue"), {"reason": "fraud"})
    assert len(response.context["page_obj"]) == views.PAGE_SIZE
    assert response.context["total"] == 10_000


def test_the_queue_lists_the_longest_waiting_first():
    first, second = held(), held()
    Order.objects.filter(pk=second.pk).update(held_at=timezone.now() - timedelta(hours=5))
    assert [order.pk for order in order_hold_queue(reason="fraud")] == [second.pk, first.pk]


def test_an_analyst_approves_a_held_order(staff_client, django_assert_max_num_queries):
    order = held()
    client = staff_client(Role.ORDER_ANALYST)
    url = reverse("backoffice:order-workspace", kwargs={"number": order.number})
    with django_assert_max_num_queries(views.WORKSPACE_QUERIES):
        page = client.get(url)
    seen = page.context["form"].initial["seen"]
    client.post(
        reverse("backoffice:order-act", kwargs={"number": order.number}),
        {"action": "approve", "seen": seen.isoformat()},
    )
    order.refresh_from_db()
    assert (order.status, order.hold_reason) == (Order.Status.VALIDATED, "")
    assert order.events.filter(to_status=Order.Status.VALIDATED).get().actor.startswith("staff:")


def test_a_reject_needs_a_reason_and_then_cancels_and_tells_the_customer(
    staff_client, django_capture_on_commit_callbacks
):
    order = held()
    client = staff_client(Role.FRAUD_ANALYST)
    act = reverse("backoffice:order-act", kwargs={"number": order.number})
    response = client.post(
        act, {"action": "reject", "seen": order.updated_at.isoformat(), "text": " "}, follow=True
    )
    with translation.override("pt-br"):
        assert [str(message) for message in response.context["messages"]] == [str(ReasonRequired.message)]
    order.refresh_from_db()
    assert order.status == Order.Status.ON_HOLD
    with django_capture_on_commit_callbacks(execute=True):
        client.post(act, {"action": "reject", "seen": order.updated_at.isoformat(), "text": "stolen card"})
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.events.filter(to_status=Order.Status.CANCELLED).get().note == "stolen card"
    assert [message.to for message in mail.outbox] == [[order.email]]


def test_two_analysts_on_one_order_cannot_both_act(staff_client):
    order = held()
    seen = order.updated_at.isoformat()
    act = reverse("backoffice:order-act", kwargs={"number": order.number})
    staff_client(Role.ORDER_ANALYST).post(act, {"action": "approve", "seen": seen})
    response = staff_client(Role.FRAUD_ANALYST).post(
        act, {"action": "reject", "seen": seen, "text": "fraud"}, follow=True
    )
    order.refresh_from_db()
    assert order.status == Order.Status.VALIDATED
    assert response.context["messages"]


def test_asking_the_customer_keeps_the_order_on_hold_and_sends_the_question(
    staff_client, django_capture_on_commit_callbacks
):
    order = held(reason=Order.HoldReason.REGISTRATION_DATA)
    act = reverse("backoffice:order-act", kwargs={"number": order.number})
    with django_capture_on_commit_callbacks(execute=True):
        staff_client(Role.ORDER_ANALYST).post(
            act,
            {
                "action": "ask",
                "seen": order.updated_at.isoformat(),
                "text": "Confirme o número do apartamento.",
            },
        )
    order.refresh_from_db()
    assert order.status == Order.Status.ON_HOLD
    assert "Confirme o número do apartamento." in mail.outbox[0].body
    assert OrderEvent.objects.filter(order=order, note__contains="apartamento").exists()


@pytest.mark.parametrize("role", list(ROLE_PERMISSIONS))
@pytest.mark.parametrize("action", list(views.OrderActionForm.ACTIONS))
def test_every_role_against_every_order_action(staff_client, role, action):
    order = held()
    needed = {"orders.validate_order"} | (
        {"orders.cancel_order"} if action in ("reject", "cancel") else set()
    )
    allowed = needed <= ROLE_PERMISSIONS[role]
    response = staff_client(role).post(
        reverse("backoffice:order-act", kwargs={"number": order.number}),
        {"action": action, "seen": order.updated_at.isoformat(), "text": "motivo"},
    )
    order.refresh_from_db()
    changed = order.status != Order.Status.ON_HOLD or order.events.count() > 1  # held, then acted on
    assert (response.status_code, changed) == ((302, True) if allowed else (403, False))


def test_a_forged_approve_for_an_order_no_longer_on_hold_changes_nothing(staff_client):
    order = OrderFactory(status=Order.Status.VALIDATED)
    response = staff_client(Role.ORDER_ANALYST).post(
        reverse("backoffice:order-act", kwargs={"number": order.number}),
        {"action": "reject", "seen": order.updated_at.isoformat(), "text": "fraude"},
    )
    order.refresh_from_db()
    assert order.status == Order.Status.VALIDATED
    assert not order.events.exists()
    assert [message.level_tag for message in get_messages(response.wsgi_request)] == ["error"]


@pytest.mark.parametrize(
    "data", [{"action": "approve", "seen": "x"}, {"action": "explode", "seen": "2026-01-01"}, {}]
)
def test_an_unreadable_action_is_refused_and_changes_nothing(staff_client, data):
    order = held()
    response = staff_client(Role.ORDER_ANALYST).post(
        reverse("backoffice:order-act", kwargs={"number": order.number}), data
    )
    order.refresh_from_db()
    assert response.status_code == 302 and order.status == Order.Status.ON_HOLD
    assert [message.level_tag for message in get_messages(response.wsgi_request)] == ["error"]


def test_the_workspace_shows_the_company_an_order_is_invoiced_to(staff_client):
    order = held()
    Order.objects.filter(pk=order.pk).update(
        cnpj="12ABC34501DE35", company_name="Ateliê Aurora Ltda", state_registration="ISENTO"
    )
    page = staff_client(Role.ORDER_ANALYST).get(
        reverse("backoffice:order-workspace", kwargs={"number": order.number})
    )
    assert "Ateliê Aurora Ltda" in page.content.decode()
    assert "12.ABC.345/01DE-35" in page.content.decode()
