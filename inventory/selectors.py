from dataclasses import dataclass

from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from inventory.models import Reservation, ReservationAllocation, StockLevel, StockMovement, StockQuant


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
        if quant.on_hand != quant.ledger_on_hand:
            found.append(
                Discrepancy(
                    quant.level_id,
                    quant.level.variant.sku,
                    quant.level.warehouse.code,
                    f"{where} vs ledger",
                    quant.on_hand,
                    quant.ledger_on_hand,
                )
            )
        if quant.allocated != quant.promised:
            found.append(
                Discrepancy(
                    quant.level_id,
                    quant.level.variant.sku,
                    quant.level.warehouse.code,
                    f"{where} allocated vs allocations",
                    quant.allocated,
                    quant.promised,
                )
            )
    return found
