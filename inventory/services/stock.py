"""Units coming in and going out: receipts, adjustments and the ledger line of each change."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.actor import Actor
from core.transitions import status_move
from inventory.exceptions import (
    DocumentClosed,
    InvalidQuantity,
    LotExpiryMismatch,
    LotRequired,
    NotEnoughStock,
)
from inventory.locks import lock_stock_levels
from inventory.models import Bin, Lot, StockLevel, StockMovement, StockQuant, Warehouse
from inventory.selectors import sellable_on_hand
from storefront.catalog.models import Variant
from storefront.catalog.services import variant_set_stock_online


@transaction.atomic
def warehouse_upsert(*, code: str, name: str, kind: str, sells_online: bool, **address: str) -> Warehouse:
    """Create or update a warehouse (`address`: street, street_number, district, city, state,
    cep); every warehouse has its default bin for unplaced stock."""
    warehouse, _created = Warehouse.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "sells_online": sells_online, **address}
    )
    default_bin(warehouse=warehouse)
    return warehouse


def default_bin(*, warehouse: Warehouse) -> Bin:
    """Where units go when nobody says which bin: every warehouse has one."""
    return Bin.objects.get_or_create(warehouse=warehouse, code=Bin.DEFAULT_CODE)[0]


def fefo_key(quant: StockQuant) -> tuple:
    """Order in which units leave: first to expire first, then the picker's walk through the bins."""
    expires_on = quant.lot.expires_on if quant.lot and quant.lot.expires_on else date.max
    return (expires_on, quant.bin.position, quant.bin.code, quant.pk)


def stock_sync_online(*, variant_ids: Iterable[int], today: date | None = None) -> None:
    """Tell the catalog how many units of each variant the online warehouses can sell now."""
    variant_ids = sorted(set(variant_ids))
    levels = list(
        StockLevel.objects.filter(variant_id__in=variant_ids, warehouse__sells_online=True).values_list(
            "pk", "variant_id", "reserved"
        )
    )
    on_hand = sellable_on_hand(level_ids=[pk for pk, _variant_id, _reserved in levels], today=today)
    available = dict.fromkeys(variant_ids, 0)
    for pk, variant_id, reserved in levels:
        available[variant_id] += max(on_hand.get(pk, 0) - reserved, 0)
    for variant_id in variant_ids:
        variant_set_stock_online(variant_id=variant_id, quantity=available[variant_id])


def levels_for_update(*, variant_ids: Iterable[int], warehouse: Warehouse) -> dict[int, StockLevel]:
    """The variants' stock levels in the warehouse by variant id, created when missing, all
    locked at once in primary-key order (before any of their quants)."""
    ids = [
        StockLevel.objects.get_or_create(variant_id=variant_id, warehouse=warehouse)[0].pk
        for variant_id in sorted(set(variant_ids))
    ]
    return {level.variant_id: level for level in lock_stock_levels(ids=ids)}


def quant_for(*, level: StockLevel, bin: Bin, lot: Lot | None) -> StockQuant:
    """The level's units in one bin and lot, created when missing. Caller holds the level lock."""
    quant, _created = StockQuant.objects.get_or_create(level=level, bin=bin, lot=lot)
    return quant


def lot_for_receipt(*, variant: Variant, code: str, expires_on: date | None) -> Lot | None:
    """The lot received units belong to: none for variants that do not track lots; for those
    that do, the lot of that code, whose expiry must match what was written before.

    Raises LotRequired or LotExpiryMismatch.
    """
    if not variant.tracks_lots:
        return None
    code = code.strip()
    if not code or expires_on is None:
        raise LotRequired(sku=variant.sku)
    lot, _created = Lot.objects.get_or_create(variant=variant, code=code, defaults={"expires_on": expires_on})
    if lot.expires_on != expires_on:
        raise LotExpiryMismatch(lot=code)
    return lot


def stock_apply(
    *,
    level: StockLevel,
    kind: str,
    actor: Actor,
    quant: StockQuant | None = None,
    on_hand: int = 0,
    reserved: int = 0,
    allocated: int = 0,
    reference: str = "",
    reason: str = "",
) -> StockMovement:
    """Change a level (and the quant the units are in) and write the ledger line, in the
    caller's transaction. Each change is one conditional update that refuses to take on hand
    below what is reserved or allocated, or anything below zero. Caller holds the level lock.

    Raises NotEnoughStock, changing nothing.
    """
    if on_hand and quant is None:
        raise ValueError("units on hand always sit in a bin")
    now = timezone.now()
    changed = StockLevel.objects.filter(
        Q(on_hand__gte=F("reserved") + (reserved - on_hand)),
        Q(on_hand__gte=-on_hand),
        Q(reserved__gte=-reserved),
        pk=level.pk,
    ).update(on_hand=F("on_hand") + on_hand, reserved=F("reserved") + reserved, updated_at=now)
    if changed and quant is not None:
        changed = StockQuant.objects.filter(
            Q(on_hand__gte=F("allocated") + (allocated - on_hand)),
            Q(on_hand__gte=-on_hand),
            Q(allocated__gte=-allocated),
            pk=quant.pk,
        ).update(on_hand=F("on_hand") + on_hand, allocated=F("allocated") + allocated, updated_at=now)
    if not changed:
        raise NotEnoughStock()
    return StockMovement.objects.create(
        level=level,
        quant=quant if on_hand else None,
        kind=kind,
        on_hand_change=on_hand,
        reserved_change=reserved,
        reference=reference,
        actor=actor.label,
        reason=reason,
    )


def _stock_in(
    *,
    variant_id: int,
    warehouse: Warehouse,
    quantity: int,
    kind: str,
    bin: Bin,
    lot: Lot | None,
    actor: Actor,
    reference: str,
    reason: str,
) -> StockLevel:
    """Units coming in to a bin and lot, with their ledger line; the web store hears of it."""
    level = levels_for_update(variant_ids=[variant_id], warehouse=warehouse)[variant_id]
    stock_apply(
        level=level,
        quant=quant_for(level=level, bin=bin, lot=lot),
        kind=kind,
        on_hand=quantity,
        actor=actor,
        reference=reference,
        reason=reason,
    )
    stock_sync_online(variant_ids=[variant_id])
    level.refresh_from_db()
    return level


@transaction.atomic
def stock_receive(
    *,
    variant_id: int,
    warehouse: Warehouse,
    quantity: int,
    actor: Actor,
    reference: str = "",
    reason: str = "",
    bin: Bin | None = None,
    lot_code: str = "",
    expires_on: date | None = None,
) -> StockLevel:
    """Put received units on hand, in a bin (the warehouse's default one unless said) and,
    for lot-tracked variants, in their lot.

    Raises InvalidQuantity for anything but a whole number above zero, LotRequired or
    LotExpiryMismatch.
    """
    if not isinstance(quantity, int) or quantity < 1:
        raise InvalidQuantity()
    variant = Variant.objects.get(pk=variant_id)
    lot = lot_for_receipt(variant=variant, code=lot_code, expires_on=expires_on)
    return _stock_in(
        variant_id=variant_id,
        warehouse=warehouse,
        quantity=quantity,
        kind=StockMovement.Kind.RECEIVE,
        bin=bin or default_bin(warehouse=warehouse),
        lot=lot,
        actor=actor,
        reference=reference,
        reason=reason,
    )


def quarantine_bin(*, warehouse: Warehouse) -> Bin:
    """Where returned units wait for a decision: a bin that never sells."""
    return Bin.objects.get_or_create(
        warehouse=warehouse,
        code=Bin.QUARANTINE_CODE,
        defaults={"position": 999_998, "is_sellable": False},
    )[0]


@transaction.atomic
def stock_return(
    *,
    variant_id: int,
    warehouse: Warehouse,
    quantity: int,
    actor: Actor,
    reference: str,
    bin: Bin,
    lot: Lot | None = None,
    reason: str = "",
) -> StockLevel:
    """Put units a customer sent back on hand, in the lot they left in (its expiry kept): in a
    bin that sells, back on sale, or in quarantine, never sold. Raises InvalidQuantity."""
    if not isinstance(quantity, int) or quantity < 1 or bin.warehouse_id != warehouse.pk:
        raise InvalidQuantity()
    return _stock_in(
        variant_id=variant_id,
        warehouse=warehouse,
        quantity=quantity,
        kind=StockMovement.Kind.RETURN,
        bin=bin,
        lot=lot,
        actor=actor,
        reference=reference,
        reason=reason,
    )


def document_transition(*, document, to: str, transitions: dict, **fields) -> None:
    """The one way to change the status of a purchase order, transfer or stock count, along
    its table. Caller holds the document's lock. Raises DocumentClosed."""
    status_move(row=document, to=to, transitions=transitions, refused=DocumentClosed(), **fields)


@transaction.atomic
def bin_upsert(*, warehouse: Warehouse, code: str, position: int) -> Bin:
    """Create a bin, or move an existing one to this place in the pick walk."""
    bin, _created = Bin.objects.update_or_create(
        warehouse=warehouse, code=code, defaults={"position": position}
    )
    return bin


# A missed daily run is caught up by the next ones within this many days.
EXPIRED_LOOKBACK_DAYS = 7


def lots_expired_sync(*, today: date | None = None) -> int:
    """Take units of lots that expired since yesterday off online sale (their quants stay
    until written off or counted); return how many variants were refreshed. Runs daily."""
    today = today or timezone.localdate()
    variant_ids = set(
        StockQuant.objects.filter(
            on_hand__gt=0,
            lot__expires_on__lt=today,
            lot__expires_on__gte=today - timedelta(days=EXPIRED_LOOKBACK_DAYS),
            level__warehouse__sells_online=True,
        ).values_list("level__variant_id", flat=True)
    )
    with transaction.atomic():
        stock_sync_online(variant_ids=variant_ids, today=today)
    return len(variant_ids)
