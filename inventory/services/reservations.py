"""Units held for orders: reserved at checkout, allocated to bins and lots when paid (first
to expire first), released when the order is cancelled or its time runs out."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from core.actor import Actor
from core.transitions import status_move
from inventory.exceptions import InvalidQuantity, NotEnoughStock, OutOfStock
from inventory.locks import lock_reservations, lock_stock_levels, lock_stock_quants
from inventory.models import (
    RESERVATION_TRANSITIONS,
    Bin,
    Reservation,
    ReservationAllocation,
    StockLevel,
    StockMovement,
    StockQuant,
)
from inventory.selectors import sellable, sellable_on_hand
from inventory.services.stock import default_bin, fefo_key, quant_for, stock_apply, stock_sync_online

EXPIRE_BATCH = 200
EXPIRY_ACTOR = Actor.job("reservations_expire")


@transaction.atomic
def stock_reserve(
    *, lines: Iterable[tuple[int, int]], reference: str, actor: Actor, expires_at: datetime | None = None
) -> list[Reservation]:
    """Hold `(variant_id, quantity)` lines in the online warehouses for `reference`, all or nothing.

    Levels are locked in primary-key order and only units of lots still sellable count; each
    hold is also a conditional update, so two buyers racing for the last unit never both get
    it. Raises OutOfStock naming every variant that fell short (nothing is held then) or
    InvalidQuantity.
    """
    wanted: dict[int, int] = defaultdict(int)
    for variant_id, quantity in lines:
        if not isinstance(quantity, int) or quantity < 1:
            raise InvalidQuantity()
        wanted[variant_id] += quantity
    level_ids = StockLevel.objects.filter(
        variant_id__in=list(wanted), warehouse__sells_online=True
    ).values_list("pk", flat=True)
    levels = lock_stock_levels(ids=level_ids)
    on_hand = sellable_on_hand(level_ids=[level.pk for level in levels])
    levels_by_variant: dict[int, list[StockLevel]] = defaultdict(list)
    for level in levels:
        level.sellable = on_hand.get(level.pk, 0) - level.reserved
        levels_by_variant[level.variant_id].append(level)

    reservations, short = [], []
    for variant_id, quantity in sorted(wanted.items()):
        remaining = quantity
        for level in sorted(levels_by_variant[variant_id], key=lambda level: (-level.sellable, level.pk)):
            take = min(remaining, level.sellable)
            if take <= 0:
                continue
            stock_apply(
                level=level, kind=StockMovement.Kind.RESERVE, reserved=take, actor=actor, reference=reference
            )
            reservations.append(
                Reservation.objects.create(
                    level=level, quantity=take, reference=reference, expires_at=expires_at
                )
            )
            remaining -= take
        if remaining:
            short.append(variant_id)
    if short:
        raise OutOfStock(variant_ids=short)
    stock_sync_online(variant_ids=wanted)
    return reservations


def _reservation_transition(*, reservation: Reservation, to: str) -> None:
    """The one way to change `Reservation.status`. Caller must hold its lock."""
    refused = ValueError(f"reservation {reservation.pk} cannot go from {reservation.status} to {to}")
    status_move(row=reservation, to=to, transitions=RESERVATION_TRANSITIONS, refused=refused)


def _release(*, reservations: list[Reservation], reference: str, actor: Actor, reason: str) -> int:
    """Give back the units of locked reservations (and the bins and lots allocated to them),
    writing each release in the ledger."""
    levels = {level.pk: level for level in lock_stock_levels(ids={r.level_id for r in reservations})}
    allocations = list(
        ReservationAllocation.objects.filter(reservation__in=reservations).select_related(
            "quant__bin", "quant__lot"
        )
    )
    picked = [allocation for allocation in allocations if allocation.quant.bin.code == Bin.DISPATCH_CODE]
    shelves = {
        allocation.pk: quant_for(
            level=levels[allocation.quant.level_id],
            bin=default_bin(warehouse=levels[allocation.quant.level_id].warehouse),
            lot=allocation.quant.lot,
        )
        for allocation in picked
    }
    lock_stock_quants(
        ids={allocation.quant_id for allocation in allocations} | {q.pk for q in shelves.values()}
    )
    for allocation in allocations:
        _quant_allocate(quant_id=allocation.quant_id, quantity=-allocation.quantity)
    for allocation in picked:  # picked units go back on a shelf, to be sold and picked again
        level = levels[allocation.quant.level_id]
        for quant, units in (
            (shelves[allocation.pk], allocation.quantity),
            (allocation.quant, -allocation.quantity),
        ):
            stock_apply(
                level=level, quant=quant, kind=StockMovement.Kind.PICK, on_hand=units, actor=actor,
                reference=reference, reason="put back from dispatch",
            )  # fmt: skip
    ReservationAllocation.objects.filter(pk__in=[allocation.pk for allocation in allocations]).delete()
    for reservation in reservations:
        stock_apply(
            level=levels[reservation.level_id],
            kind=StockMovement.Kind.RELEASE,
            reserved=-reservation.quantity,
            actor=actor,
            reference=reference,
            reason=reason,
        )
        _reservation_transition(reservation=reservation, to=Reservation.Status.RELEASED)
    stock_sync_online(variant_ids={level.variant_id for level in levels.values()})
    return sum(reservation.quantity for reservation in reservations)


@transaction.atomic
def reservation_release(*, reference: str, actor: Actor, reason: str = "") -> int:
    """Give back every unit still held for `reference`; return how many. Safe to repeat."""
    reservations = lock_reservations(
        reference=reference, statuses=[Reservation.Status.ACTIVE, Reservation.Status.ALLOCATED]
    )
    return _release(reservations=reservations, reference=reference, actor=actor, reason=reason)


@transaction.atomic
def reservation_expire(*, reference: str, now: datetime) -> int:
    """Give back the holds of `reference` that are still unpaid and past their time. Checked
    under the lock: a payment allocating them meanwhile keeps them."""
    reservations = [
        reservation
        for reservation in lock_reservations(reference=reference, statuses=[Reservation.Status.ACTIVE])
        if reservation.expires_at is not None and reservation.expires_at < now
    ]
    return _release(reservations=reservations, reference=reference, actor=EXPIRY_ACTOR, reason="expired")


def _quant_allocate(*, quant_id: int, quantity: int) -> None:
    """Promise (or, negative, take back) units of a quant to a reservation: one conditional
    update that never promises more than the quant holds. Caller holds the quant lock."""
    changed = StockQuant.objects.filter(
        pk=quant_id, on_hand__gte=F("allocated") + quantity, allocated__gte=-quantity
    ).update(allocated=F("allocated") + quantity, updated_at=timezone.now())
    if not changed:
        raise NotEnoughStock()


@transaction.atomic
def reservation_allocate(*, reference: str) -> int:
    """A paid order keeps its units until they ship: its holds no longer expire, and each is
    given the bins and lots it will be picked from, first to expire first, skipping expired
    lots. Returns how many units found no sellable bin or lot (0 when all did): such an order
    waits for stock, and running this again later allocates what has come in since. Safe to
    repeat."""
    reservations = lock_reservations(
        reference=reference, statuses=[Reservation.Status.ACTIVE, Reservation.Status.ALLOCATED]
    )
    allocated = dict(
        ReservationAllocation.objects.filter(reservation__in=reservations)
        .values_list("reservation")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    level_ids = sorted({reservation.level_id for reservation in reservations})
    lock_stock_levels(ids=level_ids)
    lock_stock_quants(
        ids=StockQuant.objects.filter(sellable(), level_id__in=level_ids).values_list("pk", flat=True)
    )
    candidates = (
        StockQuant.objects.filter(sellable(), level_id__in=level_ids)
        .exclude(bin__code=Bin.DISPATCH_CODE)  # units there are already someone's
        .select_related("lot", "bin")
    )
    quants_by_level: dict[int, list[StockQuant]] = defaultdict(list)
    for quant in sorted(candidates, key=fefo_key):
        quants_by_level[quant.level_id].append(quant)
    short = 0
    for reservation in reservations:
        remaining = reservation.quantity - allocated.get(reservation.pk, 0)
        for quant in quants_by_level[reservation.level_id] if remaining else ():
            take = min(remaining, quant.on_hand - quant.allocated)
            if take <= 0:
                continue
            _quant_allocate(quant_id=quant.pk, quantity=take)
            quant.allocated += take
            ReservationAllocation.objects.create(reservation=reservation, quant=quant, quantity=take)
            remaining -= take
        short += remaining
        if reservation.status == Reservation.Status.ACTIVE:
            _reservation_transition(reservation=reservation, to=Reservation.Status.ALLOCATED)
    Reservation.objects.filter(pk__in=[r.pk for r in reservations]).update(expires_at=None)
    return short


def reservations_expire(*, now: datetime | None = None) -> int:
    """Release one batch of holds whose time ran out; return how many references were freed."""
    now = now or timezone.now()
    references = list(
        Reservation.objects.filter(status=Reservation.Status.ACTIVE, expires_at__lt=now)
        .order_by("expires_at")
        .values_list("reference", flat=True)
        .distinct()[:EXPIRE_BATCH]
    )
    for reference in references:
        reservation_expire(reference=reference, now=now)
    return len(references)
