"""Cycle counts: staff enter what they counted (on screen or from a CSV file), see the
differences, and someone allowed to approve applies them as adjustments."""

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.exceptions import DomainError
from core.storable_text import UNSTORABLE_FILE_MESSAGE, UnstorableLine, uploaded_text
from inventory.exceptions import (
    CountFileRejected,
    CountShortOfPromised,
    DocumentClosed,
    InvalidQuantity,
    NotEnoughStock,
    NotStockedHere,
)
from inventory.locks import lock_document, lock_stock_levels, lock_stock_quants
from inventory.models import (
    STOCK_COUNT_TRANSITIONS,
    Bin,
    StockCount,
    StockCountLine,
    StockLevel,
    StockMovement,
    StockQuant,
    Warehouse,
)
from inventory.selectors import sellable_on_hand
from inventory.services.stock import document_transition, stock_apply, stock_sync_online


@transaction.atomic
def stock_count_open(*, warehouse: Warehouse, actor: Actor, bin: Bin | None = None) -> StockCount:
    """Start counting a warehouse, or one bin of it."""
    actor.require_perm("inventory.count_stock")
    if bin is not None and bin.warehouse_id != warehouse.pk:
        raise NotStockedHere(sku=bin.code, place=str(warehouse))
    return StockCount.objects.create(warehouse=warehouse, bin=bin, created_by=actor.label)


@dataclass(frozen=True)
class CountedLine:
    """What was counted of a SKU in a bin (and lot)."""

    sku: str
    bin_code: str
    counted: int
    lot_code: str = ""


# More than this in one bin is a typo, not a count.
MAX_COUNTED = 1_000_000


def _quants_counted(*, count: StockCount, lines: list[CountedLine]) -> list[StockQuant | DomainError]:
    """For each counted line, in order, the bin and lot it is about, or why it cannot be
    counted here: the SKU must be stocked in that bin (and lot) of the count's warehouse, and
    in the count's bin when it has one. One query for all the lines."""
    quants = StockQuant.objects.filter(
        level__warehouse=count.warehouse, level__variant__sku__in={line.sku for line in lines}
    ).select_related("level__variant", "bin", "lot")
    by_place = {
        (quant.level.variant.sku, quant.bin.code, quant.lot.code if quant.lot else ""): quant
        for quant in quants
    }
    found: list[StockQuant | DomainError] = []
    for line in lines:
        place = f"{count.warehouse.code} {line.bin_code}" + (f" / {line.lot_code}" if line.lot_code else "")
        quant = by_place.get((line.sku, line.bin_code, line.lot_code))
        if not isinstance(line.counted, int) or not 0 <= line.counted <= MAX_COUNTED:
            found.append(InvalidQuantity())
        elif quant is None or (count.bin is not None and line.bin_code != count.bin.code):
            found.append(NotStockedHere(sku=line.sku, place=place))
        else:
            found.append(quant)
    return found


def _count_lines_write(*, count: StockCount, lines: list[CountedLine], quants: list[StockQuant]) -> None:
    """Record counted quantities with what was on hand when counted; counting a bin and lot
    again replaces the earlier entry."""
    existing = {line.quant_id: line for line in count.lines.all()}
    new, changed = [], []
    for line, quant in zip(lines, quants, strict=True):
        recorded = existing.get(quant.pk)
        if recorded is None:
            recorded = StockCountLine(count=count, quant=quant)
            existing[quant.pk] = recorded
            new.append(recorded)
        elif recorded not in changed and recorded not in new:
            changed.append(recorded)
        recorded.counted, recorded.expected = line.counted, quant.on_hand
    StockCountLine.objects.bulk_create(new)
    StockCountLine.objects.bulk_update(changed, ["counted", "expected", "updated_at"])


@transaction.atomic
def stock_count_record(*, count_id: int, lines: list[CountedLine], actor: Actor) -> int:
    """Record counted quantities, all or nothing; return how many lines were recorded.
    Raises DocumentClosed, NotStockedHere or InvalidQuantity."""
    actor.require_perm("inventory.count_stock")
    count = lock_document(StockCount, count_id)
    if count.status != StockCount.Status.OPEN:
        raise DocumentClosed()
    found = _quants_counted(count=count, lines=lines)
    problem = next((item for item in found if isinstance(item, DomainError)), None)
    if problem is not None:
        raise problem
    _count_lines_write(count=count, lines=lines, quants=found)
    return len(lines)


COUNT_FILE_COLUMNS = ("sku", "bin", "lot", "counted")
MAX_COUNT_FILE_ROWS = 20_000


def _count_file_rows(content: bytes) -> list[dict[str, str]]:
    """The rows of a count file as dicts by column; comma or semicolon separated, UTF-8 with
    or without BOM. Raises CountFileRejected for a file that is not such a table."""
    try:
        text = uploaded_text(content)
    except UnicodeDecodeError as error:
        raise CountFileRejected(errors=[(1, _("The file is not UTF-8 text."))]) from error
    except UnstorableLine as error:
        raise CountFileRejected(errors=[(error.line, UNSTORABLE_FILE_MESSAGE)]) from error
    header = text.lstrip().splitlines()[0] if text.strip() else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        rows = list(csv.DictReader(io.StringIO(text.lstrip()), delimiter=delimiter))
    except csv.Error as error:
        raise CountFileRejected(errors=[(1, _("The file is not a CSV table."))]) from error
    columns = [column.strip().lower() for column in (header.split(delimiter) if header else [])]
    missing = [column for column in COUNT_FILE_COLUMNS if column not in columns]
    if missing:
        raise CountFileRejected(
            errors=[(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]
        )
    if not rows:
        raise CountFileRejected(errors=[(1, _("The file has no rows."))])
    if len(rows) > MAX_COUNT_FILE_ROWS:
        raise CountFileRejected(
            errors=[(1, _("A file holds at most %(rows)s rows.") % {"rows": MAX_COUNT_FILE_ROWS})]
        )
    return [
        {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()} for row in rows
    ]


def stock_count_import(*, count_id: int, content: bytes, actor: Actor) -> int:
    """Record a CSV file of counted quantities (columns sku, bin, lot, counted). The whole file
    is checked first: one bad row refuses it all, with every bad row and its reason
    (CountFileRejected)."""
    rows = _count_file_rows(content)
    count = StockCount.objects.select_related("warehouse", "bin").get(pk=count_id)
    lines, errors = [], []
    for number, row in enumerate(rows, start=2):
        raw = row.get("counted", "")
        if not (raw.isdecimal() and len(raw) <= len(str(MAX_COUNTED))):
            errors.append((number, _("“%(value)s” is not a whole number of units.") % {"value": raw[:20]}))
            continue
        lines.append(
            (
                number,
                CountedLine(
                    sku=row.get("sku", ""),
                    bin_code=row.get("bin", ""),
                    lot_code=row.get("lot", ""),
                    counted=int(raw),
                ),
            )
        )
    found = _quants_counted(count=count, lines=[line for _number, line in lines])
    errors += [
        (number, str(item.message))
        for (number, _line), item in zip(lines, found, strict=True)
        if isinstance(item, DomainError)
    ]
    if errors:
        raise CountFileRejected(errors=sorted(errors))
    return stock_count_record(count_id=count_id, lines=[line for _number, line in lines], actor=actor)


@transaction.atomic
def stock_count_apply(*, count_id: int, actor: Actor) -> StockCount:
    """Apply the differences of a count as COUNT movements, recording what was on hand and who
    approved. Raises DocumentClosed or CountShortOfPromised (nothing is applied)."""
    actor.require_perm("inventory.approve_count")
    count = lock_document(StockCount, count_id)
    lines = list(count.lines.select_related("quant__level__variant").order_by("quant__level_id", "quant_id"))
    lock_stock_levels(ids={line.quant.level_id for line in lines})
    lock_stock_quants(ids={line.quant_id for line in lines})
    document_transition(
        document=count,
        to=StockCount.Status.APPLIED,
        transitions=STOCK_COUNT_TRANSITIONS,
        approved_by=actor.label,
        approved_at=timezone.now(),
    )
    for line in lines:
        # What was counted replaces what was on hand then; moves made since still count.
        difference = line.counted - line.expected
        if not difference:
            continue
        try:
            stock_apply(
                level=line.quant.level,
                quant=line.quant,
                kind=StockMovement.Kind.COUNT,
                on_hand=difference,
                actor=actor,
                reference=f"count:{count.pk}",
                reason=str(count),
            )
        except NotEnoughStock as error:
            raise CountShortOfPromised(sku=line.quant.level.variant.sku) from error
    levels = {line.quant.level_id: line.quant.level for line in lines}
    sellable = sellable_on_hand(level_ids=list(levels))
    for level in StockLevel.objects.filter(pk__in=list(levels)).select_related("variant"):
        if sellable.get(level.pk, 0) < level.reserved:  # orders would hold units that cannot be sold
            raise CountShortOfPromised(sku=level.variant.sku)
    stock_sync_online(variant_ids={level.variant_id for level in levels.values()})
    return count


@transaction.atomic
def stock_count_cancel(*, count_id: int, actor: Actor) -> StockCount:
    actor.require_perm("inventory.count_stock")
    count = lock_document(StockCount, count_id)
    document_transition(document=count, to=StockCount.Status.CANCELLED, transitions=STOCK_COUNT_TRANSITIONS)
    return count
