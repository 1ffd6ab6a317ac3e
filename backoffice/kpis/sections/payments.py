"""Payments: how often each method is approved, how many Pix and boletos issued get paid and
how long customers take to pay them, and the refunds made."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count as CountOf
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from backoffice.kpis.dashboards import Chart, Count, Percentile, Ratio, Section, Series, Total, Unit
from backoffice.kpis.facts import Fact, day_bounds, histogram, hours_between
from orders.models import Payment, Refund

METHOD_LABELS = {method.value: method.label for method in Payment.Method}
CHARGES = (Payment.Method.PIX, Payment.Method.BOLETO)
CHARGE_LABELS = {method.value: method.label for method in CHARGES}
# A card the issuer authorised, whatever happened after (captured, voided on our rejection,
# refunded, or its authorisation lapsed).
CARD_APPROVED = (
    Payment.Status.AUTHORISED,
    Payment.Status.PAID,
    Payment.Status.VOIDED,
    Payment.Status.REFUNDED,
    Payment.Status.PARTIALLY_REFUNDED,
    Payment.Status.EXPIRED,
)
# A Pix or boleto the customer never paid: it expired or was withdrawn.
CHARGE_LOST = (Payment.Status.EXPIRED, Payment.Status.CANCELLED)


def collect_payments(day: date) -> Iterable[Fact]:
    start, end = day_bounds(day)
    created = Payment.objects.filter(created_at__gte=start, created_at__lt=end)
    card = created.filter(method=Payment.Method.CARD)
    card_counts = card.aggregate(
        approved=CountOf("pk", filter=Q(status__in=CARD_APPROVED)),
        declined=CountOf("pk", filter=Q(status=Payment.Status.FAILED)),
        approved_amount=Sum("amount", filter=Q(status__in=CARD_APPROVED)),
    )
    yield Fact(
        "payments.approved", Payment.Method.CARD, card_counts["approved_amount"] or 0, card_counts["approved"]
    )
    yield Fact("payments.decided", Payment.Method.CARD, 0, card_counts["approved"] + card_counts["declined"])
    # Pix and boletos: issued when the provider gave a code or a digitable line.
    charges = (
        created.filter(method__in=CHARGES)
        .exclude(gateway_reference__isnull=True)
        .exclude(gateway_reference="")
        .values("method")
        .annotate(
            issued=CountOf("pk"),
            issued_amount=Sum("amount"),
            paid=CountOf("pk", filter=Q(paid_at__isnull=False)),
            paid_amount=Sum("amount", filter=Q(paid_at__isnull=False)),
            lost=CountOf("pk", filter=Q(paid_at__isnull=True, status__in=CHARGE_LOST)),
        )
        .order_by()
    )
    for row in charges:
        method = row["method"]
        yield Fact("payments.issued", method, row["issued_amount"], row["issued"])
        yield Fact("payments.paid", method, row["paid_amount"] or 0, row["paid"])
        yield Fact("payments.approved", method, row["paid_amount"] or 0, row["paid"])
        yield Fact("payments.decided", method, 0, row["paid"] + row["lost"])
    paid_charges = created.filter(method__in=CHARGES, paid_at__isnull=False).values_list(
        "method", "created_at", "paid_at"
    )
    by_method: dict[str, list] = {}
    for method, created_at, paid_at in paid_charges:
        by_method.setdefault(method, []).append(max(hours_between(created_at, paid_at), 0))
    for method, hours in by_method.items():
        yield from histogram("payments.time_to_pay_hours", hours, group=method)
    refunds = Refund.objects.filter(done_at__gte=start, done_at__lt=end, status=Refund.Status.DONE).aggregate(
        count=CountOf("pk"), total=Sum("amount")
    )
    if refunds["count"]:
        yield Fact("payments.refunds", "", refunds["total"], refunds["count"])


SECTION = Section(
    slug="payments",
    title=_("Payments"),
    description=_(
        "Payments started each day: how many were approved per method, how many Pix and boletos "
        "issued were paid and how long customers took; refunds made each day."
    ),
    collect=collect_payments,
    order=20,
    icon="credit-card",
    notes=(
        _("Chargebacks are not recorded by the store yet, so they are not shown."),
        _("Pix and boletos of the last days may still be paid: their rates rise until they expire."),
    ),
    charts=(
        Chart(
            slug="approval-by-method",
            title=_("Approval rate by method"),
            by="key",
            kind="bar",
            unit=Unit.PERCENT,
            key_labels=METHOD_LABELS,
            series=(Series(_("Approved"), Ratio(Count("payments.approved"), Count("payments.decided"))),),
            help_text=_(
                "Cards authorised over cards authorised or declined; Pix and boletos paid over paid or "
                "expired. Payments still waiting are left out."
            ),
        ),
        Chart(
            slug="card-approval",
            title=_("Card approval rate"),
            unit=Unit.PERCENT,
            series=(
                Series(
                    _("Cards approved"),
                    Ratio(Count("payments.approved", key="card"), Count("payments.decided", key="card")),
                ),
            ),
        ),
        Chart(
            slug="charge-payment-rate",
            title=_("Pix and boletos paid"),
            by="key",
            kind="bar",
            unit=Unit.PERCENT,
            key_labels=CHARGE_LABELS,
            series=(Series(_("Paid over issued"), Ratio(Count("payments.paid"), Count("payments.issued"))),),
        ),
        Chart(
            slug="charge-payment-rate-daily",
            title=_("Pix and boletos paid, by day issued"),
            unit=Unit.PERCENT,
            series=(
                Series(
                    Payment.Method.PIX.label,
                    Ratio(Count("payments.paid", key="pix"), Count("payments.issued", key="pix")),
                ),
                Series(
                    Payment.Method.BOLETO.label,
                    Ratio(Count("payments.paid", key="boleto"), Count("payments.issued", key="boleto")),
                ),
            ),
        ),
        Chart(
            slug="time-to-pay",
            title=_("Time to pay"),
            by="key",
            kind="bar",
            unit=Unit.HOURS,
            key_labels=CHARGE_LABELS,
            higher_is_better=False,
            series=(
                Series(_("Median"), Percentile("payments.time_to_pay_hours", 0.5)),
                Series(_("90th percentile"), Percentile("payments.time_to_pay_hours", 0.9)),
            ),
            help_text=_("Hours from issuing the Pix or boleto to its payment (from buckets: approximate)."),
        ),
        Chart(
            slug="refunds",
            title=_("Refunds made"),
            kind="bar",
            unit=Unit.BRL,
            higher_is_better=False,
            series=(Series(_("Refunded"), Total("payments.refunds")),),
        ),
        Chart(
            slug="refund-count",
            title=_("Number of refunds"),
            kind="bar",
            higher_is_better=False,
            series=(Series(_("Refunds"), Count("payments.refunds")),),
        ),
    ),
)
