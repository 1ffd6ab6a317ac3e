"""The ERP feed: events of each order's life, collected from the store's own records and
delivered by signed POST, in order, each until the ERP takes it.

Collecting. Lower apps know nothing of the feed: a periodic collector reads their records
(order events, outgoing invoice records, return events, refunds made), each source after its
own `(timestamp, id)` cursor kept on FeedState, and writes one FeedEvent per record under the
record's unique source key: a record read twice makes no second event. Rows younger than
STORE_EXPORT_SETTLE_SECONDS wait (a transaction still open could commit one behind the cursor),
and a reconciler reads the last day again and adds whatever was still missed. A newly switched
on feed starts from now: history goes to the ERP through the exports.

Order. Events are numbered as collected, in the order they happened (a batch that stops early
in one source stops every source at the same instant). Each order's events leave strictly in
that order: an event that fails holds back the later events of its order, never of other
orders, so one order the ERP rejects does not stop the store's feed. One delivery run at a time
(a lease on FeedState) keeps two workers from overtaking each other.

Retries. A failed POST is tried again after 30 s, doubling up to an hour; after MAX_ATTEMPTS
the event is failed and waits for a person (back office, ERP feed). Every attempt of an event
sends the same body and event id, for the ERP to drop what it already has.

The feed carries order numbers, amounts and codes, not the customer's personal data (that goes
through the orders export, whose downloads are logged), so erasing a person leaves it alone.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.exceptions import DomainError
from core.transitions import status_move
from exports.erp_client import erp_post
from exports.exceptions import FeedDeliveryFailed
from exports.models import FeedEvent, FeedState

COLLECT_BATCH = 500
DELIVER_BATCH = 50
DELIVER_BUDGET_SECONDS = 40  # well inside the task's soft time limit
LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 10
FIRST_RETRY_SECONDS = 30
LAST_RETRY_SECONDS = 3600
RECONCILE_WINDOW = timedelta(days=1)
RECONCILE_LIMIT = 5000

Kind = FeedEvent.Kind
Status = FeedEvent.Status

FEED_EVENT_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.PENDING, Status.DELIVERED, Status.FAILED}),
    Status.FAILED: frozenset({Status.PENDING}),
    Status.DELIVERED: frozenset(),
}

# Within one instant, the order of an order's life.
KIND_RANK = {
    Kind.ORDER_PLACED: 0,
    Kind.ORDER_PAID: 1,
    Kind.ORDER_INVOICED: 2,
    Kind.ORDER_SHIPPED: 3,
    Kind.ORDER_RETURNED: 4,
    Kind.ORDER_REFUNDED: 5,
    Kind.ORDER_CANCELLED: 6,
}


class FeedEventNotFailed(DomainError):
    code = "feed_event_not_failed"
    message = _("Only a failed event can be sent again.")


def _money(value) -> str:
    return str(value)


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


# Sources ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedSource:
    name: str
    model_label: str
    time_field: str
    condition: Q
    fields: tuple[str, ...]
    # Turns a batch of rows (dicts of `fields`) into (kind, order id, occurred at, payload).
    build: Callable[[list[dict]], list[tuple[str, int, datetime, dict]]]

    def queryset(self):
        return apps.get_model(self.model_label)._default_manager.filter(self.condition)


def _order_events_build(rows: list[dict]) -> list[tuple[str, int, datetime, dict]]:
    order_line_model = apps.get_model("orders", "OrderLine")
    placed_ids = [row["order_id"] for row in rows if not row["from_status"]]
    lines: dict[int, list[dict]] = {}
    for order_id, sku, quantity, unit_price, line_total in order_line_model.objects.filter(
        order_id__in=placed_ids
    ).values_list("order_id", "sku", "quantity", "unit_price", "line_total"):
        lines.setdefault(order_id, []).append(
            {
                "sku": sku,
                "quantity": quantity,
                "unit_price": _money(unit_price),
                "line_total": _money(line_total),
            }
        )
    built = []
    for row in rows:
        payload = {"order_number": row["order__number"], "status": row["to_status"]}
        if not row["from_status"]:
            kind = Kind.ORDER_PLACED
            payload |= {
                "channel": row["order__channel"],
                "customer_id": row["order__customer_id"],
                "placed_at": _iso(row["order__placed_at"]),
                "items_total": _money(row["order__items_total"]),
                "discount_total": _money(row["order__discount_total"]),
                "shipping_total": _money(row["order__shipping_total"]),
                "grand_total": _money(row["order__grand_total"]),
                "delivery_service": row["order__delivery_service"],
                "lines": lines.get(row["order_id"], []),
            }
        elif row["to_status"] == "paid":
            kind = Kind.ORDER_PAID
            payload["grand_total"] = _money(row["order__grand_total"])
        elif row["to_status"] == "shipped":
            kind = Kind.ORDER_SHIPPED
        else:
            kind = Kind.ORDER_CANCELLED
            payload["cancel_reason"] = row["order__cancel_reason"]
        built.append((kind, row["order_id"], row["created_at"], payload))
    return built


def _invoices_build(rows: list[dict]) -> list[tuple[str, int, datetime, dict]]:
    return [
        (
            Kind.ORDER_INVOICED,
            row["shipment__order_id"],
            row["created_at"],
            {
                "order_number": row["shipment__order__number"],
                "shipment_number": row["shipment__number"],
                "series": row["series"],
                "number": row["number"],
                "access_key": row["access_key"],
                "issued_at": _iso(row["issued_at"]),
                "total": _money(row["total"]),
            },
        )
        for row in rows
    ]


def _returns_build(rows: list[dict]) -> list[tuple[str, int, datetime, dict]]:
    return [
        (
            Kind.ORDER_RETURNED,
            row["request__order_id"],
            row["created_at"],
            {
                "order_number": row["request__order__number"],
                "return_number": row["request__number"],
                "reason": row["request__reason"],
                "resolution": row["request__resolution"],
            },
        )
        for row in rows
    ]


def _refunds_build(rows: list[dict]) -> list[tuple[str, int, datetime, dict]]:
    return [
        (
            Kind.ORDER_REFUNDED,
            row["order_id"],
            row["done_at"],
            {
                "order_number": row["order__number"],
                "refund_id": row["pk"],
                "reason": row["source"],
                "method": row["method"],
                "amount": _money(row["amount"]),
            },
        )
        for row in rows
    ]


SOURCES: tuple[FeedSource, ...] = (
    FeedSource(
        name="order_event",
        model_label="orders.OrderEvent",
        time_field="created_at",
        # The first event of an order is its placing; then the moves the ERP follows.
        condition=Q(from_status="", to_status__gt="") | Q(to_status__in=["paid", "shipped", "cancelled"]),
        fields=(
            "pk",
            "created_at",
            "order_id",
            "from_status",
            "to_status",
            "order__number",
            "order__channel",
            "order__customer_id",
            "order__placed_at",
            "order__items_total",
            "order__discount_total",
            "order__shipping_total",
            "order__grand_total",
            "order__delivery_service",
            "order__cancel_reason",
        ),
        build=_order_events_build,
    ),
    FeedSource(
        name="invoice",
        model_label="logistics.InvoiceRecord",
        time_field="created_at",
        condition=Q(kind="outgoing", shipment__isnull=False),
        fields=(
            "pk",
            "created_at",
            "shipment__order_id",
            "shipment__order__number",
            "shipment__number",
            "series",
            "number",
            "access_key",
            "issued_at",
            "total",
        ),
        build=_invoices_build,
    ),
    FeedSource(
        name="return_event",
        model_label="returns.ReturnEvent",
        time_field="created_at",
        condition=Q(to_status="received"),
        fields=(
            "pk",
            "created_at",
            "request__order_id",
            "request__order__number",
            "request__number",
            "request__reason",
            "request__resolution",
        ),
        build=_returns_build,
    ),
    FeedSource(
        name="refund",
        model_label="orders.Refund",
        time_field="done_at",
        condition=Q(status="done", done_at__isnull=False),
        fields=("pk", "done_at", "order_id", "order__number", "source", "method", "amount"),
        build=_refunds_build,
    ),
)


# Collecting ------------------------------------------------------------------------------------


def _state_lock() -> FeedState:
    """The feed's row, created on first use with every source starting now. Must run inside a
    transaction."""
    now = timezone.now().isoformat()
    state, _created = FeedState.objects.get_or_create(
        pk=1, defaults={"cursors": {source.name: {"at": now, "pk": 0} for source in SOURCES}}
    )
    return FeedState.objects.select_for_update().get(pk=state.pk)


def _after(source: FeedSource, cursor: dict) -> Q:
    at = datetime.fromisoformat(cursor["at"])
    field = source.time_field
    return Q(**{f"{field}__gte": at}) & (Q(**{f"{field}__gt": at}) | Q(pk__gt=cursor["pk"]))


def _events_store(built: list[tuple[str, str, int, datetime, dict]]) -> int:
    """Insert events in the order they happened, skipping source keys already recorded.
    Returns how many were new."""
    recorded = set(
        FeedEvent.objects.filter(source__in=[item[0] for item in built]).values_list("source", flat=True)
    )
    fresh = sorted(
        (item for item in built if item[0] not in recorded),
        key=lambda item: (item[3], KIND_RANK[item[1]], item[0]),
    )
    events = [
        FeedEvent(source=key, kind=kind, order_id=order_id, occurred_at=at, payload=payload)
        for key, kind, order_id, at, payload in fresh
    ]
    # A concurrent run may have recorded some meanwhile: the unique source key keeps one.
    FeedEvent.objects.bulk_create(events, ignore_conflicts=True)
    return len(events)


def _keyed(source: FeedSource, rows: list[dict]) -> list[tuple[str, str, int, datetime, dict]]:
    return [
        (f"{source.name}:{row['pk']}", *event) for row, event in zip(rows, source.build(rows), strict=True)
    ]


def is_feed_on() -> bool:
    return bool(settings.STORE_ERP_FEED_URL)


@transaction.atomic
def feed_collect(*, batch: int = COLLECT_BATCH) -> int:
    """Record the events that happened since the last run. Returns how many records it read:
    a full batch means more may wait (the task runs again)."""
    if not is_feed_on():
        return 0
    state = _state_lock()
    settled = timezone.now() - timedelta(seconds=settings.STORE_EXPORT_SETTLE_SECONDS)
    started = timezone.now().isoformat()
    read: dict[str, list[dict]] = {}
    horizon = settled
    for source in SOURCES:
        cursor = state.cursors.get(source.name) or {"at": started, "pk": 0}
        rows = list(
            source.queryset()
            .filter(**{f"{source.time_field}__lte": settled})
            .filter(_after(source, cursor))
            .order_by(source.time_field, "pk")
            .values(*source.fields)[:batch]
        )
        read[source.name] = rows
        if len(rows) == batch:
            # This source has more: no source may run ahead of where it stopped.
            horizon = min(horizon, rows[-1][source.time_field])
    built = []
    cursors = dict(state.cursors)
    for source in SOURCES:
        rows = [row for row in read[source.name] if row[source.time_field] <= horizon]
        if rows:
            built += _keyed(source, rows)
            last = rows[-1]
            cursors[source.name] = {"at": last[source.time_field].isoformat(), "pk": last["pk"]}
        else:
            cursors.setdefault(source.name, {"at": started, "pk": 0})
    _events_store(built)
    state.cursors = cursors
    state.save(update_fields=["cursors", "updated_at"])
    return len(built)


@transaction.atomic
def feed_reconcile(*, window: timedelta = RECONCILE_WINDOW, limit: int = RECONCILE_LIMIT) -> int:
    """Read the last `window` of every source again, behind its cursor, and record any event
    the collector missed (a transaction that committed later than the settling time allows).
    Returns how many were added."""
    if not is_feed_on():
        return 0
    state = _state_lock()
    built = []
    for source in SOURCES:
        cursor = state.cursors.get(source.name)
        if not cursor:
            continue
        upto = datetime.fromisoformat(cursor["at"])
        rows = (
            source.queryset()
            .filter(**{f"{source.time_field}__gte": upto - window, f"{source.time_field}__lte": upto})
            .filter(~Q(pk__gt=cursor["pk"]) | Q(**{f"{source.time_field}__lt": upto}))
            .annotate(
                is_recorded=Exists(
                    FeedEvent.objects.filter(source=_source_key_expression(source.name, OuterRef("pk")))
                )
            )
            .filter(is_recorded=False)
            .order_by(source.time_field, "pk")
            .values(*source.fields)[:limit]
        )
        rows = list(rows)
        if rows:
            built += _keyed(source, rows)
    return _events_store(built) if built else 0


def _source_key_expression(name: str, pk):
    return Concat(Value(f"{name}:"), Cast(pk, output_field=CharField()), output_field=CharField())


# Delivering ------------------------------------------------------------------------------------


def feed_event_body(event: FeedEvent) -> bytes:
    """What the ERP receives: the same bytes on every attempt."""
    document = {
        "id": str(event.event_id),
        "type": event.kind,
        "occurred_at": _iso(event.occurred_at),
        "data": event.payload,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _lease_take() -> UUID | None:
    FeedState.objects.get_or_create(
        pk=1,
        defaults={
            "cursors": {source.name: {"at": timezone.now().isoformat(), "pk": 0} for source in SOURCES}
        },
    )
    now = timezone.now()
    token = uuid4()
    taken = (
        FeedState.objects.filter(pk=1)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE, lease_token=token, updated_at=now)
    )
    return token if taken else None


def _lease_release(token: UUID) -> None:
    FeedState.objects.filter(pk=1, lease_token=token).update(lease_until=None, lease_token=None)


def feed_events_due(*, limit: int = DELIVER_BATCH) -> list[FeedEvent]:
    """Pending events whose time has come and that no earlier undelivered event of the same
    order holds back, oldest first."""
    earlier_undelivered = FeedEvent.objects.filter(
        order_id=OuterRef("order_id"), pk__lt=OuterRef("pk")
    ).exclude(status=Status.DELIVERED)
    return list(
        FeedEvent.objects.filter(status=Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
        .exclude(Exists(earlier_undelivered))
        .order_by("pk")[:limit]
    )


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), LAST_RETRY_SECONDS))


def feed_event_deliver(*, event: FeedEvent) -> bool:
    """POST one event and record the outcome. Caller holds the delivery lease."""
    attempts = event.attempts + 1
    try:
        erp_post(
            url=settings.STORE_ERP_FEED_URL,
            secret=settings.STORE_ERP_FEED_SECRET,
            body=feed_event_body(event),
            event_id=str(event.event_id),
            timeout=settings.STORE_ERP_FEED_TIMEOUT_SECONDS,
        )
    except FeedDeliveryFailed as error:
        with transaction.atomic():
            if attempts >= MAX_ATTEMPTS:
                status_move(
                    row=event,
                    to=Status.FAILED,
                    transitions=FEED_EVENT_TRANSITIONS,
                    refused=FeedEventNotFailed(),
                    attempts=attempts,
                    last_error=str(error.message)[:300],
                    next_attempt_at=None,
                )
            else:
                status_move(
                    row=event,
                    to=Status.PENDING,
                    transitions=FEED_EVENT_TRANSITIONS,
                    refused=FeedEventNotFailed(),
                    attempts=attempts,
                    last_error=str(error.message)[:300],
                    next_attempt_at=timezone.now() + _retry_delay(attempts),
                )
        return False
    with transaction.atomic():
        status_move(
            row=event,
            to=Status.DELIVERED,
            transitions=FEED_EVENT_TRANSITIONS,
            refused=FeedEventNotFailed(),
            attempts=attempts,
            delivered_at=timezone.now(),
            next_attempt_at=None,
        )
    return True


def feed_deliver(*, budget_seconds: float = DELIVER_BUDGET_SECONDS) -> int:
    """Deliver what is due, each order's events in order, for up to `budget_seconds`. Returns
    how many the ERP took; does nothing while another run holds the lease."""
    if not is_feed_on():
        return 0
    token = _lease_take()
    if token is None:
        return 0
    delivered = 0
    deadline = time.monotonic() + budget_seconds
    try:
        while time.monotonic() < deadline:
            due = feed_events_due()
            if not due:
                break
            held: set[int] = set()
            for event in due:
                if time.monotonic() >= deadline:
                    break
                if event.order_id in held:
                    continue  # an earlier one of this order is now waiting for its retry
                if feed_event_deliver(event=event):
                    delivered += 1
                else:
                    held.add(event.order_id)
    finally:
        _lease_release(token)
    return delivered


def feed_events_overdue_exist(*, late: timedelta = timedelta(minutes=5)) -> bool:
    """Whether pending events wait well past their time: the delivery run is not running."""
    return FeedEvent.objects.filter(status=Status.PENDING, next_attempt_at__lt=timezone.now() - late).exists()


@transaction.atomic
def feed_event_retry(*, event_id: int, actor: Actor) -> FeedEvent:
    """Send a failed event again from its first attempt. Raises FeedEventNotFailed when it is
    not failed (delivered, or already waiting)."""
    actor.require_perm("exports.retry_feedevent")
    event = FeedEvent.objects.select_for_update().get(pk=event_id)
    status_move(
        row=event,
        to=Status.PENDING,
        transitions={**FEED_EVENT_TRANSITIONS, Status.PENDING: frozenset()},
        refused=FeedEventNotFailed(),
        attempts=0,
        next_attempt_at=timezone.now(),
    )
    from exports.tasks import feed_deliver as feed_deliver_task

    feed_deliver_task.delay_on_commit()
    return event
