"""The queues of the back-office home: what each staff member has waiting, by their roles.

A declarative registry. Each `HomeQueue` names the permission that makes a queue someone's
work, the screen it opens and a selector that reads its lines (a count and the oldest item's
time) in ONE aggregate query over the same queryset its screen lists, so the counts on the
home match the lists. A queue may show several lines (held orders by reason, tickets by
deadline): `lines` says which, and the selector returns a `QueueStat` per line key.

To add a queue (the data-protection requests, say), append one `HomeQueue` to `HOME_QUEUES`
with its selector; nothing else changes. The home's query budget grows by one.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.periodic_jobs import periodic_jobs_late
from inventory.models import Warehouse
from logistics.selectors import dispatch_queue, pack_queue, pick_queue, shipment_list_overdue
from orders.models import Order
from orders.selectors import order_hold_queue
from returns.models import ReturnRequest
from returns.selectors import QUEUES as RETURN_QUEUES
from storefront.accounts.privacy_selectors import erasure_request_list
from support.models import Ticket
from support.notifications.models import Notification
from support.notifications.selectors import notification_list
from support.recovery.selectors import recovery_call_list


@dataclass(frozen=True)
class QueueStat:
    count: int = 0
    oldest_at: datetime | None = None
    items: tuple = ()  # what a queue without a screen of its own lists on the home


@dataclass(frozen=True)
class QueueLineSpec:
    """One line a queue shows: its key in the selector's answer, its label, the query string
    added to the queue's URL, and the tone it takes when not empty."""

    key: str
    label: Promise
    query: dict[str, str] = field(default_factory=dict)
    tone: str = "primary"  # primary, warning or danger


# A selector gets the staff member and the moment, and returns a QueueStat per line key.
Selector = Callable[..., dict[str, QueueStat]]


@dataclass(frozen=True)
class HomeQueue:
    key: str
    icon: str
    permissions: tuple[str, ...]  # any of them makes the queue theirs; empty: every staff member
    url_name: str | None  # None: no screen (the page says more below the queues)
    lines: tuple[QueueLineSpec, ...]
    selector: Selector

    def is_for(self, user) -> bool:
        return not self.permissions or any(user.has_perm(permission) for permission in self.permissions)


@dataclass(frozen=True)
class QueueLine:
    """A line of the home as the template shows it."""

    key: str
    label: Promise
    icon: str
    url: str
    count: int
    oldest_at: datetime | None
    tone: str
    items: tuple = ()

    @property
    def is_empty(self) -> bool:
        return self.count == 0


def _one(queryset, *, oldest: str) -> dict[str, QueueStat]:
    """The count and oldest time of a queue's list, in one aggregate query."""
    row = queryset.order_by().aggregate(count=Count("pk"), oldest_at=Min(oldest))
    return {"": QueueStat(count=row["count"], oldest_at=row["oldest_at"])}


def _by(queryset, *, key: str, oldest: str) -> dict[str, QueueStat]:
    """The count and oldest time of a queue's list per value of `key`, in one grouped query."""
    rows = queryset.order_by().values(key).annotate(count=Count("pk"), oldest_at=Min(oldest))
    return {row[key]: QueueStat(count=row["count"], oldest_at=row["oldest_at"]) for row in rows}


def _conditional(queryset, *, oldest: str, lines: dict[str, Q]) -> dict[str, QueueStat]:
    """Several lines of one list, each a condition on it, counted in one aggregate query."""
    aggregates = {}
    for key, condition in lines.items():
        aggregates[f"{key}__count"] = Count("pk", filter=condition)
        aggregates[f"{key}__oldest"] = Min(oldest, filter=condition)
    row = queryset.order_by().aggregate(**aggregates)
    return {key: QueueStat(count=row[f"{key}__count"], oldest_at=row[f"{key}__oldest"]) for key in lines}


# --- Selectors, one query each -------------------------------------------------------------


def orders_held(*, user, now: datetime) -> dict[str, QueueStat]:
    return _by(order_hold_queue(), key="hold_reason", oldest="held_at")


def _default_warehouse():
    """The warehouse the picking and packing screens open on (see WarehouseForm), as a
    subquery, so the count costs no query of its own."""
    return Subquery(Warehouse.objects.order_by("-sells_online", "code").values("pk")[:1])


def orders_to_pick(*, user, now: datetime) -> dict[str, QueueStat]:
    # pick_queue's units (a sum over the lines) is left out of the count by asking again for
    # the orders it lists.
    ids = pick_queue(warehouse=_default_warehouse()).values("pk")
    return _one(Order.objects.filter(pk__in=ids), oldest="placed_at")


def orders_to_pack(*, user, now: datetime) -> dict[str, QueueStat]:
    return _one(pack_queue(warehouse=_default_warehouse()), oldest="placed_at")


def shipments_to_dispatch(*, user, now: datetime) -> dict[str, QueueStat]:
    return _conditional(
        dispatch_queue(),
        oldest="created_at",
        lines={"refused": Q(needs_attention=True), "waiting": Q(needs_attention=False)},
    )


def shipments_late(*, user, now: datetime) -> dict[str, QueueStat]:
    return _one(shipment_list_overdue(now=now), oldest="created_at")


def returns_to_work(*, user, now: datetime) -> dict[str, QueueStat]:
    wanted = ("decide", "in_transit", "inspect")
    statuses = [status for queue in wanted for status in RETURN_QUEUES[queue]]
    # The queues' lists (return_queue) filter by these statuses: grouped by status, one query.
    by_status = _by(ReturnRequest.objects.filter(status__in=statuses), key="status", oldest="created_at")
    stats = {}
    for queue in wanted:
        found = [by_status[status] for status in RETURN_QUEUES[queue] if status in by_status]
        oldest = [stat.oldest_at for stat in found if stat.oldest_at]
        stats[queue] = QueueStat(count=sum(stat.count for stat in found), oldest_at=min(oldest, default=None))
    return stats


def tickets_by_deadline(*, user, now: datetime) -> dict[str, QueueStat]:
    """The active tickets of the queues the agent works (see TicketQueue.work_permission), by
    where they stand against their deadline, as the desk's "past the deadline" filter says."""
    worked = []
    if user.has_perm("support.answer_ticket"):
        worked.append(False)
    if user.has_perm("support.work_ombudsman"):
        worked.append(True)
    running = Q(sla_paused_at__isnull=True, sla_due_at__isnull=False)
    breached = running & Q(sla_due_at__lte=now)
    due_soon = running & Q(sla_due_at__gt=now, sla_warn_at__lte=now)
    return _conditional(
        Ticket.objects.active().filter(queue__is_ombudsman__in=worked),
        oldest="created_at",
        lines={"breached": breached, "due_soon": due_soon, "on_time": ~breached & ~due_soon},
    )


def recovery_calls(*, user, now: datetime) -> dict[str, QueueStat]:
    return _one(recovery_call_list(now=now), oldest="lost_at")


def messages_failed(*, user, now: datetime) -> dict[str, QueueStat]:
    return _one(notification_list(status=Notification.Status.FAILED), oldest="updated_at")


def erasure_requests_open(*, user, now: datetime) -> dict[str, QueueStat]:
    """Customers' erasure requests still to answer, by their legal deadline (15 days)."""
    late = Q(deadline__lte=now)
    return _conditional(erasure_request_list(), oldest="created_at", lines={"late": late, "on_time": ~late})


def periodic_jobs_stopped(*, user, now: datetime) -> dict[str, QueueStat]:
    late = periodic_jobs_late(now=now)
    runs = [job.last_run_at for job in late if job.last_run_at]
    return {"": QueueStat(count=len(late), oldest_at=min(runs, default=None), items=tuple(late))}


# --- The registry, in the order the home shows it ---------------------------------------------

# The hold reasons as the home names them (the queue's own tabs say only the reason).
HOLD_LABELS = {
    Order.HoldReason.FRAUD: _("On hold for fraud review"),
    Order.HoldReason.REGISTRATION_DATA: _("On hold for registration data"),
    Order.HoldReason.ADDRESS: _("On hold for the address"),
    Order.HoldReason.STOCK: _("On hold for stock"),
}
HOLD_LINES = tuple(
    QueueLineSpec(key=value, label=HOLD_LABELS.get(value, label), query={"reason": value}, tone="warning")
    for value, label in Order.HoldReason.choices
    if value != Order.HoldReason.RETURN
)

HOME_QUEUES: tuple[HomeQueue, ...] = (
    HomeQueue(
        key="holds",
        icon="shield-check",
        permissions=("orders.validate_order",),
        url_name="backoffice:hold-queue",
        lines=HOLD_LINES,
        selector=orders_held,
    ),
    HomeQueue(
        key="pick",
        icon="upc-scan",
        permissions=("logistics.pick_orders",),
        url_name="backoffice:pick-queue",
        lines=(QueueLineSpec(key="", label=_("Orders to pick")),),
        selector=orders_to_pick,
    ),
    HomeQueue(
        key="pack",
        icon="box-seam",
        permissions=("logistics.pack_orders",),
        url_name="backoffice:pack-queue",
        lines=(QueueLineSpec(key="", label=_("Orders to pack")),),
        selector=orders_to_pack,
    ),
    HomeQueue(
        key="dispatch",
        icon="truck",
        permissions=("logistics.dispatch_shipment",),
        url_name="backoffice:dispatch-queue",
        lines=(
            QueueLineSpec(key="waiting", label=_("Parcels to dispatch")),
            QueueLineSpec(key="refused", label=_("Carrier bookings refused"), tone="danger"),
        ),
        selector=shipments_to_dispatch,
    ),
    HomeQueue(
        key="late_shipments",
        icon="hourglass-split",
        permissions=("logistics.dispatch_shipment",),
        url_name="backoffice:shipment-list",
        lines=(QueueLineSpec(key="", label=_("Late shipments"), query={"late": "on"}, tone="danger"),),
        selector=shipments_late,
    ),
    HomeQueue(
        key="returns",
        icon="arrow-return-left",
        permissions=("returns.decide_return", "returns.receive_return"),
        url_name="backoffice:return-queue",
        lines=(
            QueueLineSpec(key="decide", label=_("Returns to decide"), query={"queue": "decide"}),
            QueueLineSpec(key="in_transit", label=_("Returns to receive"), query={"queue": "in_transit"}),
            QueueLineSpec(key="inspect", label=_("Returns to inspect"), query={"queue": "inspect"}),
        ),
        selector=returns_to_work,
    ),
    HomeQueue(
        key="tickets",
        icon="headset",
        permissions=("support.answer_ticket", "support.work_ombudsman"),
        url_name="backoffice:support-desk",
        lines=(
            QueueLineSpec(
                key="breached",
                label=_("Tickets past their deadline"),
                query={"show": "breached"},
                tone="danger",
            ),
            QueueLineSpec(key="due_soon", label=_("Tickets due soon"), tone="warning"),
            QueueLineSpec(key="on_time", label=_("Tickets on time")),
        ),
        selector=tickets_by_deadline,
    ),
    HomeQueue(
        key="recovery_calls",
        icon="telephone-outbound",
        permissions=("orders.work_recovery_calls",),
        url_name="backoffice:recovery-call-list",
        lines=(QueueLineSpec(key="", label=_("Recovery calls to make")),),
        selector=recovery_calls,
    ),
    HomeQueue(
        key="failed_messages",
        icon="envelope-exclamation",
        permissions=("notifications.view_notification",),
        url_name="backoffice:notification-list",
        lines=(
            QueueLineSpec(
                key="",
                label=_("Messages to customers that failed"),
                query={"status": "failed"},
                tone="danger",
            ),
        ),
        selector=messages_failed,
    ),
    HomeQueue(
        key="erasure_requests",
        icon="eraser",
        permissions=("accounts.decide_erasurerequest",),
        url_name="backoffice:erasure-request-list",
        lines=(
            QueueLineSpec(key="late", label=_("Erasure requests past their deadline"), tone="danger"),
            QueueLineSpec(key="on_time", label=_("Erasure requests to answer")),
        ),
        selector=erasure_requests_open,
    ),
    HomeQueue(
        key="periodic_jobs",
        icon="clock-history",
        permissions=(),
        url_name=None,
        lines=(QueueLineSpec(key="", label=_("Periodic jobs that stopped running"), tone="danger"),),
        selector=periodic_jobs_stopped,
    ),
)


def home_queue_lines(*, user, now: datetime | None = None, queues=HOME_QUEUES) -> list[QueueLine]:
    """The lines of every queue the staff member works, empty ones included: one query per
    queue whatever the data size."""
    now = now or timezone.now()
    lines = []
    for queue in queues:
        if not queue.is_for(user):
            continue
        stats = queue.selector(user=user, now=now)
        base = reverse(queue.url_name) if queue.url_name else ""
        for spec in queue.lines:
            stat = stats.get(spec.key, QueueStat())
            url = f"{base}?{urlencode(spec.query)}" if base and spec.query else base
            lines.append(
                QueueLine(
                    key=f"{queue.key}-{spec.key}" if spec.key else queue.key,
                    label=spec.label,
                    icon=queue.icon,
                    url=url,
                    count=stat.count,
                    oldest_at=stat.oldest_at,
                    tone=spec.tone,
                    items=stat.items,
                )
            )
    return lines
