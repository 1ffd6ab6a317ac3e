"""Cycle counts: staff enter what they counted (on screen or from a CSV file), see the
differences, and someone allowed to approve applies them as adjustments."""

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
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
    StockMovement,
    StockQuant,
    Warehouse,
)
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


def _quant_counted(*, count: StockCount, line: CountedLine) -> StockQuant:
    """The bin and lot a counted line is about; it must hold that SKU in the count's warehouse
    (and bin). Raises NotStockedHere or InvalidQuantity."""
    if not isinstance(line.counted, int) or line.counted < 0:
        raise InvalidQuantity()
    place = f"{count.warehouse.code} {line.bin_code}".strip()
    if count.bin is not None and line.bin_code != count.bin.code:
        raise NotStockedHere(sku=line.sku, place=place)
    quant = (
        StockQuant.objects.filter(
            level__warehouse=count.warehouse,
            level__variant__sku=line.sku,
            bin__code=line.bin_code,
            **({"lot__code": line.lot_code} if line.lot_code else {"lot__isnull": True}),
        )
        .select_related("level__variant", "bin", "lot")
        .first()
    )
    if quant is None:
        raise NotStockedHere(sku=line.sku, place=place + (f" / {line.lot_code}" if line.lot_code else ""))
    return quant


@transaction.atomic
def stock_count_record(*, count_id: int, lines: list[CountedLine], actor: Actor) -> int:
    """Record counted quantities (a later entry for the same bin and lot replaces the earlier),
    all or nothing; return how many lines were recorded. Raises DocumentClosed,
    NotStockedHere or InvalidQuantity."""
    actor.require_perm("inventory.count_stock")
    count = lock_document(StockCount, count_id)
    if count.status != StockCount.Status.OPEN:
        raise DocumentClosed()
    for line in lines:
        quant = _quant_counted(count=count, line=line)
        StockCountLine.objects.update_or_create(count=count, quant=quant, defaults={"counted": line.counted})
    return len(lines)


COUNT_FILE_COLUMNS = ("sku", "bin", "lot", "counted")


def stock_count_import(*, count_id: int, content: bytes, actor: Actor) -> int:
    """Record a CSV file of counted quantities (columns sku, bin, lot, counted; comma or
    semicolon). The whole file is checked first: one bad row refuses it all, with every
    bad row and its reason (CountFileRejected)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CountFileRejected(errors=[(1, _("The file is not UTF-8 text."))]) from error
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    missing = [column for column in COUNT_FILE_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise CountFileRejected(
            errors=[(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]
        )
    count = StockCount.objects.select_related("warehouse", "bin").get(pk=count_id)
    lines, errors = [], []
    for number, row in enumerate(reader, start=2):
        raw = (row.get("counted") or "").strip()
        if not raw.isdecimal():
            errors.append((number, _("“%(value)s” is not a whole number of units.") % {"value": raw}))
            continue
        line = CountedLine(
            sku=(row.get("sku") or "").strip(),
            bin_code=(row.get("bin") or "").strip(),
            lot_code=(row.get("lot") or "").strip(),
            counted=int(raw),
        )
        try:
            _quant_counted(count=count, line=line)
        except (NotStockedHere, InvalidQuantity) as error:
            errors.append((number, str(error.message)))
            continue
        lines.append(line)
    if errors:
        raise CountFileRejected(errors=errors)
    if not lines:
        raise CountFileRejected(errors=[(1, _("The file has no rows."))])
    return stock_count_record(count_id=count_id, lines=lines, actor=actor)


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
        quant = StockQuant.objects.get(pk=line.quant_id)
        line.expected = quant.on_hand
        line.save(update_fields=["expected", "updated_at"])
        difference = line.counted - quant.on_hand
        if not difference:
            continue
        try:
            stock_apply(
                level=line.quant.level,
                quant=quant,
                kind=StockMovement.Kind.COUNT,
                on_hand=difference,
                actor=actor,
                reference=f"count:{count.pk}",
                reason=str(count),
            )
        except NotEnoughStock as error:
            raise CountShortOfPromised(sku=line.quant.level.variant.sku) from error
    stock_sync_online(variant_ids={line.quant.level.variant_id for line in lines})
    return count


@transaction.atomic
def stock_count_cancel(*, count_id: int, actor: Actor) -> StockCount:
    actor.require_perm("inventory.count_stock")
    count = lock_document(StockCount, count_id)
    document_transition(document=count, to=StockCount.Status.CANCELLED, transitions=STOCK_COUNT_TRANSITIONS)
    return count
