from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from inventory.models import (
    Lot,
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderRule,
    Reservation,
    ReservationAllocation,
    StockCount,
    StockLevel,
    StockMovement,
    StockQuant,
    Supplier,
    Transfer,
    TransferLine,
)
from storefront.catalog.models import Variant


def sellable(today: date | None = None) -> Q:
    """Quants whose units may be sold: in a bin that sells, with no lot or a lot not past its
    expiry date."""
    today = today or timezone.localdate()
    return Q(bin__is_sellable=True) & (
        Q(lot__isnull=True) | Q(lot__expires_on__isnull=True) | Q(lot__expires_on__gte=today)
    )


def sellable_on_hand(*, level_ids: Iterable[int], today: date | None = None) -> dict[int, int]:
    """Units on hand per stock level that may be sold (expired lots left out)."""
    return dict(
        StockQuant.objects.filter(sellable(today), level_id__in=list(level_ids))
        .values_list("level_id")
        .annotate(units=Sum("on_hand"))
        .order_by()
    )


@dataclass(frozen=True)
class Discrepancy:
    """A stock figure that disagrees with what should add up to it."""

    level_id: int
    sku: str
    warehouse: str
    what: str
    recorded: int
    expected: int


def _grouped_total(model, *, outer: str, field: str, **filters) -> Coalesce:
    """The sum of `field` over the `model` rows pointing at the outer row through `outer`, 0 when none."""
    rows = (
        model.objects.filter(**{outer: OuterRef("pk")}, **filters)
        .order_by()
        .values(outer)
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def stock_discrepancies(*, level_ids: list[int]) -> list[Discrepancy]:
    """Every way these stock levels, and their bins and lots, disagree with the ledger and
    with the holds on them. An empty list means all adds up:

    - on hand and reserved of a level equal the sums of its movements;
    - on hand of a level equals the units in its bins and lots;
    - units in a bin and lot equal the sum of the movements that put them there or took them;
    - reserved equals what open reservations hold; allocated units equal their allocations.
    """
    held = (Reservation.Status.ACTIVE, Reservation.Status.ALLOCATED)
    levels = (
        StockLevel.objects.filter(pk__in=level_ids)
        .select_related("variant", "warehouse")
        .annotate(
            ledger_on_hand=_grouped_total(StockMovement, outer="level", field="on_hand_change"),
            ledger_reserved=_grouped_total(StockMovement, outer="level", field="reserved_change"),
            quants_on_hand=_grouped_total(StockQuant, outer="level", field="on_hand"),
            holds=_grouped_total(Reservation, outer="level", field="quantity", status__in=held),
        )
        .order_by("pk")
    )
    found = []
    for level in levels:
        checks = (
            ("on hand vs ledger", level.on_hand, level.ledger_on_hand),
            ("reserved vs ledger", level.reserved, level.ledger_reserved),
            ("on hand vs bins", level.on_hand, level.quants_on_hand),
            ("reserved vs reservations", level.reserved, level.holds),
        )
        found += [
            Discrepancy(level.pk, level.variant.sku, level.warehouse.code, what, recorded, expected)
            for what, recorded, expected in checks
            if recorded != expected
        ]
    quants = (
        StockQuant.objects.filter(level_id__in=level_ids)
        .select_related("level__variant", "level__warehouse", "bin", "lot")
        .annotate(
            ledger_on_hand=_grouped_total(StockMovement, outer="quant", field="on_hand_change"),
            promised=_grouped_total(ReservationAllocation, outer="quant", field="quantity"),
        )
        .filter(~Q(on_hand=F("ledger_on_hand")) | ~Q(allocated=F("promised")))
        .order_by("pk")
    )
    for quant in quants:
        where = f"bin {quant.bin.code}" + (f", lot {quant.lot.code}" if quant.lot else "")
        checks = (
            (f"{where} vs ledger", quant.on_hand, quant.ledger_on_hand),
            (f"{where} allocated vs allocations", quant.allocated, quant.promised),
        )
        found += [
            Discrepancy(
                quant.level_id, quant.level.variant.sku, quant.level.warehouse.code, what, recorded, expected
            )
            for what, recorded, expected in checks
            if recorded != expected
        ]
    return found


def _with_free(levels: QuerySet[StockLevel]) -> QuerySet[StockLevel]:
    """Levels with `free`: units that may be sold (expired lots left out) minus those reserved."""
    sellable_units = (
        StockQuant.objects.filter(sellable(), level=OuterRef("pk"))
        .order_by()
        .values("level")
        .annotate(units=Sum("on_hand"))
        .values("units")
    )
    return levels.annotate(
        free=Coalesce(Subquery(sellable_units, output_field=IntegerField()), Value(0)) - F("reserved")
    )


def stock_search(*, query: str = "", warehouse_id: int | None = None) -> QuerySet[Variant]:
    """Variants by exact SKU or EAN, or by product name, with their stock per warehouse; for
    the back-office stock search (paginate the result)."""
    variants = Variant.objects.select_related("product").order_by("product__name", "sku")
    query = query.strip()
    if query:
        variants = variants.filter(
            Q(sku__in={query, query.upper()}) | Q(ean=query) | Q(product__name__icontains=query)
        )
    else:
        variants = variants.filter(stock_levels__isnull=False).distinct()
    levels = _with_free(StockLevel.objects.select_related("warehouse").order_by("warehouse__code"))
    if warehouse_id:
        levels = levels.filter(warehouse_id=warehouse_id)
        variants = variants.filter(stock_levels__warehouse_id=warehouse_id)
    return variants.prefetch_related(Prefetch("stock_levels", queryset=levels, to_attr="levels"))


def stock_item(*, variant_id: int) -> Variant:
    """One variant with its stock per warehouse, bin and lot, and what is in transit to where."""
    quants = (
        StockQuant.objects.filter(on_hand__gt=0)
        .select_related("bin", "lot")
        .order_by("bin__position", "bin__code")
    )
    levels = _with_free(
        StockLevel.objects.select_related("warehouse")
        .prefetch_related(Prefetch("quants", queryset=quants, to_attr="placed"))
        .order_by("warehouse__code")
    )
    variant = (
        Variant.objects.select_related("product")
        .prefetch_related(Prefetch("stock_levels", queryset=levels, to_attr="levels"))
        .get(pk=variant_id)
    )
    in_transit = dict(
        TransferLine.objects.filter(variant_id=variant_id, transfer__status=Transfer.Status.IN_TRANSIT)
        .values_list("transfer__destination_id")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    for level in variant.levels:
        level.in_transit = in_transit.get(level.warehouse_id, 0)
    return variant


def stock_movements_for_variant(*, variant_id: int) -> QuerySet[StockMovement]:
    """The ledger of a variant, newest first (paginate the result)."""
    return (
        StockMovement.objects.filter(level__variant_id=variant_id)
        .select_related("level__warehouse", "quant__bin", "quant__lot")
        .order_by("-created_at", "-pk")
    )


def lots_expiring(*, within_days: int, warehouse_id: int | None = None) -> QuerySet[StockQuant]:
    """Units in lots that expire within the days given (or have expired), first to expire first."""
    until = timezone.localdate() + timedelta(days=within_days)
    quants = StockQuant.objects.filter(on_hand__gt=0, lot__expires_on__lte=until)
    if warehouse_id:
        quants = quants.filter(level__warehouse_id=warehouse_id)
    return quants.select_related("lot", "bin", "level__variant__product", "level__warehouse").order_by(
        "lot__expires_on", "level__warehouse__code", "bin__position"
    )


OPEN_PURCHASES = (PurchaseOrder.Status.ORDERED, PurchaseOrder.Status.PARTIALLY_RECEIVED)


def replenishment_needs(*, warehouse_id: int | None = None) -> QuerySet[ReorderRule]:
    """Reorder rules whose variant fell below its minimum, counting what is free to sell,
    what suppliers still owe and what is on its way from another warehouse; each with the
    quantity to order to reach the maximum (`suggested`)."""
    level = _with_free(
        StockLevel.objects.filter(variant=OuterRef("variant"), warehouse=OuterRef("warehouse"))
    )
    incoming = PurchaseOrderLine.objects.filter(
        variant=OuterRef("variant"),
        purchase_order__warehouse=OuterRef("warehouse"),
        purchase_order__status__in=OPEN_PURCHASES,
    )
    transit = TransferLine.objects.filter(
        variant=OuterRef("variant"),
        transfer__destination=OuterRef("warehouse"),
        transfer__status=Transfer.Status.IN_TRANSIT,
    )

    def total(rows, expression):
        # Grouped by the variant the outer rule names: one row, the sum for that rule.
        summed = rows.order_by().values("variant").annotate(value=expression).values("value")
        return Coalesce(Subquery(summed[:1], output_field=IntegerField()), Value(0))

    rules = ReorderRule.objects.annotate(
        free=total(level, Sum("free")),
        incoming=total(incoming, Sum(Greatest(F("quantity_ordered") - F("quantity_received"), Value(0)))),
        in_transit=total(transit, Sum("quantity")),
    ).annotate(projected=F("free") + F("incoming") + F("in_transit"))
    if warehouse_id:
        rules = rules.filter(warehouse_id=warehouse_id)
    # A draft purchase order (not sent, so not owed yet) that already has the variant.
    drafted = PurchaseOrderLine.objects.filter(
        variant=OuterRef("variant"),
        purchase_order__warehouse=OuterRef("warehouse"),
        purchase_order__status=PurchaseOrder.Status.DRAFT,
    ).order_by("-purchase_order_id")
    return (
        rules.filter(projected__lt=F("minimum"))
        .annotate(
            suggested=F("maximum") - F("projected"),
            draft_id=Subquery(drafted.values("purchase_order_id")[:1]),
        )
        .select_related("variant__product", "warehouse", "supplier")
        .order_by("warehouse__code", "variant__sku")
    )


def variant_ids_by_sku(*, skus: list[str]) -> dict[str, int]:
    """Variant ids of the SKUs that exist, by SKU."""
    return dict(Variant.objects.filter(sku__in=skus).values_list("sku", "pk"))


def purchase_orders_open() -> QuerySet[PurchaseOrder]:
    """Purchase orders still expected, by expected date (paginate the result)."""
    return (
        PurchaseOrder.objects.filter(status__in=OPEN_PURCHASES)
        .select_related("supplier", "warehouse")
        .prefetch_related("lines")
        .order_by("expected_on", "pk")
    )


def stock_counts_recent() -> QuerySet[StockCount]:
    return StockCount.objects.select_related("warehouse", "bin").order_by("-created_at", "-pk")


def stock_count_lines(*, count) -> list:
    """A count's lines with what was on hand when counted and the difference the count makes."""
    lines = list(
        count.lines.select_related("quant__level__variant__product", "quant__bin", "quant__lot").order_by(
            "quant__bin__position", "quant__level__variant__sku"
        )
    )
    for line in lines:
        line.difference = line.counted - line.expected
    return lines


def transfers_recent() -> QuerySet[Transfer]:
    return (
        Transfer.objects.select_related("source", "destination")
        .prefetch_related("lines__variant")
        .order_by("-created_at", "-pk")
    )


def lots_shipped(*, reference: str, variant_id: int) -> list[Lot]:
    """The lots units of a variant left in for `reference` (order:<id>), first to expire
    first: where units a customer sends back belong."""
    return list(
        Lot.objects.filter(
            quants__movements__reference=reference,
            quants__movements__kind=StockMovement.Kind.SHIP,
            variant_id=variant_id,
        )
        .distinct()
        .order_by("expires_on", "pk")
    )


# Purchasing: drafting, sending and following purchase orders.

PURCHASE_ORDERS_PENDING = (PurchaseOrder.Status.DRAFT, *OPEN_PURCHASES)


def purchase_order_list(*, status: str = "", supplier_id: int | None = None) -> QuerySet[PurchaseOrder]:
    """Purchase orders newest first, by status and supplier when given, each with its number
    of lines (`line_count`) and its value (`total`) (paginate the result)."""
    lines = (
        PurchaseOrderLine.objects.filter(purchase_order=OuterRef("pk")).order_by().values("purchase_order")
    )
    orders = PurchaseOrder.objects.all()
    if status:
        orders = orders.filter(status=status)
    if supplier_id:
        orders = orders.filter(supplier_id=supplier_id)
    return (
        orders.select_related("supplier", "warehouse")
        .annotate(
            line_count=Coalesce(
                Subquery(lines.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
            ),
            total=Coalesce(
                Subquery(
                    lines.annotate(value=Sum(F("quantity_ordered") * F("unit_cost"))).values("value"),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                ),
                Value(0, output_field=DecimalField(max_digits=14, decimal_places=2)),
            ),
        )
        .order_by("-pk")
    )


def purchase_order_get(*, pk: int) -> PurchaseOrder:
    """One purchase order with its lines, their variants and products, and its value (`total`).
    Raises PurchaseOrder.DoesNotExist."""
    lines = PurchaseOrderLine.objects.select_related("variant__product").order_by("pk")
    order = (
        PurchaseOrder.objects.select_related("supplier", "warehouse")
        .prefetch_related(Prefetch("lines", queryset=lines, to_attr="line_list"))
        .get(pk=pk)
    )
    for line in order.line_list:
        line.value = line.quantity_ordered * line.unit_cost
    order.total = sum((line.value for line in order.line_list), 0)
    # Staff are recorded as "staff:<email>": the page shows the email.
    order.created_by_name = order.created_by.partition(":")[2] or order.created_by
    order.sent_by_name = order.sent_by.partition(":")[2] or order.sent_by
    return order


def supplier_list() -> QuerySet[Supplier]:
    """Suppliers by name, each with how many of its purchase orders are drafts or still
    expected (`pending`) (paginate the result)."""
    pending = (
        PurchaseOrder.objects.filter(supplier=OuterRef("pk"), status__in=PURCHASE_ORDERS_PENDING)
        .order_by()
        .values("supplier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Supplier.objects.annotate(
        pending=Coalesce(Subquery(pending, output_field=IntegerField()), Value(0))
    ).order_by("name", "pk")


def variants_for_purchase(*, query: str, limit: int = 8) -> list[Variant]:
    """Variants to put on a purchase order: by exact SKU or EAN first, else by product name;
    at most `limit`, nothing for fewer than two characters."""
    query = query.strip()
    if len(query) < 2:
        return []
    variants = Variant.objects.select_related("product").order_by("product__name", "sku")
    exact = list(variants.filter(Q(sku__iexact=query) | Q(ean=query))[:limit])
    return exact or list(variants.filter(product__name__icontains=query)[:limit])


def variant_by_code(*, code: str) -> Variant | None:
    """The variant with this exact SKU (any case) or EAN, if one."""
    code = code.strip()
    if not code:
        return None
    return Variant.objects.filter(Q(sku__iexact=code) | Q(ean=code)).select_related("product").first()
