"""After-sale: returns and their reasons, refunds, the support desk against its service
levels, satisfaction (NPS, CSAT) and what sales recovery brings back.

Figures of one São Paulo day, each read through an indexed time column of that day:

- `aftersale.return_requests`, key = reason: return requests asked that day (whatever was
  decided later); total = units asked back, count = requests.
- `aftersale.returned_units_product` / `aftersale.returned_units_category`, key = "<id> <name>":
  units asked back that day per product and per product category; count = return lines.
- `aftersale.shipped_units_product` / `aftersale.shipped_units_category`: units handed to the
  carrier that day per product and category, the denominator of the return rate (units asked
  back over units shipped in the same period).
- `aftersale.returned_units` / `aftersale.shipped_units`, no key: the same units of the day
  over all products, for the return rate over time (read by day, they stay one row a day
  however many products the store sells).
- `aftersale.refunds`, key = "<what it refunds>:<method>" (e.g. "return:original"): refunds
  made that day (`Refund.done_at`); total = amount, count = refunds.
- `aftersale.first_response` (+ histogram `aftersale.first_response_hours`), key = queue code:
  tickets first answered that day, hours from opening to the first answer;
  `aftersale.first_response_sla`: of those with a deadline, total = answered by the deadline,
  count = with a deadline.
- `aftersale.resolution` (+ `aftersale.resolution_hours`) and `aftersale.resolution_sla`:
  the same for tickets resolved that day (resolved or closed since), merged duplicates left out.
- `aftersale.tickets`, key = channel: tickets opened that day; `aftersale.orders`: orders
  placed that day; tickets per 100 orders is their ratio.
- `aftersale.nps_carrier` (key = carrier), `aftersale.nps_product` (key = product):
  NPS answers given that day; total = promoters - detractors, count = answers, so
  100 x total / count is the NPS (promoters 9-10, detractors 0-6, as support.surveys counts
  them; an order counts once per product it had).
- `aftersale.csat_agent`, key = the agent's email (kept on the survey when it was sent, ""
  for none): CSAT answers given that day; total = the scores, count = answers;
  `aftersale.csat_satisfied_agent`: total = answers of 4 or 5.
- `aftersale.recovered`, key = "<kind of lost sale>:<link or call>": orders placed that day
  that recovered a lost sale; total = the value recovered (as the recovery report counts it),
  count = orders.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from backoffice.kpis.dashboards import Chart, Mean, Percentile, Ratio, Section, Series, Total, Unit
from backoffice.kpis.dashboards import Count as Counted
from backoffice.kpis.facts import Fact, day_bounds, histogram, hours_between
from logistics.models import Shipment, ShipmentLine
from orders.models import Order, OrderLine, RecoveryOpportunity, Refund
from returns.models import ReturnLine, ReturnRequest
from support.models import Ticket, TicketQueue
from support.surveys.models import DETRACTOR_UP_TO, PROMOTER_FROM, Survey

PREFIX = "aftersale."
KEY_LENGTH = 120
ZERO = Decimal(0)
SATISFIED_FROM = 4  # a CSAT of 4 or 5, as support.surveys counts the satisfied share
RESOLVED = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)


def _named(pk, name) -> str:
    """A key that names its row by itself: "<id> <name>" (dashboards label it without a query)."""
    return f"{pk} {name or ''}".strip()[:KEY_LENGTH]


def named_label(key: str) -> str:
    _pk, _separator, name = key.partition(" ")
    return name or key or "—"


def return_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    # Every status named, so that the index (status, created_at) serves the day's range.
    requests = ReturnRequest.objects.filter(
        status__in=ReturnRequest.Status.values, created_at__gte=start, created_at__lt=end
    )
    reasons = requests.values_list("reason").annotate(
        units=Sum("lines__quantity"), count=Count("pk", distinct=True)
    )
    for reason, units, count in reasons.order_by():
        yield Fact(f"{PREFIX}return_requests", reason, Decimal(units or 0), count)
    lines = ReturnLine.objects.filter(request__in=requests).values_list(
        "quantity",
        "order_line__variant__product_id",
        "order_line__variant__product__name",
        "order_line__variant__product__category_id",
        "order_line__variant__product__category__name",
    )
    yield from _units_by_product(f"{PREFIX}returned_units", lines)


def _units_by_product(stem: str, lines) -> Iterator[Fact]:
    for quantity, product_id, product_name, category_id, category_name in lines:
        yield Fact(stem, "", Decimal(quantity), 1)
        yield Fact(f"{stem}_product", _named(product_id, product_name), Decimal(quantity), 1)
        if category_id is not None:
            yield Fact(f"{stem}_category", _named(category_id, category_name), Decimal(quantity), 1)


def shipped_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    # The day's shipments first, then their lines by shipment: the plan stays on the indexes.
    shipments = list(
        Shipment.objects.filter(shipped_at__gte=start, shipped_at__lt=end).values_list("pk", flat=True)
    )
    lines = ShipmentLine.objects.filter(shipment_id__in=shipments).values_list(
        "quantity",
        "order_line__variant__product_id",
        "order_line__variant__product__name",
        "order_line__variant__product__category_id",
        "order_line__variant__product__category__name",
    )
    yield from _units_by_product(f"{PREFIX}shipped_units", lines if shipments else [])


def refund_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    refunds = Refund.objects.filter(
        status=Refund.Status.DONE, done_at__gte=start, done_at__lt=end
    ).values_list("source", "method", "amount")
    for source, method, amount in refunds:
        what = source.partition(":")[0]
        yield Fact(f"{PREFIX}refunds", f"{what}:{method}", amount, 1)


def _clock_facts(stem: str, rows) -> Iterator[Fact]:
    """Hours from opening to `done_at` per queue, and how many were done by their deadline."""
    hours_by_queue: dict[str, list[Decimal]] = defaultdict(list)
    sla: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for queue, created_at, done_at, due_at in rows:
        hours_by_queue[queue].append(max(hours_between(created_at, done_at), ZERO))
        if due_at is not None:
            sla[queue][0] += int(done_at <= due_at)
            sla[queue][1] += 1
    for queue, hours in sorted(hours_by_queue.items()):
        yield Fact(f"{PREFIX}{stem}", queue, sum(hours, ZERO), len(hours))
        yield from histogram(f"{PREFIX}{stem}_hours", hours, group=queue)
    for queue, (kept, count) in sorted(sla.items()):
        yield Fact(f"{PREFIX}{stem}_sla", queue, Decimal(kept), count)


def ticket_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    answered = Ticket.objects.filter(first_responded_at__gte=start, first_responded_at__lt=end).values_list(
        "queue__code", "created_at", "first_responded_at", "first_response_due_at"
    )
    yield from _clock_facts("first_response", answered)
    resolved = (
        Ticket.objects.filter(status__in=RESOLVED, resolved_at__gte=start, resolved_at__lt=end)
        .filter(merged_into__isnull=True)
        .values_list("queue__code", "created_at", "resolved_at", "resolution_due_at")
    )
    yield from _clock_facts("resolution", resolved)
    opened = (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
        .values_list("channel")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for channel, count in opened:
        yield Fact(f"{PREFIX}tickets", channel, ZERO, count)
    orders = Order.objects.filter(placed_at__gte=start, placed_at__lt=end).count()
    yield Fact(f"{PREFIX}orders", "", ZERO, orders)


def _nps_points(score: int) -> int:
    return 1 if score >= PROMOTER_FROM else -1 if score <= DETRACTOR_UP_TO else 0


def survey_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    nps = Survey.objects.filter(kind=Survey.Kind.NPS, answered_at__gte=start, answered_at__lt=end)
    for carrier, score in nps.values_list("carrier", "score"):
        yield Fact(f"{PREFIX}nps_carrier", carrier[:KEY_LENGTH], Decimal(_nps_points(score)), 1)
    # An order with two lines of one product counts once for it (as nps_by_product). The
    # day's answers first, then their orders' lines by order: the plan stays on the indexes.
    scores = dict(nps.exclude(order_id=None).values_list("order_id", "score"))
    products = (
        OrderLine.objects.filter(order_id__in=list(scores))
        .values_list("order_id", "variant__product_id", "variant__product__name")
        .order_by()
        .distinct()
    )
    for order_id, product_id, name in products if scores else []:
        yield Fact(
            f"{PREFIX}nps_product", _named(product_id, name), Decimal(_nps_points(scores[order_id])), 1
        )
    csat = Survey.objects.filter(kind=Survey.Kind.CSAT, answered_at__gte=start, answered_at__lt=end)
    for email, score in csat.values_list("agent__email", "score"):
        key = (email or "")[:KEY_LENGTH]
        yield Fact(f"{PREFIX}csat_agent", key, Decimal(score), 1)
        yield Fact(f"{PREFIX}csat_satisfied_agent", key, Decimal(int(score >= SATISFIED_FROM)), 1)


def recovery_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    # The day's orders first, then the lost sales they recovered (a unique column).
    orders = list(Order.objects.filter(placed_at__gte=start, placed_at__lt=end).values_list("pk", flat=True))
    recovered = (
        RecoveryOpportunity.objects.filter(
            recovered_order_id__in=orders, status=RecoveryOpportunity.Status.RECOVERED
        )
        .values_list("kind", "recovered_via")
        .annotate(value=Sum("recovered_value"), count=Count("pk"))
        .order_by()
    )
    for kind, via, value, count in recovered if orders else []:
        yield Fact(f"{PREFIX}recovered", f"{kind}:{via}", value or ZERO, count)


def collect_aftersale(day: date) -> Iterator[Fact]:
    start, end = day_bounds(day)
    yield from return_facts(start, end)
    yield from shipped_facts(start, end)
    yield from refund_facts(start, end)
    yield from ticket_facts(start, end)
    yield from survey_facts(start, end)
    yield from recovery_facts(start, end)


# --- Labels ------------------------------------------------------------------------------------

REASONS = dict(ReturnRequest.Reason.choices)
REFUND_METHODS = dict(Refund.Method.choices)
RECOVERY_KINDS = dict(RecoveryOpportunity.Kind.choices)
RECOVERY_VIA = dict(RecoveryOpportunity.Via.choices)


REFUND_SOURCES = {"return": _("Returns")}


def refund_label(key: str) -> str:
    what, _separator, method = key.partition(":")
    return f"{REFUND_SOURCES.get(what, what)} · {REFUND_METHODS.get(method, method)}"


def recovery_label(key: str) -> str:
    kind, _separator, via = key.partition(":")
    return f"{RECOVERY_KINDS.get(kind, kind)} · {RECOVERY_VIA.get(via, via)}"


def queue_label(code: str) -> str:
    queue = TicketQueue.objects.filter(code=code).first()
    return queue.name if queue else code or "—"


def agent_label(key: str) -> str:
    return key or str(_("No agent"))


def nps_measure(metric: str) -> Ratio:
    return Ratio(Total(metric), Counted(metric))


# Tickets answered and resolved within their deadlines, over all and by queue.
SLA_SERIES = (
    Series(
        _("First response"),
        Ratio(Total(f"{PREFIX}first_response_sla"), Counted(f"{PREFIX}first_response_sla")),
    ),
    Series(_("Resolution"), Ratio(Total(f"{PREFIX}resolution_sla"), Counted(f"{PREFIX}resolution_sla"))),
)

SECTION = Section(
    slug="aftersale",
    title=_("After-sale"),
    description=_(
        "Returns and why, refunds, how the support desk keeps its deadlines, what customers "
        "say of deliveries, products and agents, and what sales recovery wins back."
    ),
    collect=collect_aftersale,
    order=70,
    icon="arrow-return-left",
    notes=(
        _("Return rate: units asked back over units shipped in the same period."),
        _("NPS: percent of promoters (9-10) minus percent of detractors (0-6)."),
        _("CSAT: average score from 1 to 5, and the share of 4 and 5."),
        _("Ticket times are calendar hours from opening; the deadlines are the queues' service levels."),
    ),
    charts=(
        Chart(
            slug="returns-by-reason",
            title=_("Return requests by reason"),
            by="key",
            kind="bar",
            series=(
                Series(_("Requests"), Counted(f"{PREFIX}return_requests")),
                Series(_("Units"), Total(f"{PREFIX}return_requests")),
            ),
            key_labels=REASONS,
            higher_is_better=False,
        ),
        Chart(
            slug="return-rate",
            title=_("Return rate"),
            unit=Unit.PERCENT,
            series=(
                Series(
                    _("Units asked back per unit shipped"),
                    Ratio(Total(f"{PREFIX}returned_units"), Total(f"{PREFIX}shipped_units")),
                ),
            ),
            higher_is_better=False,
        ),
        Chart(
            slug="return-rate-product",
            title=_("Return rate by product"),
            unit=Unit.PERCENT,
            by="key",
            kind="bar",
            top=20,
            key_metric=f"{PREFIX}returned_units_product",
            series=(
                Series(
                    _("Returned"),
                    Ratio(Total(f"{PREFIX}returned_units_product"), Total(f"{PREFIX}shipped_units_product")),
                ),
            ),
            key_labels=named_label,
            higher_is_better=False,
        ),
        Chart(
            slug="return-rate-category",
            title=_("Return rate by category"),
            unit=Unit.PERCENT,
            by="key",
            kind="bar",
            top=20,
            key_metric=f"{PREFIX}returned_units_category",
            series=(
                Series(
                    _("Returned"),
                    Ratio(
                        Total(f"{PREFIX}returned_units_category"), Total(f"{PREFIX}shipped_units_category")
                    ),
                ),
            ),
            key_labels=named_label,
            higher_is_better=False,
        ),
        Chart(
            slug="refunds",
            title=_("Refunds made"),
            unit=Unit.BRL,
            kind="bar",
            series=(Series(_("Refunded"), Total(f"{PREFIX}refunds")),),
            higher_is_better=False,
        ),
        Chart(
            slug="refunds-by-method",
            title=_("Refunds by reason and method"),
            unit=Unit.BRL,
            by="key",
            kind="bar",
            series=(Series(_("Refunded"), Total(f"{PREFIX}refunds")),),
            key_labels=refund_label,
            higher_is_better=False,
        ),
        Chart(
            slug="first-response",
            title=_("Time to first response (hours)"),
            unit=Unit.HOURS,
            series=(
                Series(_("Median"), Percentile(f"{PREFIX}first_response_hours", 0.5)),
                Series(_("90th percentile"), Percentile(f"{PREFIX}first_response_hours", 0.9)),
            ),
            higher_is_better=False,
        ),
        Chart(
            slug="sla",
            title=_("Within the service level"),
            unit=Unit.PERCENT,
            series=SLA_SERIES,
        ),
        Chart(
            slug="sla-by-queue",
            title=_("Within the service level by queue"),
            unit=Unit.PERCENT,
            by="key",
            kind="bar",
            key_metric=f"{PREFIX}first_response",
            series=SLA_SERIES,
            key_labels=queue_label,
        ),
        Chart(
            slug="resolution",
            title=_("Time to resolution (hours)"),
            unit=Unit.HOURS,
            series=(
                Series(_("Median"), Percentile(f"{PREFIX}resolution_hours", 0.5)),
                Series(_("90th percentile"), Percentile(f"{PREFIX}resolution_hours", 0.9)),
            ),
            higher_is_better=False,
        ),
        Chart(
            slug="tickets-per-order",
            title=_("Tickets per 100 orders"),
            unit=Unit.NUMBER,
            series=(
                Series(
                    _("Tickets per 100 orders"),
                    Ratio(Counted(f"{PREFIX}tickets"), Counted(f"{PREFIX}orders")),
                ),
            ),
            higher_is_better=False,
        ),
        Chart(
            slug="nps-carrier",
            title=_("NPS by carrier"),
            unit=Unit.NUMBER,
            by="key",
            kind="bar",
            series=(
                Series(_("NPS"), nps_measure(f"{PREFIX}nps_carrier")),
                Series(_("Answers"), Counted(f"{PREFIX}nps_carrier")),
            ),
        ),
        Chart(
            slug="nps-product",
            title=_("NPS by product"),
            unit=Unit.NUMBER,
            by="key",
            kind="bar",
            top=20,
            key_metric=f"{PREFIX}nps_product",
            series=(
                Series(_("Answers"), Counted(f"{PREFIX}nps_product")),
                Series(_("NPS"), nps_measure(f"{PREFIX}nps_product")),
            ),
            key_labels=named_label,
        ),
        Chart(
            slug="csat-agent",
            title=_("CSAT by agent"),
            unit=Unit.NUMBER,
            by="key",
            kind="bar",
            series=(
                Series(_("Average score"), Mean(f"{PREFIX}csat_agent")),
                Series(
                    _("Satisfied (%)"),
                    Ratio(Total(f"{PREFIX}csat_satisfied_agent"), Counted(f"{PREFIX}csat_satisfied_agent")),
                ),
                Series(_("Answers"), Counted(f"{PREFIX}csat_agent")),
            ),
            key_labels=agent_label,
        ),
        Chart(
            slug="recovered",
            title=_("Revenue recovered"),
            unit=Unit.BRL,
            kind="bar",
            series=(Series(_("Value recovered"), Total(f"{PREFIX}recovered")),),
        ),
        Chart(
            slug="recovered-by-kind",
            title=_("Revenue recovered by kind of lost sale"),
            unit=Unit.BRL,
            by="key",
            kind="bar",
            series=(Series(_("Value recovered"), Total(f"{PREFIX}recovered")),),
            key_labels=recovery_label,
        ),
    ),
)
