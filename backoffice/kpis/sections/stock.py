"""Stock: how fast stock turns, which selling items ran out, and what the stock is worth.

Figures of one São Paulo day. Past days are rebuilt from the stock ledger: the units of a
stock level (or of a bin and lot) at the end of a day are the units now minus the ledger's
changes since (`StockMovement.created_at` on or after the next day's start). Values use each
variant's cost price as it is now (the catalog keeps no history of it); units of variants
with no cost price count as units but add no value.

- `stock.units_shipped`, key = warehouse code: units that left with shipments that day
  (ledger rows of kind "ship"); total = units, count = ledger rows.
- `stock.on_hand`: units on hand in every warehouse at the end of the day; count = 1, so
  `Mean` over a range is the average stock and `Mean` over one day the day's stock. Turnover
  over a range is units shipped / average on hand.
- `stock.value` (all warehouses) and `stock.value_by_warehouse` (key = warehouse code): on
  hand times cost price at the end of the day; count = 1 (a daily snapshot: `Mean`, never `Total`).
- `stock.uncosted_units`, key = warehouse code: units at the end of the day of variants with
  no cost price, left out of the value; count = 1.
- `stock.stockouts`, key = the variant's SKU: variants on sale, sold (on orders placed and not
  cancelled) in the SELLING_DAYS days up to and including the day, whose online stock (units
  the warehouses that sell online could sell: sellable bins, lots not expired, less
  reservations) was nothing at some moment of the day; total = 1, count = 1. Found from the
  other end, so that a day never reads a month of orders: the variants whose online stock was
  nothing at some moment (the catalog's `stock_online` for those whose stock did not move
  since, the ledger replayed for the others), then which of them sold.
- `stock.expiring_value`, key = warehouse code: units at the end of the day in lots expiring
  in the next EXPIRY_DAYS days (after the day, up to day + EXPIRY_DAYS) times cost price;
  total = value, count = units.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.kpis.dashboards import Chart, Mean, Ratio, Section, Series, Total, Unit
from backoffice.kpis.dashboards import Count as Counted
from backoffice.kpis.facts import Fact, day_bounds, since_carried
from inventory.models import StockLevel, StockMovement, StockQuant, Warehouse
from orders.models import Order, OrderLine
from storefront.catalog.models import Variant

PREFIX = "stock."
SELLING_DAYS = 30
EXPIRY_DAYS = 30
ZERO = Decimal(0)


def _ledger(start: datetime, end: datetime | None):
    """Ledger rows stamped from `start`, up to `end` when given."""
    rows = StockMovement.objects.filter(created_at__gte=start)
    return rows.filter(created_at__lt=end) if end else rows


def _changes_since(moment: datetime, *, by: str, **filters) -> dict:
    """Units (and their value at cost) that entered (+) or left (-) since `moment`, per `by`."""

    def read(start: datetime, end: datetime | None) -> dict:
        return {
            row[by]: (row["units"] or 0, row["value"] or ZERO)
            for row in _ledger(start, end)
            .filter(**filters)
            .exclude(on_hand_change=0)
            .values(by)
            .annotate(
                units=Sum("on_hand_change"),
                value=Sum(F("on_hand_change") * F("level__variant__cost_price")),
            )
            .order_by()
        }

    return since_carried(f"{PREFIX}changes:{by}:{sorted(filters)}", moment, read)


def on_hand_facts(end: datetime) -> Iterator[Fact]:
    now = {
        row["warehouse__code"]: row
        for row in StockLevel.objects.values("warehouse__code")
        .annotate(
            units=Sum("on_hand"),
            value=Sum(F("on_hand") * F("variant__cost_price")),
            uncosted=Sum("on_hand", filter=Q(variant__cost_price__isnull=True)),
        )
        .order_by()
    }
    since = _changes_since(end, by="level__warehouse__code")
    uncosted_since = _changes_since(end, by="level__warehouse__code", level__variant__cost_price__isnull=True)
    units_all, value_all = 0, ZERO
    for code in sorted(set(now) | set(since)):
        row = now.get(code, {})
        units_after, value_after = since.get(code, (0, ZERO))
        units = (row.get("units") or 0) - units_after
        value = (row.get("value") or ZERO) - value_after
        uncosted = (row.get("uncosted") or 0) - uncosted_since.get(code, (0, ZERO))[0]
        units_all, value_all = units_all + units, value_all + value
        yield Fact(f"{PREFIX}value_by_warehouse", code, value, 1)
        if uncosted:
            yield Fact(f"{PREFIX}uncosted_units", code, Decimal(uncosted), 1)
    yield Fact(f"{PREFIX}on_hand", "", Decimal(units_all), 1)
    yield Fact(f"{PREFIX}value", "", value_all, 1)


def shipped_facts(start: datetime, end: datetime) -> Iterator[Fact]:
    rows = (
        StockMovement.objects.filter(kind=StockMovement.Kind.SHIP, created_at__gte=start, created_at__lt=end)
        .values_list("level__warehouse__code")
        .annotate(units=Sum("on_hand_change"), rows=Count("pk"))
        .order_by()
    )
    for code, units, count in rows:
        yield Fact(f"{PREFIX}units_shipped", code, Decimal(-units), count)


def _online_moves_since(moment: datetime):
    return StockMovement.objects.filter(created_at__gte=moment, level__warehouse__sells_online=True)


def _online_reserved_since(moment: datetime) -> dict[tuple[int, int], int]:
    """Units reserved (+) or let go (-) since `moment` per online (level, variant) that moved."""

    def read(start: datetime, end: datetime | None) -> dict:
        return {
            (level_id, variant_id): reserved or 0
            for level_id, variant_id, reserved in _ledger(start, end)
            .filter(level__warehouse__sells_online=True)
            .values_list("level_id", "level__variant_id")
            .annotate(reserved=Sum("reserved_change"))
            .order_by()
        }

    return since_carried(f"{PREFIX}online_reserved", moment, read)


def _online_quant_changes_since(moment: datetime) -> dict[int, int]:
    """Units that entered (+) or left (-) each online bin and lot since `moment`."""

    def read(start: datetime, end: datetime | None) -> dict:
        return dict(
            _ledger(start, end)
            .filter(level__warehouse__sells_online=True)
            .exclude(quant=None)
            .values_list("quant_id")
            .annotate(units=Sum("on_hand_change"))
            .order_by()
        )

    return since_carried(f"{PREFIX}online_quant_changes", moment, read)


def _out_of_stock_during(day: date, start: datetime, end: datetime) -> set[int]:
    """Active variants whose online stock could sell nothing at some moment of the day.

    A variant whose online stock did not move since the day started has had, all along, what
    the catalog says it has now (`Variant.stock_online`). The others are rebuilt from the
    ledger: their units at the start of the day (now, less what moved since, added up by the
    database), then the day's movements one by one."""
    reserved_since = {
        level_id: (variant_id, reserved)
        for (level_id, variant_id), reserved in _online_reserved_since(start).items()
    }
    moved = {variant_id for variant_id, _reserved in reserved_since.values()}
    out = set(Variant.objects.filter(is_active=True, stock_online=0).values_list("pk", flat=True)) - moved
    if out and day < timezone.localdate():
        # Lots that expired after the day still had units to sell on it.
        out -= set(
            StockQuant.objects.filter(
                on_hand__gt=0,
                lot__expires_on__gte=day,
                lot__expires_on__lt=timezone.localdate(),
                level__warehouse__sells_online=True,
                bin__is_sellable=True,
            ).values_list("level__variant_id", flat=True)
        )
    if not moved:
        return out
    levels = {
        pk: [variant_id, reserved - reserved_since.get(pk, (0, 0))[1]]
        for pk, variant_id, reserved in StockLevel.objects.filter(
            variant_id__in=moved, warehouse__sells_online=True, variant__is_active=True
        ).values_list("pk", "variant_id", "reserved")
    }
    on_hand_since = _online_quant_changes_since(start)
    # Units each level could sell at the start of the day (a sellable bin, a lot not expired).
    sellable: dict[int, int] = defaultdict(int)
    counted_quants = set()
    for pk, level_id, on_hand, bin_sells, expires_on in StockQuant.objects.filter(
        level_id__in=list(levels)
    ).values_list("pk", "level_id", "on_hand", "bin__is_sellable", "lot__expires_on"):
        if bin_sells and (expires_on is None or expires_on >= day):
            sellable[level_id] += on_hand - on_hand_since.get(pk, 0)
            counted_quants.add(pk)
    variant_levels: dict[int, list[int]] = defaultdict(list)
    for level_id, (variant_id, _reserved) in levels.items():
        variant_levels[variant_id].append(level_id)

    def online(variant_id: int) -> int:
        return sum(
            max(sellable[level_id] - levels[level_id][1], 0) for level_id in variant_levels[variant_id]
        )

    lowest = {variant_id: online(variant_id) for variant_id in variant_levels}
    day_moves = (
        _online_moves_since(start)
        .filter(created_at__lt=end, level_id__in=list(levels))
        .order_by("created_at", "pk")
        .values_list("level_id", "quant_id", "on_hand_change", "reserved_change")
    )
    for level_id, quant_id, on_hand_change, reserved_change in day_moves:
        levels[level_id][1] += reserved_change
        if quant_id in counted_quants:
            sellable[level_id] += on_hand_change
        variant_id = levels[level_id][0]
        lowest[variant_id] = min(lowest[variant_id], online(variant_id))
    return out | {variant_id for variant_id, units in lowest.items() if units <= 0}


def stockout_facts(day: date, start: datetime, end: datetime) -> Iterator[Fact]:
    out = _out_of_stock_during(day, start, end)
    if not out:
        return
    window_start, _end = day_bounds(day - timedelta(days=SELLING_DAYS - 1))
    skus = (
        OrderLine.objects.filter(
            variant_id__in=out, order__placed_at__gte=window_start, order__placed_at__lt=end
        )
        .exclude(order__status=Order.Status.CANCELLED)
        .values_list("variant__sku", flat=True)
        .order_by()
        .distinct()
    )
    for sku in sorted(skus):
        yield Fact(f"{PREFIX}stockouts", sku, Decimal(1), 1)


def expiring_facts(day: date, end: datetime) -> Iterator[Fact]:
    quants = {
        pk: [code, on_hand, cost]
        for pk, code, on_hand, cost in StockQuant.objects.filter(
            lot__expires_on__gt=day, lot__expires_on__lte=day + timedelta(days=EXPIRY_DAYS)
        ).values_list("pk", "level__warehouse__code", "on_hand", "level__variant__cost_price")
    }
    since = (
        StockMovement.objects.filter(quant_id__in=list(quants), created_at__gte=end)
        .values_list("quant_id")
        .annotate(units=Sum("on_hand_change"))
        .order_by()
    )
    for quant_id, units in since:
        quants[quant_id][1] -= units
    figures: dict[str, list] = defaultdict(lambda: [ZERO, 0])
    for code, on_hand, cost in quants.values():
        if on_hand > 0:
            figures[code][0] += on_hand * (cost or ZERO)
            figures[code][1] += on_hand
    for code, (value, units) in sorted(figures.items()):
        yield Fact(f"{PREFIX}expiring_value", code, value, units)


def collect_stock(day: date) -> Iterator[Fact]:
    start, end = day_bounds(day)
    yield from shipped_facts(start, end)
    yield from on_hand_facts(end)
    yield from stockout_facts(day, start, end)
    yield from expiring_facts(day, end)


def warehouse_label(code: str) -> str:
    warehouse = Warehouse.objects.filter(code=code).first()
    return warehouse.name if warehouse else code or "—"


SECTION = Section(
    slug="stock",
    title=_("Stock"),
    description=_(
        "How fast stock turns, which items that sell ran out online, and what the stock on hand "
        "and the lots about to expire are worth at cost."
    ),
    collect=collect_stock,
    order=60,
    icon="box-seam",
    notes=(
        _("Values use each variant's cost price as it is now; variants with no cost price add no value."),
        _("Turnover: units shipped over the average units on hand in the period."),
        _(
            "Stock-outs: variants sold in the last 30 days whose online stock could sell "
            "nothing at some moment of the day."
        ),
    ),
    charts=(
        Chart(
            slug="value",
            title=_("Value on hand at cost"),
            unit=Unit.BRL,
            series=(Series(_("Value on hand"), Mean(f"{PREFIX}value")),),
        ),
        Chart(
            slug="value-by-warehouse",
            title=_("Value on hand by warehouse (average)"),
            unit=Unit.BRL,
            by="key",
            kind="bar",
            series=(Series(_("Value on hand"), Mean(f"{PREFIX}value_by_warehouse")),),
            key_labels=warehouse_label,
        ),
        Chart(
            slug="turnover",
            title=_("Stock turnover"),
            unit=Unit.PERCENT,
            series=(
                Series(
                    _("Units shipped over the average units on hand"),
                    Ratio(Total(f"{PREFIX}units_shipped"), Mean(f"{PREFIX}on_hand")),
                ),
            ),
            help_text=_("100% means the average stock was shipped once in the period."),
        ),
        Chart(
            slug="units",
            title=_("Units shipped and on hand"),
            series=(
                Series(_("Units shipped"), Total(f"{PREFIX}units_shipped")),
                Series(_("Units on hand (average)"), Mean(f"{PREFIX}on_hand")),
            ),
        ),
        Chart(
            slug="stockouts",
            title=_("Stock-outs of items that sell"),
            kind="bar",
            series=(Series(_("Variants out of stock"), Counted(f"{PREFIX}stockouts")),),
            higher_is_better=False,
        ),
        Chart(
            slug="stockout-variants",
            title=_("Days out of stock by variant"),
            by="key",
            kind="bar",
            top=20,
            series=(Series(_("Days out of stock"), Counted(f"{PREFIX}stockouts")),),
            higher_is_better=False,
        ),
        Chart(
            slug="expiring",
            title=_("Value in lots expiring within 30 days"),
            unit=Unit.BRL,
            series=(Series(_("Expiring value"), Mean(f"{PREFIX}expiring_value")),),
            higher_is_better=False,
        ),
    ),
)
