"""Operations: how fast and how well paid orders leave the warehouse and reach the customer.

Every figure is a fact of one São Paulo day, read through an indexed time column of that day:

- `operations.lead_time` (+ histogram `operations.lead_time_hours`, for the percentiles): each
  shipment handed to the carrier that day (`Shipment.shipped_at`), the hours since its order
  was paid (the order's first `Payment.paid_at`); total = hours, count = shipments. A
  shipment of an order with no paid payment (an exchange's replacement) has no lead time.
- `operations.shipped`, key = carrier service code: shipments handed to the carrier that day.
- `operations.picks` / `operations.pick_units`, key = who picked (`PickLine.picked_by`, an
  actor label): pick lines closed that day (picked or short) and the units taken; count = the
  clock hours (São Paulo time) in which that person closed at least one line, so
  total / count is picks per person per hour of work.
- `operations.packs`, key = who packed (`Shipment.packed_by`): parcels closed that day
  (shipments created, whatever became of them), count = that person's clock hours of packing.
- `operations.short_picks`: pick lines closed short that day; total = units not found,
  count = lines. The day's pick lines (`operations.picks` counts) are the denominator.
- `operations.on_time`, key = carrier service code: shipments promised for that day
  (`Shipment.promised_on`, set when the carrier took it); total = delivered by the end of that
  day, count = promised. While the day is not over, a parcel still on its way is not counted.
- `operations.incidents`, key = "<what>:<service code>": delivery incidents learned that day:
  failed delivery attempts and parcels returned to sender (carrier tracking events), and
  claims opened against the carrier ("claim_damaged", "claim_lost"); total = the amount
  claimed (0 for tracking events), count = incidents.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.kpis.dashboards import Chart, Mean, Percentile, Ratio, Section, Series, Total, Unit
from backoffice.kpis.dashboards import Count as Counted
from backoffice.kpis.facts import Fact, day_bounds, histogram, hours_between
from core.actor import actor_display
from logistics.models import CarrierClaim, CarrierService, PickLine, Shipment, TrackingEvent
from orders.models import Payment

PREFIX = "operations."
# Shipments a carrier took: only these have a promised day.
DISPATCHED = (*Shipment.ON_THE_WAY, Shipment.Status.DELIVERED, Shipment.Status.RETURNED)
INCIDENT_EVENTS = (TrackingEvent.Kind.DELIVERY_FAILED, TrackingEvent.Kind.RETURNED)
KEY_LENGTH = 120
ZERO = Decimal(0)


def _per_person_hour(metric: str, rows: Iterable[tuple[str, datetime, int]]) -> list[Fact]:
    """One fact per person: total = the amounts, count = the distinct clock hours (São Paulo
    time) in which the person did any."""
    amounts: dict[str, int] = defaultdict(int)
    hours: dict[str, set[tuple[date, int]]] = defaultdict(set)
    for person, moment, amount in rows:
        key = person[:KEY_LENGTH]
        local = timezone.localtime(moment)
        amounts[key] += amount
        hours[key].add((local.date(), local.hour))
    return [Fact(metric, key, Decimal(amounts[key]), len(hours[key])) for key in sorted(amounts)]


def lead_time_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    shipments = list(
        Shipment.objects.filter(shipped_at__gte=start, shipped_at__lt=end).values_list(
            "order_id", "shipped_at", "service__code"
        )
    )
    for _order_id, _shipped_at, service in shipments:
        yield Fact(f"{PREFIX}shipped", service, ZERO, 1)
    paid_at = dict(
        Payment.objects.filter(
            order_id__in={order_id for order_id, _at, _service in shipments}, paid_at__isnull=False
        )
        .values_list("order_id")
        .annotate(first=Min("paid_at"))
        .order_by()
    )
    hours = [
        max(hours_between(paid_at[order_id], shipped_at), ZERO)
        for order_id, shipped_at, _service in shipments
        if order_id in paid_at
    ]
    if hours:
        yield Fact(f"{PREFIX}lead_time", "", sum(hours, ZERO), len(hours))
        yield from histogram(f"{PREFIX}lead_time_hours", hours)


def picking_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    lines = list(
        PickLine.objects.filter(
            picked_at__gte=start,
            picked_at__lt=end,
            status__in=[PickLine.Status.PICKED, PickLine.Status.SHORT],
        ).values_list("picked_by", "picked_at", "status", "quantity", "picked_quantity")
    )
    yield from _per_person_hour(f"{PREFIX}picks", ((who, at, 1) for who, at, *_rest in lines))
    yield from _per_person_hour(
        f"{PREFIX}pick_units", ((who, at, picked) for who, at, _status, _asked, picked in lines)
    )
    missing = [
        asked - picked for _who, _at, status, asked, picked in lines if status == PickLine.Status.SHORT
    ]
    if missing:
        yield Fact(f"{PREFIX}short_picks", "", Decimal(sum(missing)), len(missing))


def packing_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    # Every status named, so that the index (status, created_at) serves the day's range.
    packed = Shipment.objects.filter(
        status__in=Shipment.Status.values, created_at__gte=start, created_at__lt=end
    ).values_list("packed_by", "created_at")
    yield from _per_person_hour(f"{PREFIX}packs", ((who, at, 1) for who, at in packed))


def on_time_facts(day: date, *, now: datetime | None = None) -> Iterator[Fact]:
    _start, end = day_bounds(day)
    day_is_over = end <= (now or timezone.now())
    promised = Shipment.objects.filter(status__in=DISPATCHED, promised_on=day).values_list(
        "service__code", "delivered_at"
    )
    figures: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for service, delivered_at in promised:
        on_time = delivered_at is not None and delivered_at < end
        if on_time or day_is_over:
            figures[service][0] += int(on_time)
            figures[service][1] += 1
    for service, (on_time, count) in sorted(figures.items()):
        yield Fact(f"{PREFIX}on_time", service, Decimal(on_time), count)


def incident_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    events = (
        TrackingEvent.objects.filter(kind__in=INCIDENT_EVENTS, created_at__gte=start, created_at__lt=end)
        .values_list("kind", "shipment__service__code")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for kind, service, count in events:
        yield Fact(f"{PREFIX}incidents", f"{kind}:{service}", ZERO, count)
    claims = (
        CarrierClaim.objects.filter(created_at__gte=start, created_at__lt=end)
        .values_list("reason", "shipment__service__code")
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by()
    )
    for reason, service, amount, count in claims:
        yield Fact(f"{PREFIX}incidents", f"claim_{reason}:{service}", amount or ZERO, count)


def collect_operations(day: date) -> Iterator[Fact]:
    start, end = day_bounds(day)
    yield from lead_time_facts(start, end)
    yield from picking_facts(start, end)
    yield from packing_facts(start, end)
    yield from on_time_facts(day)
    yield from incident_facts(start, end)


# --- Labels ------------------------------------------------------------------------------------

INCIDENT_LABELS = {
    TrackingEvent.Kind.DELIVERY_FAILED: TrackingEvent.Kind.DELIVERY_FAILED.label,
    TrackingEvent.Kind.RETURNED: TrackingEvent.Kind.RETURNED.label,
    f"claim_{CarrierClaim.Reason.DAMAGED}": _("Claim: damaged in transport"),
    f"claim_{CarrierClaim.Reason.LOST}": _("Claim: lost in transport"),
}


def service_label(code: str) -> str:
    """A carrier service's name ("Correios SEDEX") from its code; the code when it is gone."""
    service = CarrierService.objects.filter(code=code).first()
    return str(service) if service else code or "—"


def incident_label(key: str) -> str:
    what, _separator, code = key.partition(":")
    return f"{INCIDENT_LABELS.get(what, what)} · {service_label(code)}"


def person_label(key: str) -> str:
    return actor_display(key) if key else "—"


SECTION = Section(
    slug="operations",
    title=_("Operations"),
    description=_(
        "How fast paid orders leave the warehouse, how much each person picks and packs, and "
        "how the carriers keep their promised dates."
    ),
    collect=collect_operations,
    order=50,
    icon="truck",
    notes=(
        _("Lead time runs from the order's payment to the carrier taking the parcel."),
        _(
            "Picks and packs per hour count the clock hours in which the person closed at "
            "least one pick line or parcel."
        ),
        _("On time: parcels promised for the day and delivered by its end, by promised day."),
    ),
    charts=(
        Chart(
            slug="lead-time",
            title=_("Paid to shipped (hours)"),
            unit=Unit.HOURS,
            series=(
                Series(_("Median"), Percentile(f"{PREFIX}lead_time_hours", 0.5)),
                Series(_("90th percentile"), Percentile(f"{PREFIX}lead_time_hours", 0.9)),
            ),
            higher_is_better=False,
        ),
        Chart(
            slug="shipped",
            title=_("Parcels shipped"),
            kind="bar",
            series=(Series(_("Parcels"), Counted(f"{PREFIX}shipped")),),
        ),
        Chart(
            slug="picks-per-hour",
            title=_("Picks per person per hour"),
            unit=Unit.NUMBER,
            by="key",
            kind="bar",
            series=(
                Series(_("Pick lines per hour"), Mean(f"{PREFIX}picks")),
                Series(_("Units per hour"), Mean(f"{PREFIX}pick_units")),
            ),
            key_labels=person_label,
        ),
        Chart(
            slug="packs-per-hour",
            title=_("Parcels packed per person per hour"),
            unit=Unit.NUMBER,
            by="key",
            kind="bar",
            series=(
                Series(_("Parcels per hour"), Mean(f"{PREFIX}packs")),
                Series(_("Parcels"), Total(f"{PREFIX}packs")),
            ),
            key_labels=person_label,
        ),
        Chart(
            slug="short-picks",
            title=_("Short picks"),
            unit=Unit.PERCENT,
            series=(
                Series(
                    _("Pick lines short"),
                    Ratio(Counted(f"{PREFIX}short_picks"), Total(f"{PREFIX}picks")),
                ),
            ),
            higher_is_better=False,
        ),
        Chart(
            slug="on-time",
            title=_("Delivered by the promised date"),
            unit=Unit.PERCENT,
            by="key",
            kind="bar",
            series=(
                Series(_("On time"), Ratio(Total(f"{PREFIX}on_time"), Counted(f"{PREFIX}on_time"))),
                Series(_("Parcels due"), Counted(f"{PREFIX}on_time")),
            ),
            key_labels=service_label,
        ),
        Chart(
            slug="on-time-by-day",
            title=_("Delivered on time, by promised day"),
            unit=Unit.PERCENT,
            series=(Series(_("On time"), Ratio(Total(f"{PREFIX}on_time"), Counted(f"{PREFIX}on_time"))),),
        ),
        Chart(
            slug="incidents",
            title=_("Delivery incidents"),
            by="key",
            kind="bar",
            series=(Series(_("Incidents"), Counted(f"{PREFIX}incidents")),),
            key_labels=incident_label,
            higher_is_better=False,
        ),
        Chart(
            slug="incidents-by-day",
            title=_("Delivery incidents per 100 parcels shipped"),
            unit=Unit.NUMBER,
            series=(
                Series(
                    _("Incidents per 100 parcels"),
                    Ratio(Counted(f"{PREFIX}incidents"), Counted(f"{PREFIX}shipped")),
                ),
            ),
            higher_is_better=False,
        ),
    ),
)
