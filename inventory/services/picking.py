"""Units leaving with an order: picked from their bin to the dispatch bin, written off when
the picker does not find them, and shipped out of the building."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from core.actor import Actor
from core.locks import for_update
from inventory.exceptions import InvalidQuantity, NotPicked, OutOfStock
from inventory.locks import lock_reservations, lock_stock_levels, lock_stock_quants
from inventory.models import Bin, Reservation, ReservationAllocation, StockLevel, StockMovement, Warehouse
from inventory.services.reservations import _reservation_transition, stock_reserve
from inventory.services.stock import quant_for, stock_apply, stock_sync_online


def dispatch_bin(*, warehouse: Warehouse) -> Bin:
    """The warehouse's bin for picked units waiting to be packed; the last in the pick walk."""
    return Bin.objects.get_or_create(
        warehouse=warehouse, code=Bin.DISPATCH_CODE, defaults={"position": 999_999}
    )[0]


def _locked_allocation(allocation_id: int) -> tuple[ReservationAllocation, StockLevel]:
    """An allocation with its reservation, level and quant locked in the project's order.
    Raises ReservationAllocation.DoesNotExist when it is gone (its order was cancelled)."""
    allocation = ReservationAllocation.objects.select_related("reservation", "quant").get(pk=allocation_id)
    for_update(Reservation.objects.filter(pk=allocation.reservation_id)).get()
    level = lock_stock_levels(ids=[allocation.quant.level_id])[0]
    allocation = ReservationAllocation.objects.select_related(
        "reservation", "quant__bin", "quant__lot", "quant__level__warehouse"
    ).get(pk=allocation_id)
    return allocation, level


@transaction.atomic
def allocation_pick(
    *, allocation_id: int, quantity: int, actor: Actor, reference: str
) -> ReservationAllocation:
    """Move `quantity` units of an allocation from their bin to the dispatch bin, still
    promised to the same order; return the allocation that now holds them there.

    Raises InvalidQuantity when more than allocated or less than one, NotEnoughStock.
    """
    allocation, level = _locked_allocation(allocation_id)
    if not isinstance(quantity, int) or not 0 < quantity <= allocation.quantity:
        raise InvalidQuantity()
    source = allocation.quant
    target = quant_for(level=level, bin=dispatch_bin(warehouse=level.warehouse), lot=source.lot)
    lock_stock_quants(ids=[source.pk, target.pk])
    for quant, units in ((target, quantity), (source, -quantity)):  # in first, so the level never dips
        stock_apply(
            level=level,
            quant=quant,
            kind=StockMovement.Kind.PICK,
            on_hand=units,
            allocated=units,
            actor=actor,
            reference=reference,
        )
    _allocation_reduce(allocation=allocation, quantity=quantity)
    moved = ReservationAllocation.objects.filter(reservation=allocation.reservation, quant=target).first()
    if moved:
        ReservationAllocation.objects.filter(pk=moved.pk).update(quantity=F("quantity") + quantity)
        moved.refresh_from_db()
        return moved
    return ReservationAllocation.objects.create(
        reservation=allocation.reservation, quant=target, quantity=quantity
    )


@transaction.atomic
def allocation_short(*, allocation_id: int, missing: int, actor: Actor, reference: str) -> int:
    """The picker did not find `missing` units of an allocation in its bin: they are written
    off there and no longer held for the order, which waits for stock again (see
    `reservation_top_up`). Return how many units were written off. Units the bin still
    promises to other orders stay on record: their pickers will say. Raises InvalidQuantity.
    """
    allocation, level = _locked_allocation(allocation_id)
    if not isinstance(missing, int) or not 0 < missing <= allocation.quantity:
        raise InvalidQuantity()
    lock_stock_quants(ids=[allocation.quant_id])
    stock_apply(
        level=level,
        quant=allocation.quant,
        kind=StockMovement.Kind.ADJUST,
        on_hand=-missing,
        reserved=-missing,
        allocated=-missing,
        actor=actor,
        reference=reference,
        reason="not found when picking",
    )
    _allocation_reduce(allocation=allocation, quantity=missing)
    reservation = allocation.reservation
    if reservation.quantity == missing:
        _reservation_transition(reservation=reservation, to=Reservation.Status.RELEASED)
    else:
        Reservation.objects.filter(pk=reservation.pk).update(quantity=F("quantity") - missing)
    stock_sync_online(variant_ids=[level.variant_id])
    return missing


def _allocation_reduce(*, allocation: ReservationAllocation, quantity: int) -> None:
    if quantity == allocation.quantity:
        allocation.delete()
    else:
        ReservationAllocation.objects.filter(pk=allocation.pk).update(quantity=F("quantity") - quantity)


@transaction.atomic
def reservation_top_up(*, reference: str, lines: Iterable[tuple[int, int]], actor: Actor) -> int:
    """Hold again, where online stock allows, the units of `(variant_id, quantity)` lines that
    `reference` no longer holds (written off when picking); return how many are still not held."""
    held: dict[int, int] = defaultdict(int)
    for reservation in lock_reservations(
        reference=reference, statuses=[Reservation.Status.ACTIVE, Reservation.Status.ALLOCATED]
    ):
        held[reservation.level.variant_id] += reservation.quantity
    shipped: dict[int, int] = defaultdict(int)
    for variant_id, quantity in Reservation.objects.filter(
        reference=reference, status=Reservation.Status.SHIPPED
    ).values_list("level__variant_id", "quantity"):
        shipped[variant_id] += quantity
    wanted: dict[int, int] = defaultdict(int)
    for variant_id, quantity in lines:
        wanted[variant_id] += quantity
    missing = 0
    for variant_id, quantity in sorted(wanted.items()):
        gap = quantity - held[variant_id] - shipped[variant_id]
        if gap <= 0:
            continue
        try:
            stock_reserve(lines=[(variant_id, gap)], reference=reference, actor=actor)
        except OutOfStock:
            missing += gap
    return missing


@transaction.atomic
def reservation_ship(*, reference: str, warehouse: Warehouse, actor: Actor) -> int:
    """The units held for `reference` in a warehouse leave with the carrier: taken off hand
    from the dispatch bin, and their holds closed. Return how many units shipped.

    Raises NotPicked when some of them are not in the dispatch bin yet.
    """
    reservations = [
        reservation
        for reservation in lock_reservations(reference=reference, statuses=[Reservation.Status.ALLOCATED])
        if reservation.level.warehouse_id == warehouse.pk
    ]
    levels = {level.pk: level for level in lock_stock_levels(ids={r.level_id for r in reservations})}
    allocations = list(
        ReservationAllocation.objects.filter(reservation__in=reservations).select_related("quant__bin")
    )
    allocated = defaultdict(int)
    for allocation in allocations:
        allocated[allocation.reservation_id] += allocation.quantity
    if (
        not reservations
        or any(allocation.quant.bin.code != Bin.DISPATCH_CODE for allocation in allocations)
        or any(allocated[reservation.pk] != reservation.quantity for reservation in reservations)
    ):
        raise NotPicked()
    lock_stock_quants(ids={allocation.quant_id for allocation in allocations})
    for allocation in allocations:
        stock_apply(
            level=levels[allocation.quant.level_id],
            quant=allocation.quant,
            kind=StockMovement.Kind.SHIP,
            on_hand=-allocation.quantity,
            reserved=-allocation.quantity,
            allocated=-allocation.quantity,
            actor=actor,
            reference=reference,
        )
    ReservationAllocation.objects.filter(pk__in=[allocation.pk for allocation in allocations]).delete()
    for reservation in reservations:
        _reservation_transition(reservation=reservation, to=Reservation.Status.SHIPPED)
    return sum(allocation.quantity for allocation in allocations)
