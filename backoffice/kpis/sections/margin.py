"""Contribution margin of the orders sold each day, per order, per channel and per supplier:
revenue (items and shipping charged) - discounts - cost of goods (the variant's cost copied
on the line at placement) - freight the carrier charges - payment fees (per method, set by
the manager) - refunds made."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from backoffice.kpis.dashboards import Chart, Count, Mean, Ratio, Section, Series, Total, Unit
from backoffice.kpis.facts import ZERO, Fact
from backoffice.kpis.sections.sales import CHANNEL_LABELS, TAKEN, order_channel, sold_orders
from inventory.models import PurchaseOrderLine, ReorderRule
from logistics.models import Shipment
from orders.models import OrderLine, Payment, PaymentFee, Refund

COMPONENTS = ("revenue", "discounts", "cogs", "freight", "fees", "refunds")
NO_SUPPLIER = ""


def line_supplier():
    """Who a variant is bought from: its reorder rule's supplier, else the supplier of its
    latest purchase order."""
    rule = ReorderRule.objects.filter(variant=OuterRef("variant_id"), supplier__isnull=False).order_by("pk")
    bought = PurchaseOrderLine.objects.filter(variant=OuterRef("variant_id")).order_by("-pk")
    return Coalesce(
        Subquery(rule.values("supplier__name")[:1]),
        Subquery(bought.values("purchase_order__supplier__name")[:1]),
    )


def supplier_label(key: str) -> str:
    return key or str(_("Supplier not known"))


def collect_margin(day: date) -> Iterable[Fact]:
    orders = {
        row["pk"]: row
        for row in sold_orders(day)
        .annotate(sales_channel=order_channel())
        .values("pk", "items_total", "shipping_total", "discount_total", "sales_channel")
    }
    if not orders:
        return
    ids = list(orders)
    lines: dict[int, list] = defaultdict(list)
    for row in (
        OrderLine.objects.filter(order_id__in=ids)
        .annotate(supplier=line_supplier())
        .values_list("order_id", "line_total", "quantity", "unit_cost", "supplier")
    ):
        lines[row[0]].append(row[1:])
    freight = dict(
        Shipment.objects.filter(order_id__in=ids, freight_cost__isnull=False)
        .values("order_id")
        .annotate(total=Sum("freight_cost"))
        .values_list("order_id", "total")
        .order_by()
    )
    fees_by_method = {fee.method: fee for fee in PaymentFee.objects.all()}
    fees: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for order_id, method, amount in Payment.objects.filter(order_id__in=ids, status__in=TAKEN).values_list(
        "order_id", "method", "amount"
    ):
        if method in fees_by_method:
            fees[order_id] += fees_by_method[method].fee_for(amount)
    refunds = dict(
        Refund.objects.filter(order_id__in=ids, status=Refund.Status.DONE)
        .values("order_id")
        .annotate(total=Sum("amount"))
        .values_list("order_id", "total")
        .order_by()
    )
    for order_id, order in orders.items():
        order_lines = lines.get(order_id, [])
        if not order_lines or any(unit_cost is None for _total, _qty, unit_cost, _supplier in order_lines):
            yield Fact("margin.unknown_cost", order["sales_channel"], order["items_total"], 1)
            continue
        parts = {
            "revenue": order["items_total"] + order["shipping_total"],
            "discounts": order["discount_total"],
            "cogs": sum((unit_cost * quantity for _total, quantity, unit_cost, _s in order_lines), ZERO),
            "freight": freight.get(order_id, ZERO),
            "fees": fees[order_id],
            "refunds": refunds.get(order_id, ZERO),
        }
        margin = parts["revenue"] - sum(parts[name] for name in COMPONENTS[1:])
        for name in COMPONENTS:
            yield Fact("margin.parts", name, parts[name], 1)
        yield Fact("margin.parts", "margin", margin, 1)
        yield Fact("margin.margin", "", margin, 1)
        yield Fact("margin.by_channel", order["sales_channel"], margin, 1)
        yield Fact("margin.revenue_by_channel", order["sales_channel"], parts["revenue"], 1)
        # Per supplier: each line's cost, and its share (by value) of the rest of the order.
        rest = margin + parts["cogs"]
        items_total = order["items_total"]
        for line_total, quantity, unit_cost, supplier in order_lines:
            share = line_total / items_total if items_total else Decimal(1) / len(order_lines)
            key = supplier or NO_SUPPLIER
            yield Fact("margin.by_supplier", key, rest * share - unit_cost * quantity, 1)
            yield Fact("margin.revenue_by_supplier", key, parts["revenue"] * share, 1)


COMPONENT_LABELS = {
    "revenue": _("Revenue (items and shipping)"),
    "discounts": _("Discounts"),
    "cogs": _("Cost of goods"),
    "freight": _("Freight paid to carriers"),
    "fees": _("Payment fees"),
    "refunds": _("Refunds"),
    "margin": _("Contribution margin"),
}

SECTION = Section(
    slug="margin",
    title=_("Margin"),
    description=_(
        "Contribution margin of the orders sold each day: revenue minus discounts, cost of goods, "
        "freight paid to carriers, payment fees and refunds; per order, channel and supplier."
    ),
    collect=collect_margin,
    order=40,
    icon="piggy-bank",
    notes=(
        _(
            "Orders placed before costs were kept on order lines, or with a variant without cost, "
            "have an unknown cost and are left out of the margin."
        ),
        _(
            "Payment fees use today's table (set in the admin); freight counts once the carrier "
            "booked the parcel."
        ),
        _("Refunds count against the day the order was placed; days are refreshed each night for a week."),
    ),
    charts=(
        Chart(
            slug="margin",
            title=_("Contribution margin"),
            unit=Unit.BRL,
            series=(Series(_("Margin"), Total("margin.margin")),),
        ),
        Chart(
            slug="margin-per-order",
            title=_("Margin per order"),
            unit=Unit.BRL,
            series=(Series(_("Per order"), Mean("margin.margin")),),
        ),
        Chart(
            slug="margin-rate",
            title=_("Margin over revenue"),
            unit=Unit.PERCENT,
            series=(
                Series(_("Margin"), Ratio(Total("margin.margin"), Total("margin.parts", key="revenue"))),
            ),
        ),
        Chart(
            slug="components",
            title=_("From revenue to margin"),
            by="key",
            kind="bar",
            unit=Unit.BRL,
            key_labels=COMPONENT_LABELS,
            series=(Series(_("Amount"), Total("margin.parts")), Series(_("Per order"), Mean("margin.parts"))),
        ),
        Chart(
            slug="channels",
            title=_("Margin by channel"),
            by="key",
            kind="bar",
            unit=Unit.BRL,
            key_labels=CHANNEL_LABELS,
            series=(
                Series(_("Margin"), Total("margin.by_channel")),
                Series(_("Per order"), Mean("margin.by_channel")),
            ),
        ),
        Chart(
            slug="channel-rate",
            title=_("Margin over revenue by channel"),
            by="key",
            kind="bar",
            unit=Unit.PERCENT,
            key_labels=CHANNEL_LABELS,
            series=(
                Series(_("Margin"), Ratio(Total("margin.by_channel"), Total("margin.revenue_by_channel"))),
            ),
        ),
        Chart(
            slug="suppliers",
            title=_("Margin by supplier"),
            by="key",
            kind="bar",
            unit=Unit.BRL,
            key_labels=supplier_label,
            top=15,
            series=(
                Series(_("Margin"), Total("margin.by_supplier")),
                Series(_("Revenue"), Total("margin.revenue_by_supplier")),
            ),
        ),
        Chart(
            slug="unknown-cost",
            title=_("Orders with unknown cost"),
            kind="bar",
            higher_is_better=False,
            series=(Series(_("Orders"), Count("margin.unknown_cost")),),
        ),
    ),
)
