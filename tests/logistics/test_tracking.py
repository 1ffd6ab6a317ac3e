"""Carrier news after dispatch: signed notices taken once, events out of order, failed
attempts and returns, tracking queries, lost notices, late shipments, the day's deliveries."""

import json
import time
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from inbox.models import WebhookEvent
from inbox.services import RECONCILE_AFTER, notice_receive, notices_reconcile
from inbox.signatures import TOLERANCE_SECONDS, signature_header
from logistics.adapters.base import CarrierEvent
from logistics.adapters.sandbox import sandbox_tracking_notice
from logistics.models import SandboxParcel, Shipment, TrackingEvent
from logistics.selectors import deliveries_on, shipment_list_overdue
from logistics.services import (
    sandbox_shipments_advance,
    shipments_overdue_alert,
    shipments_track,
)
from logistics.services.tracking import POLL_EVERY
from orders.models import Order
from tests.logistics.factories import shipment_row, shipped_order

pytestmark = pytest.mark.django_db

Kind = TrackingEvent.Kind
SENDER = "carrier"


def tracking_notice_receive(*, body: bytes, signature: str) -> WebhookEvent:
    return notice_receive(sender=SENDER, provider="sandbox", body=body, headers={"X-Signature": signature})


SECOND = timedelta(seconds=1)


def notice_body(code: str, *, kind=Kind.OUT_FOR_DELIVERY, event_id="evt-1", at=None, **extra) -> bytes:
    data = {"tracking_code": code, "kind": str(kind), "at": (at or timezone.now()).isoformat()}
    data |= {"description": "Objeto saiu para entrega", "location": "CDD CENTRO", **extra}
    return json.dumps({"id": event_id, "type": "tracking", "data": data}).encode()


def signed(body: bytes, *, secret: str = "", timestamp: int | None = None) -> str:
    secret = secret or settings.STORE_CARRIER_WEBHOOK_SECRETS["sandbox"]
    return signature_header(body=body, secret=secret, timestamp=timestamp)


def post(client, body: bytes, signature: str, carrier: str = "sandbox"):
    url = reverse("logistics:tracking-webhook", kwargs={"carrier": carrier})
    return client.post(url, data=body, content_type="application/json", HTTP_X_SIGNATURE=signature)


def advance(capture, steps: int, **options) -> None:
    for _step in range(steps):
        with capture(execute=True):
            sandbox_shipments_advance(**options)


def sent_to(address: str) -> list[str]:
    return [message.subject for message in mail.outbox if message.to == [address]]


def row(code: str, **fields) -> Shipment:
    """A bare shipment row, then `fields` set as the carrier's news would have set them."""
    shipment = shipment_row(tracking_code=code)
    Shipment.objects.filter(pk=shipment.pk).update(**fields)
    shipment.refresh_from_db()
    return shipment


@pytest.fixture
def shipping_team(make_staff):
    """A member of the shipping team, and a support agent who must not hear from it."""
    return make_staff(Role.SHIPPING), make_staff(Role.SUPPORT_AGENT)


def refusals(code: str) -> dict[str, tuple[str, bytes, str]]:
    good = notice_body(code)
    naive = notice_body(code, at=timezone.now().replace(tzinfo=None))
    no_text, unknown_kind = notice_body(code, description=None), notice_body(code, kind="lost")
    stranger = notice_body("SX000000000BR")
    return {
        "wrong signature": ("sandbox", good, signed(good, secret="whsec_somebody_else")),
        "no signature": ("sandbox", good, ""),
        "replayed": ("sandbox", good, signed(good, timestamp=int(time.time()) - TOLERANCE_SECONDS - 1)),
        "unknown carrier": ("jadlog", good, signed(good)),
        "malformed json": ("sandbox", b"{not json", signed(b"{not json")),
        "time without zone": ("sandbox", naive, signed(naive)),
        "description not text": ("sandbox", no_text, signed(no_text)),
        "unknown kind": ("sandbox", unknown_kind, signed(unknown_kind)),
        "unknown tracking code": ("sandbox", stranger, signed(stranger)),
    }


@pytest.mark.parametrize(
    ("case", "status", "error"),
    [
        ("wrong signature", 400, "signature mismatch"),
        ("no signature", 400, "malformed signature header"),
        ("replayed", 400, "signature too old"),
        ("unknown carrier", 404, "unknown carrier"),
        ("malformed json", 400, "malformed notice"),
        ("time without zone", 400, "malformed notice"),
        ("description not text", 400, "malformed notice"),
        ("unknown kind", 400, "unknown notice"),
        ("unknown tracking code", 404, "unknown tracking code"),
    ],
)
def test_a_bad_notice_is_refused_and_changes_nothing(
    client, django_capture_on_commit_callbacks, case, status, error
):
    # given
    shipment = shipment_row(tracking_code="SX473124829BR")
    carrier, body, signature = refusals(shipment.tracking_code)[case]
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, body, signature, carrier=carrier)
    # then
    assert (response.status_code, response.json()) == (status, {"error": error})
    assert callbacks == []
    assert not WebhookEvent.objects.exists() and not TrackingEvent.objects.exists()
    shipment.refresh_from_db()
    assert (shipment.status, shipment.incidents) == (Shipment.Status.SHIPPED, 0)
    assert mail.outbox == []


def test_a_good_notice_is_stored_and_applied(client, django_capture_on_commit_callbacks):
    # given
    shipment = shipped_order(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    body = notice_body(shipment.tracking_code, event_id="evt-42")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body, signed(body))
    # then
    assert (response.status_code, response.json()) == (200, {"received": "evt-42"})
    notice = WebhookEvent.objects.get(sender=SENDER)
    assert (notice.event_id, notice.status) == ("evt-42", WebhookEvent.Status.APPLIED)
    event = shipment.tracking_events.get()
    assert (event.event_id, event.kind, event.source) == ("evt-42", Kind.OUT_FOR_DELIVERY, "webhook")
    assert (event.description, event.location) == ("Objeto saiu para entrega", "CDD CENTRO")
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.OUT_FOR_DELIVERY
    number = shipment.order.number
    assert [message.subject for message in mail.outbox] == [f"O pedido {number} saiu para entrega hoje"]
    assert mail.outbox[0].to == [shipment.order.email]


def test_a_notice_delivered_twice_is_applied_once(client, django_capture_on_commit_callbacks):
    # given
    shipment = shipped_order(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    body = notice_body(shipment.tracking_code)
    # when
    for _copy in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client, body, signed(body))
        assert (response.status_code, response.json()) == (200, {"received": "evt-1"})
    # then
    assert WebhookEvent.objects.filter(sender=SENDER).count() == 1
    assert shipment.tracking_events.count() == 1
    assert [message.to for message in mail.outbox] == [[shipment.order.email]]


def test_an_older_event_arriving_late_is_kept_but_moves_nothing(django_capture_on_commit_callbacks):
    # given
    shipment = shipped_order(django_capture_on_commit_callbacks)
    at = timezone.now()
    delivered = notice_body(shipment.tracking_code, kind=Kind.DELIVERED, event_id="e2", at=at)
    older = notice_body(
        shipment.tracking_code, kind=Kind.IN_TRANSIT, event_id="e1", at=at - timedelta(hours=5)
    )
    # when
    for body in (delivered, older):
        with django_capture_on_commit_callbacks(execute=True):
            tracking_notice_receive(body=body, signature=signed(body))
    # then
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED
    assert shipment.delivered_at == shipment.last_event_at == at
    assert list(shipment.tracking_events.values_list("event_id", "kind")) == [
        ("e1", Kind.IN_TRANSIT),
        ("e2", Kind.DELIVERED),
    ]
    assert shipment.order.status == Order.Status.DELIVERED


def test_a_failed_attempt_counts_an_incident_and_tells_the_customer(
    django_capture_on_commit_callbacks, shipping_team
):
    # given
    shipper, support = shipping_team
    shipment = shipped_order(django_capture_on_commit_callbacks, full_name="SANDBOX ABSENT")
    advance(django_capture_on_commit_callbacks, 3)  # posted, in transit, out for delivery
    mail.outbox.clear()
    # when
    advance(django_capture_on_commit_callbacks, 1)
    # then
    shipment.refresh_from_db()
    assert (shipment.status, shipment.incidents) == (Shipment.Status.DELIVERY_FAILED, 1)
    assert sent_to(shipment.order.email) == [f"Não conseguimos entregar o pedido {shipment.order.number}"]
    # The support desk opens a ticket for it (tests/support/test_incidents.py); no team email.
    assert sent_to(shipper.email) == [] and sent_to(support.email) == []
    assert len(mail.outbox) == 1


def test_a_parcel_delivered_at_the_second_attempt_delivers_the_order_on_time(
    django_capture_on_commit_callbacks,
):
    # given
    shipment = shipped_order(django_capture_on_commit_callbacks, full_name="SANDBOX ABSENT")
    # when
    advance(django_capture_on_commit_callbacks, 7)  # six steps, and one more that does nothing
    # then
    shipment.refresh_from_db()
    assert list(shipment.tracking_events.values_list("kind", flat=True)) == [
        Kind.POSTED,
        Kind.IN_TRANSIT,
        Kind.OUT_FOR_DELIVERY,
        Kind.DELIVERY_FAILED,
        Kind.OUT_FOR_DELIVERY,
        Kind.DELIVERED,
    ]
    assert (shipment.status, shipment.incidents) == (Shipment.Status.DELIVERED, 1)
    assert shipment.delivered_at == shipment.last_event_at
    assert shipment.is_delivered_on_time is True
    assert shipment.order.status == Order.Status.DELIVERED


def test_a_parcel_sent_back_returns_the_shipment_but_not_the_order(
    django_capture_on_commit_callbacks, shipping_team
):
    # given
    shipper, _support = shipping_team
    shipment = shipped_order(django_capture_on_commit_callbacks, full_name="SANDBOX RETURN")
    mail.outbox.clear()
    # when
    advance(django_capture_on_commit_callbacks, 7)
    # then
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.RETURNED
    assert shipment.incidents == 3  # two failed attempts and the return
    assert (shipment.delivered_at, shipment.is_delivered_on_time) == (None, None)
    assert shipment.order.status == Order.Status.SHIPPED
    assert sent_to(shipper.email) == []  # the support desk takes incidents as tickets
    number = shipment.order.number
    out, missed = f"O pedido {number} saiu para entrega hoje", f"Não conseguimos entregar o pedido {number}"
    assert sent_to(shipment.order.email) == [out, missed, out, missed, f"O pedido {number} voltou para nós"]


def test_tracking_queries_fetch_what_no_notice_brought(django_capture_on_commit_callbacks):
    # given
    shipment = shipped_order(django_capture_on_commit_callbacks)
    advance(django_capture_on_commit_callbacks, 2, notify=False)
    assert len(SandboxParcel.objects.get(tracking_code=shipment.tracking_code).events) == 2
    assert not shipment.tracking_events.exists()
    assert not WebhookEvent.objects.filter(sender=SENDER).exists()
    now = timezone.now()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        asked = shipments_track(now=now)
    # then
    assert asked == 1
    shipment.refresh_from_db()
    assert list(shipment.tracking_events.values_list("kind", "source")) == [
        (Kind.POSTED, "poll"),
        (Kind.IN_TRANSIT, "poll"),
    ]
    assert (shipment.status, shipment.last_polled_at) == (Shipment.Status.IN_TRANSIT, now)


def test_a_shipment_just_asked_about_is_not_asked_again_nor_stored_twice(django_capture_on_commit_callbacks):
    # given
    shipment = shipped_order(django_capture_on_commit_callbacks)
    advance(django_capture_on_commit_callbacks, 2, notify=False)
    now = timezone.now()
    shipments_track(now=now)
    # when
    soon, later = (
        shipments_track(now=now + POLL_EVERY - SECOND),
        shipments_track(now=now + POLL_EVERY + SECOND),
    )
    # then
    assert (soon, later) == (0, 1)
    assert shipment.tracking_events.count() == 2
    shipment.refresh_from_db()
    assert shipment.last_polled_at == now + POLL_EVERY + SECOND


def test_a_notice_left_unapplied_is_applied_by_the_reconciler(django_capture_on_commit_callbacks):
    # given: the notice is stored but the task that applies it never ran
    shipment = shipped_order(django_capture_on_commit_callbacks)
    event = CarrierEvent(event_id="lost-1", kind=Kind.IN_TRANSIT, occurred_at=timezone.now())
    body, signature = sandbox_tracking_notice(tracking_code=shipment.tracking_code, event=event)
    notice = tracking_notice_receive(body=body, signature=signature)
    assert notices_reconcile() == 0  # too young to be called lost
    # when
    with django_capture_on_commit_callbacks(execute=True):
        enqueued = notices_reconcile(now=timezone.now() + RECONCILE_AFTER + SECOND)
    # then
    assert enqueued == 1
    notice.refresh_from_db()
    assert notice.status == WebhookEvent.Status.APPLIED
    assert list(shipment.tracking_events.values_list("event_id", flat=True)) == ["lost-1"]
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.IN_TRANSIT


def test_late_and_quiet_shipments_are_alerted_once_in_one_message(
    django_capture_on_commit_callbacks, shipping_team
):
    # given
    shipper, support = shipping_team
    now = timezone.now()
    late = row("SX000000011BR", promised_on=timezone.localdate(now) - timedelta(days=1))
    silence = timedelta(days=settings.STORE_TRACKING_SILENCE_DAYS)
    quiet = row("SX000000012BR", last_event_at=now - silence - SECOND)
    row("SX000000013BR", last_event_at=now - silence + timedelta(hours=1))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        alerted = shipments_overdue_alert(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        alerted_again = shipments_overdue_alert(now=now + timedelta(hours=1))
    # then
    assert (alerted, alerted_again) == (2, 0)
    assert [message.to for message in mail.outbox] == [[shipper.email]]
    assert mail.outbox[0].subject == "2 remessas atrasadas ou sem notícias"
    listed = [line.split(" · ")[:2] for line in mail.outbox[0].body.splitlines() if " · " in line]
    assert listed == [[quiet.number, quiet.tracking_code], [late.number, late.tracking_code]]  # newest first
    alerted_rows = Shipment.objects.exclude(alerted_at=None).order_by("pk").values_list("pk", "alerted_at")
    assert list(alerted_rows) == [(late.pk, now), (quiet.pk, now)]
    assert sent_to(support.email) == []


def test_shipments_at_the_end_of_their_journey_are_never_overdue():
    # given
    long_ago = timezone.now() - timedelta(days=30)
    for code, status in [("SX000000021BR", "delivered"), ("SX000000022BR", "returned")]:
        row(code, status=status, promised_on=long_ago.date(), last_event_at=long_ago)
    on_the_way = row("SX000000023BR", promised_on=long_ago.date())
    # when
    overdue = list(shipment_list_overdue())
    # then
    assert overdue == [on_the_way]


def test_deliveries_of_a_day_list_promise_arrival_and_incidents():
    # given
    day = timezone.localdate() - timedelta(days=2)
    midnight = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    first, last = midnight, midnight + timedelta(days=1) - SECOND
    early = row("SX000000031BR", status="delivered", delivered_at=first, promised_on=day, incidents=1)
    late = row("SX000000032BR", status="delivered", delivered_at=last, promised_on=day - timedelta(days=1))
    row("SX000000033BR", status="delivered", delivered_at=first - SECOND, promised_on=day)
    row("SX000000034BR", status="delivered", delivered_at=last + SECOND, promised_on=day)
    row("SX000000035BR", status="returned", last_event_at=first + timedelta(hours=12), incidents=3)
    # when
    deliveries = deliveries_on(day=day)
    # then
    assert [
        (s.number, s.promised_on, s.delivered_at, s.incidents, s.is_delivered_on_time) for s in deliveries
    ] == [
        (early.number, day, first, 1, True),
        (late.number, day - timedelta(days=1), last, 0, False),
    ]
