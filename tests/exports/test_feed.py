"""The ERP feed against a real HTTP server: signed, in order per order, retried, idempotent."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from core.actor import Actor
from exports.models import FeedEvent, FeedState
from exports.services import feed_collect, feed_deliver, feed_event_retry, feed_reconcile
from exports.services.feed import MAX_ATTEMPTS, _lease_take
from orders.models import Order, OrderEvent
from returns.models import ReturnEvent
from tests.exports.erp_server import SECRET, erp_server
from tests.exports.factories import refund, return_request
from tests.logistics.factories import shipment_row
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def erp(settings):
    with erp_server() as server:
        settings.STORE_ERP_FEED_URL = server.url
        settings.STORE_ERP_FEED_SECRET = SECRET
        settings.STORE_ERP_FEED_TIMEOUT_SECONDS = 5
        feed_collect()  # the feed is switched on: it starts from now
        yield server


def _placed(number: str) -> Order:
    order = OrderFactory(number=number)
    OrderEvent.objects.create(order=order, to_status="awaiting_payment", actor="customer")
    return order


def _moved(order: Order, to: str, from_: str = "awaiting_payment") -> None:
    OrderEvent.objects.create(order=order, from_status=from_, to_status=to, actor="job:test")


def _due_now() -> None:
    FeedEvent.objects.filter(status="pending").update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_each_step_of_an_order_reaches_the_erp_signed_and_in_order(erp):
    order = _placed("500001")
    _moved(order, "paid")
    OrderEvent.objects.create(order=order, actor="staff:1", note="a note is not an event")
    shipment = shipment_row(order=order)
    _moved(order, "shipped", "packed")
    request = return_request(order=order, created=timezone.now(), number="500001-D1")
    ReturnEvent.objects.create(
        request=request, from_status="in_transit", to_status="received", actor="job:test"
    )
    refund(order=order, done=timezone.now())

    assert feed_collect() == 6
    assert feed_deliver() == 6

    assert all(request["signed"] for request in erp.received)
    documents = [request["document"] for request in erp.taken]
    assert [document["type"] for document in documents] == [
        "order.placed",
        "order.paid",
        "order.invoiced",
        "order.shipped",
        "order.returned",
        "order.refunded",
    ]
    placed, _paid, invoiced, *_rest, refunded = documents
    assert placed["data"]["order_number"] == "500001"
    assert placed["data"]["grand_total"] == "120.00"
    assert [(line["quantity"], line["unit_price"]) for line in placed["data"]["lines"]] == [(1, "100.00")]
    assert invoiced["data"]["access_key"] == shipment.invoice.access_key
    assert refunded["data"]["amount"] == "30.00"
    # The feed carries no personal data: erasing a customer leaves it alone.
    assert order.email not in json.dumps(documents)
    assert order.cpf not in json.dumps(documents)
    assert {event.event_id.hex for event in FeedEvent.objects.all()} == {
        document["id"].replace("-", "") for document in documents
    }
    assert not FeedEvent.objects.exclude(status="delivered").exists()


def test_collecting_again_records_nothing_twice(erp):
    _placed("500011")
    feed_collect()
    FeedState.objects.update(cursors={})  # as if the collector lost its place

    feed_collect()
    feed_reconcile()

    assert FeedEvent.objects.count() == 1


def test_a_failing_order_holds_back_its_own_later_events_only_until_the_erp_recovers(erp):
    stuck = _placed("500021")
    _moved(stuck, "paid")
    _placed("500022")
    feed_collect()
    erp.fail_orders = {"500021"}

    assert feed_deliver() == 1  # the other order went through

    assert [r["document"]["data"]["order_number"] for r in erp.taken] == ["500022"]
    first, second = FeedEvent.objects.filter(order=stuck).order_by("pk")
    assert (first.status, first.attempts, first.last_error) == ("pending", 1, "HTTP 503: try later")
    assert first.next_attempt_at > timezone.now()
    assert second.attempts == 0  # never tried while the first waits
    assert feed_deliver() == 0  # nothing is due yet

    erp.fail_orders = set()
    _due_now()
    assert feed_deliver() == 2

    assert [
        r["document"]["type"] for r in erp.taken if r["document"]["data"]["order_number"] == "500021"
    ] == [
        "order.placed",
        "order.paid",
    ]


def test_every_attempt_carries_the_same_id_and_body_for_the_erp_to_drop_repeats(erp):
    _placed("500031")
    feed_collect()
    erp.fail_all = True
    feed_deliver()
    erp.fail_all = False
    _due_now()
    feed_deliver()

    first, second = erp.received
    assert (first["status"], second["status"]) == (503, 200)
    assert first["id"] == second["id"] == first["document"]["id"]
    assert first["body"] == second["body"]
    assert len(erp.taken) == 1


def test_an_event_fails_after_its_last_attempt_and_staff_send_it_again(erp, make_staff):
    from backoffice.roles import Role

    _placed("500041")
    feed_collect()
    FeedEvent.objects.update(attempts=MAX_ATTEMPTS - 1)
    erp.fail_all = True

    feed_deliver()

    event = FeedEvent.objects.get()
    assert (event.status, event.next_attempt_at) == ("failed", None)
    assert event.last_error == "HTTP 503: try later"

    erp.fail_all = False
    feed_event_retry(event_id=event.pk, actor=Actor.staff(make_staff(Role.MANAGER)))  # delivers on commit

    feed_deliver()
    event.refresh_from_db()
    assert event.status == "delivered"
    assert len(erp.taken) == 1


def test_an_unreachable_erp_is_an_error_to_retry(erp, settings):
    _placed("500051")
    feed_collect()
    settings.STORE_ERP_FEED_URL = "http://127.0.0.1:9/nothing-listens-here"

    assert feed_deliver() == 0

    event = FeedEvent.objects.get()
    assert event.status == "pending"
    assert event.last_error.startswith("ConnectError")


def test_the_reconciler_records_an_event_whose_transaction_committed_late(erp):
    order = _placed("500061")
    feed_collect()
    late = OrderEvent.objects.create(
        order=order, from_status="awaiting_payment", to_status="paid", actor="job"
    )
    # It committed after the collector had moved past its timestamp.
    cursor = FeedState.objects.get().cursors["order_event"]
    OrderEvent.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(hours=1))
    feed_collect()
    assert FeedState.objects.get().cursors["order_event"] == cursor
    assert FeedEvent.objects.count() == 1

    assert feed_reconcile() == 1

    assert FeedEvent.objects.filter(source=f"order_event:{late.pk}", kind="order.paid").exists()


def test_one_delivery_run_at_a_time(erp):
    _placed("500071")
    feed_collect()
    assert _lease_take() is not None  # another worker is delivering

    assert feed_deliver() == 0

    assert erp.received == []


def test_the_feed_is_off_without_an_address(settings):
    settings.STORE_ERP_FEED_URL = ""
    _placed("500081")

    assert feed_collect() == 0
    assert feed_deliver() == 0
    assert not FeedState.objects.exists()


def test_the_collect_job_hands_what_it_found_to_the_delivery_job(erp, django_capture_on_commit_callbacks):
    from exports.tasks import feed_collect as feed_collect_task

    _placed("500091")

    with django_capture_on_commit_callbacks(execute=True):
        feed_collect_task.delay()

    assert [request["document"]["type"] for request in erp.taken] == ["order.placed"]


def test_the_reconcile_job_delivers_events_left_waiting(erp, django_capture_on_commit_callbacks):
    from exports.tasks import feed_reconcile as feed_reconcile_task

    _placed("500101")
    feed_collect()
    FeedEvent.objects.update(
        next_attempt_at=timezone.now() - timedelta(minutes=10)
    )  # the delivery job stopped

    with django_capture_on_commit_callbacks(execute=True):
        feed_reconcile_task.delay()

    assert len(erp.taken) == 1


def test_a_full_batch_in_one_source_stops_every_source_at_the_same_instant(erp):
    # Every source starts a second ago, so the events placed just after it are already settled.
    started = timezone.now() - timedelta(seconds=1)
    state = FeedState.objects.get()
    state.cursors = {name: {"at": started.isoformat(), "pk": 0} for name in state.cursors}
    state.save(update_fields=["cursors", "updated_at"])
    order = _placed("500111")
    _moved(order, "paid")
    _moved(order, "shipped", "packed")
    first, paid, shipped = OrderEvent.objects.filter(order=order).order_by("pk")
    for n, event in enumerate((first, paid, shipped), start=1):
        OrderEvent.objects.filter(pk=event.pk).update(created_at=started + timedelta(milliseconds=10 * n))
    refund(order=order, done=started + timedelta(milliseconds=25))  # between paid and shipped

    feed_collect(batch=2)  # the order events stop at "paid": the refund after it waits
    assert list(FeedEvent.objects.order_by("pk").values_list("kind", flat=True)) == [
        "order.placed",
        "order.paid",
    ]
    feed_collect(batch=2)

    assert list(FeedEvent.objects.order_by("pk").values_list("kind", flat=True)) == [
        "order.placed",
        "order.paid",
        "order.refunded",
        "order.shipped",
    ]
