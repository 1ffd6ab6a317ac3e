"""Fraud and analysis: how many orders go on hold and why, how long analysts take to decide,
and each analyst's approvals and rejections."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count as CountOf
from django.utils.translation import gettext_lazy as _

from backoffice.kpis.dashboards import Chart, Count, Percentile, Ratio, Section, Series, Unit
from backoffice.kpis.facts import Fact, day_bounds, histogram, hours_between
from orders.models import Order, OrderEvent

UNKNOWN = "unknown"
REASON_LABELS = {reason.value: reason.label for reason in Order.HoldReason}
# The automatic analysis moves a paid order on: validated, on hold, or refused.
ANALYSED_TO = (Order.Status.VALIDATED, Order.Status.ON_HOLD, Order.Status.CANCELLED)
STAFF_PREFIX = "staff:"


def reason_label(key: str) -> str:
    return str(REASON_LABELS.get(key, _("Reason not recorded")))


def analyst_label(key: str) -> str:
    return key.removeprefix(STAFF_PREFIX)


def collect_fraud(day: date) -> Iterable[Fact]:
    start, end = day_bounds(day)
    events = OrderEvent.objects.filter(created_at__gte=start, created_at__lt=end)
    analysed = events.filter(to_status__in=ANALYSED_TO, from_status=Order.Status.PAID).count()
    yield Fact("fraud.analysed", "", 0, analysed)
    holds = (
        events.filter(to_status=Order.Status.ON_HOLD)
        .values("hold_reason")
        .annotate(n=CountOf("pk"))
        .order_by()
    )
    for row in holds:
        yield Fact("fraud.holds", row["hold_reason"] or UNKNOWN, 0, row["n"])
    # Decisions: an analyst moving a held order on (approved: validated; rejected: cancelled).
    decisions = list(
        events.filter(
            to_status__in=(Order.Status.VALIDATED, Order.Status.CANCELLED),
            from_status=Order.Status.ON_HOLD,
            actor__startswith=STAFF_PREFIX,
        ).values_list("order_id", "to_status", "actor", "created_at")
    )
    if not decisions:
        return
    # When each of those orders went on hold, and why: their hold events up to the decision.
    held = OrderEvent.objects.filter(
        order_id__in={order_id for order_id, *_rest in decisions},
        to_status=Order.Status.ON_HOLD,
        created_at__lt=end,
    ).values_list("order_id", "created_at", "hold_reason")
    holds_by_order: dict[int, list] = {}
    for order_id, held_at, reason in held:
        holds_by_order.setdefault(order_id, []).append((held_at, reason or UNKNOWN))
    hours_by_reason: dict[str, list] = {}
    for order_id, to_status, actor, decided_at in decisions:
        outcome = "approved" if to_status == Order.Status.VALIDATED else "rejected"
        yield Fact(f"fraud.{outcome}_by", actor, 0, 1)
        yield Fact("fraud.decided_by", actor, 0, 1)
        earlier = [hold for hold in holds_by_order.get(order_id, []) if hold[0] <= decided_at]
        if earlier:
            held_at, reason = max(earlier)
            hours_by_reason.setdefault(reason, []).append(hours_between(held_at, decided_at))
    for reason, hours in hours_by_reason.items():
        yield from histogram("fraud.decision_hours", hours, group=reason)


SECTION = Section(
    slug="fraud",
    title=_("Fraud and analysis"),
    description=_(
        "Orders put on hold per order analysed, by reason; hours from hold to an analyst's "
        "decision; each analyst's approvals and rejections."
    ),
    collect=collect_fraud,
    order=30,
    icon="shield-check",
    notes=(
        _(
            "False positives (approved orders later charged back) cannot be measured until the "
            "store records chargebacks."
        ),
        _("Holds before this dashboard existed have no reason recorded."),
    ),
    charts=(
        Chart(
            slug="hold-rate",
            title=_("Hold rate"),
            unit=Unit.PERCENT,
            higher_is_better=False,
            series=(
                Series(_("Holds per order analysed"), Ratio(Count("fraud.holds"), Count("fraud.analysed"))),
            ),
        ),
        Chart(
            slug="hold-reasons",
            title=_("Hold rate by reason"),
            by="key",
            kind="bar",
            unit=Unit.PERCENT,
            higher_is_better=False,
            key_labels=reason_label,
            series=(
                Series(
                    _("Holds per order analysed"),
                    Ratio(Count("fraud.holds"), Count("fraud.analysed", key="")),
                ),
            ),
        ),
        Chart(
            slug="decision-time",
            title=_("Time to decide"),
            unit=Unit.HOURS,
            higher_is_better=False,
            series=(
                Series(_("Median"), Percentile("fraud.decision_hours", 0.5)),
                Series(_("90th percentile"), Percentile("fraud.decision_hours", 0.9)),
            ),
            help_text=_(
                "Hours from the hold to the analyst's approval or rejection (from buckets: approximate)."
            ),
        ),
        Chart(
            slug="decision-time-by-reason",
            title=_("Time to decide by reason"),
            by="key",
            kind="bar",
            unit=Unit.HOURS,
            higher_is_better=False,
            key_labels=reason_label,
            series=(
                Series(_("Median"), Percentile("fraud.decision_hours", 0.5)),
                Series(_("90th percentile"), Percentile("fraud.decision_hours", 0.9)),
            ),
        ),
        Chart(
            slug="analysts",
            title=_("Decisions by analyst"),
            by="key",
            kind="bar",
            key_metric="fraud.decided_by",
            key_labels=analyst_label,
            top=20,
            series=(
                Series(_("Approved"), Count("fraud.approved_by")),
                Series(_("Rejected"), Count("fraud.rejected_by")),
            ),
        ),
    ),
)
