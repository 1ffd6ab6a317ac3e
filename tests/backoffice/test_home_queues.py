from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.home_queues import HOME_QUEUES, home_queue_lines
from backoffice.roles import Role
from backoffice.views.staff import HOME_QUERIES
from logistics.models import Shipment
from orders.models import Order, RecoveryOpportunity
from returns.models import ReturnRequest
from support.models import Ticket
from tests.logistics.factories import CLEAN, picked_order, shipment_row, validated_order
from tests.notifications.factories import NotificationFactory
from tests.orders.factories import OrderFactory
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db

HOME = reverse("backoffice:home")

HOLDS = ["holds-fraud", "holds-registration_data", "holds-address", "holds-stock"]
RETURNS = ["returns-decide", "returns-in_transit", "returns-inspect"]
TICKETS = ["tickets-breached", "tickets-due_soon", "tickets-on_time"]
DISPATCH = ["dispatch-waiting", "dispatch-refused", "late_shipments"]
ERASURES = ["erasure_requests-late", "erasure_requests-on_time"]
# Exactly the queues each role works, in the home's order.
ROLE_QUEUES = {
    Role.ORDER_ANALYST: [*HOLDS, "failed_messages", "periodic_jobs"],
    Role.FRAUD_ANALYST: [*HOLDS, "periodic_jobs"],
    Role.WAREHOUSE: ["pick", "pack", "periodic_jobs"],
    Role.SHIPPING: [*DISPATCH, "periodic_jobs"],
    Role.RETURNS: [*RETURNS, "periodic_jobs"],
    Role.SUPPORT_AGENT: [*TICKETS, "failed_messages", "periodic_jobs"],
    Role.OMBUDSMAN: [*TICKETS, "failed_messages", "periodic_jobs"],
    Role.TELESALES: ["recovery_calls", "periodic_jobs"],
    Role.DATA_PROTECTION: [*ERASURES, "periodic_jobs"],
    Role.MANAGER: [
        *HOLDS,
        "pick",
        "pack",
        *DISPATCH,
        *RETURNS,
        *TICKETS,
        "recovery_calls",
        "failed_messages",
        *ERASURES,
        "periodic_jobs",
    ],
}


def counts(response) -> dict[str, int]:
    return {line.key: line.count for line in response.context["queues"]}


@pytest.mark.parametrize("role", list(ROLE_QUEUES))
def test_each_role_sees_exactly_its_queues(staff_client, role):
    response = staff_client(role).get(HOME)
    assert [line.key for line in response.context["queues"]] == ROLE_QUEUES[role]


def test_staff_without_a_role_see_only_the_periodic_jobs(staff_client):
    response = staff_client().get(HOME)
    assert [line.key for line in response.context["queues"]] == ["periodic_jobs"]


def test_empty_queues_are_shown_muted_with_a_link(staff_client):
    page = staff_client(Role.RETURNS).get(HOME).content.decode()
    assert 'data-testid="queue-returns-inspect" data-count="0"' in page
    assert f'href="{reverse("backoffice:return-queue")}?queue=inspect"' in page
    assert "Nada esperando" in page


def _held(reason: str, hours: int) -> Order:
    return OrderFactory(
        status=Order.Status.ON_HOLD, hold_reason=reason, held_at=timezone.now() - timedelta(hours=hours)
    )


def test_held_orders_are_counted_by_reason_with_the_oldest_and_link_to_the_reason(staff_client):
    # given
    _held(Order.HoldReason.FRAUD, 3)
    oldest = _held(Order.HoldReason.FRAUD, 5)
    _held(Order.HoldReason.ADDRESS, 1)
    _held(Order.HoldReason.RETURN, 9)  # the returns team's, not the analysts'
    OrderFactory(status=Order.Status.VALIDATED, hold_reason=Order.HoldReason.STOCK)
    # when
    response = staff_client(Role.ORDER_ANALYST).get(HOME)
    # then
    lines = {line.key: line for line in response.context["queues"]}
    assert counts(response) == {
        "holds-fraud": 2,
        "holds-registration_data": 0,
        "holds-address": 1,
        "holds-stock": 0,
        "failed_messages": 0,
        "periodic_jobs": 0,
    }
    assert lines["holds-fraud"].oldest_at == oldest.held_at
    assert lines["holds-fraud"].url == f"{reverse('backoffice:hold-queue')}?reason=fraud"
    assert "5\xa0horas" in response.content.decode()  # the age in words, in the store's language
    # the hold queue lists as many
    listed = staff_client(Role.ORDER_ANALYST).get(lines["holds-fraud"].url)
    assert listed.context["page_obj"].paginator.count == 2


def test_ages_read_in_english_too(client, make_staff):
    _held(Order.HoldReason.STOCK, 3)
    client.force_login(make_staff(Role.ORDER_ANALYST))
    page = client.get(HOME, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "oldest has waited 3\xa0hours" in page


def test_shipments_to_dispatch_refused_and_late_are_counted_as_their_lists(staff_client):
    # given
    shipment_row(status="packed", order=OrderFactory(**CLEAN, status=Order.Status.PACKED))
    shipment_row(
        status="packed",
        order=OrderFactory(**CLEAN, status=Order.Status.PACKED),
        needs_attention=True,
    )
    late = shipment_row(
        order=OrderFactory(**CLEAN, status=Order.Status.SHIPPED), tracking_code="SX000000001BR"
    )
    Shipment.objects.filter(pk=late.pk).update(promised_on=timezone.localdate() - timedelta(days=2))
    shipment_row(order=OrderFactory(**CLEAN, status=Order.Status.SHIPPED), tracking_code="SX000000002BR")
    # when
    client = staff_client(Role.SHIPPING)
    response = client.get(HOME)
    # then
    assert counts(response) == {
        "dispatch-waiting": 1,
        "dispatch-refused": 1,
        "late_shipments": 1,
        "periodic_jobs": 0,
    }
    listed = client.get(reverse("backoffice:shipment-list"), {"late": "on"})
    assert listed.context["page_obj"].paginator.count == 1
    dispatch = client.get(reverse("backoffice:dispatch-queue"))
    assert dispatch.context["page_obj"].paginator.count == 2


def test_orders_to_pick_and_to_pack_are_counted_as_their_lists(
    staff_client, django_capture_on_commit_callbacks
):
    # given
    validated_order(django_capture_on_commit_callbacks)
    validated_order(django_capture_on_commit_callbacks)
    picked_order(django_capture_on_commit_callbacks)
    # when
    client = staff_client(Role.WAREHOUSE)
    response = client.get(HOME)
    # then
    assert counts(response) == {"pick": 2, "pack": 1, "periodic_jobs": 0}
    assert client.get(reverse("backoffice:pick-queue")).context["page_obj"].paginator.count == 2
    assert client.get(reverse("backoffice:pack-queue")).context["page_obj"].paginator.count == 1


def _return(status: str, n: int) -> ReturnRequest:
    order = OrderFactory(status=Order.Status.DELIVERED)
    return ReturnRequest.objects.create(
        number=f"{order.number}-D{n}",
        order=order,
        status=status,
        reason=ReturnRequest.Reason.REGRET,
        resolution=ReturnRequest.Resolution.REFUND,
    )


def test_returns_are_counted_by_queue(staff_client):
    # given
    _return(ReturnRequest.Status.REQUESTED, 1)
    _return(ReturnRequest.Status.APPROVED, 2)
    _return(ReturnRequest.Status.IN_TRANSIT, 3)
    _return(ReturnRequest.Status.RECEIVED, 4)
    _return(ReturnRequest.Status.REFUNDED, 5)
    # when
    client = staff_client(Role.RETURNS)
    response = client.get(HOME)
    # then
    assert counts(response) == {
        "returns-decide": 1,
        "returns-in_transit": 2,
        "returns-inspect": 1,
        "periodic_jobs": 0,
    }
    listed = client.get(reverse("backoffice:return-queue"), {"queue": "in_transit"})
    assert listed.context["page_obj"].paginator.count == 2


def test_tickets_are_counted_by_deadline(staff_client):
    # given
    now = timezone.now()
    breached, soon, fine, paused, no_deadline, solved = (open_ticket() for _ in range(6))
    Ticket.objects.filter(pk=breached.pk).update(sla_due_at=now - timedelta(hours=1), sla_warn_at=now)
    Ticket.objects.filter(pk=soon.pk).update(
        sla_due_at=now + timedelta(hours=1), sla_warn_at=now - timedelta(minutes=5)
    )
    Ticket.objects.filter(pk=fine.pk).update(
        sla_due_at=now + timedelta(days=1), sla_warn_at=now + timedelta(hours=20)
    )
    Ticket.objects.filter(pk=paused.pk).update(sla_due_at=now - timedelta(hours=1), sla_paused_at=now)
    Ticket.objects.filter(pk=no_deadline.pk).update(sla_due_at=None, sla_warn_at=None)
    Ticket.objects.filter(pk=solved.pk).update(
        status=Ticket.Status.RESOLVED, sla_due_at=now - timedelta(days=1)
    )
    # when
    client = staff_client(Role.SUPPORT_AGENT)
    response = client.get(HOME)
    # then
    assert {key: count for key, count in counts(response).items() if key.startswith("tickets")} == {
        "tickets-breached": 1,
        "tickets-due_soon": 1,
        "tickets-on_time": 3,
    }
    breached_list = client.get(reverse("backoffice:support-desk"), {"show": "breached"})
    assert breached_list.context["page_obj"].paginator.count == 1


def test_the_ombudsman_counts_only_the_ombudsman_queue(staff_client):
    open_ticket()
    response = staff_client(Role.OMBUDSMAN).get(HOME)
    assert sum(count for key, count in counts(response).items() if key.startswith("tickets")) == 0


def test_recovery_calls_and_failed_messages_are_counted(staff_client):
    # given
    now = timezone.now()
    for phone, call_after in (("11987654321", None), ("", None), ("11987654321", now + timedelta(days=1))):
        RecoveryOpportunity.objects.create(
            kind=RecoveryOpportunity.Kind.ABANDONED_CART,
            email="rita@example.com.br",
            phone=phone,
            value="100.00",
            lost_at=now - timedelta(days=1),
            call_after=call_after,
        )
    NotificationFactory.create_batch(2, failed=True)
    NotificationFactory()
    # when
    manager = counts(staff_client(Role.MANAGER).get(HOME))
    # then
    assert manager["recovery_calls"] == 1
    assert manager["failed_messages"] == 2


def test_a_managers_home_reads_every_queue_in_bounded_queries(
    staff_client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # given: some of everything, more than a page of held orders
    for hours in range(30):
        _held(Order.HoldReason.FRAUD if hours % 2 else Order.HoldReason.ADDRESS, hours)
    validated_order(django_capture_on_commit_callbacks)
    for n in range(6):
        _return(ReturnRequest.Status.RECEIVED, n)
    for _n in range(5):
        open_ticket()
    NotificationFactory.create_batch(5, failed=True)
    client = staff_client(Role.MANAGER)
    # when
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(HOME)
    # then
    assert response.status_code == 200
    assert counts(response)["holds-fraud"] == 15
    assert counts(response)["returns-inspect"] == 6


def test_one_query_per_queue_whatever_the_lines(make_staff, django_assert_num_queries):
    manager = make_staff(Role.MANAGER)
    manager.has_perm("orders.view_order")  # the permissions, read once per request
    # every queue but the periodic jobs (no broker here: nothing runs periodically)
    with django_assert_num_queries(len(HOME_QUEUES) - 1):
        home_queue_lines(user=manager)
