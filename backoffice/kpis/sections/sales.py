"""Sales: revenue, orders, average ticket and units by day, by channel (web, telesales,
recovered by sales recovery) and by payment method; carts that became orders."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Case, CharField, OuterRef, Subquery, Sum, Value, When
from django.db.models import Count as CountOf
from django.utils.translation import gettext_lazy as _

from backoffice.kpis.dashboards import Chart, Count, Mean, Ratio, Section, Series, Total, Unit
from backoffice.kpis.facts import Fact, day_bounds
from orders.models import Order, OrderLine, Payment
from orders.services.sales import SOLD_STATUSES
from storefront.cart.models import Cart

RECOVERED = "recovered"
CHANNEL_LABELS = {
    Order.Channel.WEB.value: Order.Channel.WEB.label,
    Order.Channel.TELESALES.value: Order.Channel.TELESALES.label,
    RECOVERED: _("Recovered by sales recovery"),
}
METHOD_LABELS = {method.value: method.label for method in Payment.Method}
# Payments that took the order's money (or hold it, for a card not yet captured).
TAKEN = (
    Payment.Status.AUTHORISED,
    Payment.Status.PAID,
    Payment.Status.PARTIALLY_REFUNDED,
    Payment.Status.REFUNDED,
)
UNKNOWN = "unknown"


def method_label(key: str) -> str:
    return str(METHOD_LABELS.get(key, _("Unknown")))


def sold_orders(day: date):
    """Orders placed on `day` that became sales (paid, not cancelled; exchanges replace a
    sale and are left out), by their indexed placement time."""
    start, end = day_bounds(day)
    return Order.objects.filter(placed_at__gte=start, placed_at__lt=end, status__in=SOLD_STATUSES).exclude(
        channel=Order.Channel.EXCHANGE
    )


def order_channel():
    """The sales channel: web or telesales, or "recovered" when a recovery reminder or call
    brought the order."""
    return Case(
        When(recovered_from__isnull=False, then=Value(RECOVERED)),
        default="channel",
        output_field=CharField(),
    )


def order_payment_method():
    """The method of the order's last payment that took the money."""
    return Subquery(
        Payment.objects.filter(order=OuterRef("pk"), status__in=TAKEN)
        .order_by("-created_at", "-pk")
        .values("method")[:1]
    )


def collect_sales(day: date) -> Iterable[Fact]:
    orders = sold_orders(day)
    by_channel = (
        orders.annotate(sales_channel=order_channel(), method=order_payment_method())
        .values("sales_channel", "method")
        .annotate(orders=CountOf("pk"), revenue=Sum("grand_total"))
        .order_by()
    )
    for row in by_channel:
        method = row["method"] or UNKNOWN
        yield Fact("sales.revenue", "", row["revenue"], row["orders"])
        yield Fact("sales.by_channel", row["sales_channel"], row["revenue"], row["orders"])
        yield Fact("sales.by_method", method, row["revenue"], row["orders"])
    units = OrderLine.objects.filter(order__in=orders.values("pk")).aggregate(
        units=Sum("quantity"), lines=CountOf("pk")
    )
    if units["lines"]:
        yield Fact("sales.units", "", units["units"], units["lines"])
    start, end = day_bounds(day)
    carts = Cart.objects.filter(created_at__gte=start, created_at__lt=end).count()
    web_orders = Order.objects.filter(
        placed_at__gte=start, placed_at__lt=end, channel=Order.Channel.WEB
    ).count()
    yield Fact("sales.carts", "", 0, carts)
    yield Fact("sales.web_orders", "", 0, web_orders)


SECTION = Section(
    slug="sales",
    title=_("Sales"),
    description=_(
        "Orders placed that became sales (paid, not cancelled): revenue, orders, average ticket "
        "and units, by channel and payment method; and carts that became orders."
    ),
    collect=collect_sales,
    order=10,
    icon="cart-check",
    charts=(
        Chart(
            slug="revenue",
            title=_("Revenue"),
            unit=Unit.BRL,
            series=(Series(_("Revenue"), Total("sales.revenue")),),
        ),
        Chart(
            slug="orders",
            title=_("Orders"),
            kind="bar",
            series=(Series(_("Orders"), Count("sales.revenue")),),
        ),
        Chart(
            slug="average-ticket",
            title=_("Average ticket"),
            unit=Unit.BRL,
            series=(Series(_("Average ticket"), Mean("sales.revenue")),),
        ),
        Chart(
            slug="units",
            title=_("Units sold"),
            kind="bar",
            unit=Unit.NUMBER,
            series=(Series(_("Units"), Total("sales.units")),),
        ),
        Chart(
            slug="channels",
            title=_("By channel"),
            by="key",
            kind="bar",
            unit=Unit.BRL,
            key_labels=CHANNEL_LABELS,
            series=(Series(_("Revenue"), Total("sales.by_channel")),),
        ),
        Chart(
            slug="channel-orders",
            title=_("Orders by channel"),
            by="key",
            kind="bar",
            key_labels=CHANNEL_LABELS,
            series=(Series(_("Orders"), Count("sales.by_channel")),),
        ),
        Chart(
            slug="methods",
            title=_("By payment method"),
            by="key",
            kind="bar",
            unit=Unit.BRL,
            key_labels=method_label,
            series=(Series(_("Revenue"), Total("sales.by_method")),),
        ),
        Chart(
            slug="conversion",
            title=_("Cart to order conversion (web store)"),
            unit=Unit.PERCENT,
            series=(
                Series(_("Orders per cart created"), Ratio(Count("sales.web_orders"), Count("sales.carts"))),
            ),
            help_text=_("Orders placed in the web store over carts created the same day."),
        ),
    ),
)
