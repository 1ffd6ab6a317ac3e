from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from core.actor import Actor
from inventory.exceptions import InvalidQuantity, OutOfStock
from inventory.locks import lock_reservations, lock_stock_levels
from inventory.models import RESERVATION_TRANSITIONS, Reservation, StockLevel, StockMovement, Warehouse
from storefront.catalog.services import variant_set_stock_online

EXPIRE_BATCH = 200
EXPIRY_ACTOR = Actor.job("reservations_expire")


@transaction.atomic
def warehouse_upsert(
    *, code: str, name: str, kind: str, sells_online: bool, city: str = "", state: str = ""
) -> Warehouse:
    warehouse, _created = Warehouse.objects.update_or_create(
        code=code,
        defaults={"name": name, "kind": kind, "sells_online": sells_online, "city": city, "state": state},
    )
    return warehouse


def stock_sync_online(*, variant_ids: Iterable[int]) -> None:
    """Tell the catalog how many units of each variant the online warehouses can sell now."""
    variant_ids = sorted(set(variant_ids))
    available = dict(
        StockLevel.objects.filter(variant_id__in=variant_ids, warehouse__sells_online=True)
        .values_list("variant_id")
        .annotate(units=Sum(F("on_hand") - F("reserved")))
        .order_by()
    )
    for variant_id in variant_ids:
        variant_set_stock_online(variant_id=variant_id, quantity=available.get(variant_id, 0))


@transaction.atomic
def stock_receive(
    *,
    variant_id: int,
    warehouse: Warehouse,
    quantity: int,
    actor: Actor,
    reference: str = "",
    reason: str = "",
) -> StockLevel:
    """Put received units on hand. Raises InvalidQuantity for anything but a whole number above zero."""
    if not isinstance(quantity, int) or quantity < 1:
        raise InvalidQuantity()
    level, _created = StockLevel.objects.get_or_create(variant_id=variant_id, warehouse=warehouse)
    StockLevel.objects.filter(pk=level.pk).update(on_hand=F("on_hand") + quantity, updated_at=timezone.now())
    StockMovement.objects.create(
        level=level,
        kind=StockMovement.Kind.RECEIVE,
        on_hand_change=quantity,
        reference=reference,
        actor=actor.label,
        reason=reason,
    )
    stock_sync_online(variant_ids=[variant_id])
    level.refresh_from_db()
    return level


@transaction.atomic
def stock_reserve(
    *, lines: Iterable[tuple[int, int]], reference: str, actor: Actor, expires_at: datetime | None = None
) -> list[Reservation]:
    """Hold `(variant_id, quantity)` lines in the online warehouses for `reference`, all or nothing.

    Levels are locked in primary-key order, and each hold is also a conditional update, so
    two buyers racing for the last unit never both get it. Raises OutOfStock naming every
    variant that fell short (nothing is held then) or InvalidQuantity.
    """
    wanted: dict[int, int] = defaultdict(int)
    for variant_id, quantity in lines:
        if not isinstance(quantity, int) or quantity < 1:
            raise InvalidQuantity()
        wanted[variant_id] += quantity
    level_ids = StockLevel.objects.filter(
        variant_id__in=list(wanted), warehouse__sells_online=True
    ).values_list("pk", flat=True)
    levels_by_variant: dict[int, list[StockLevel]] = defaultdict(list)
    for level in lock_stock_levels(ids=level_ids):
        levels_by_variant[level.variant_id].append(level)

    reservations, short = [], []
    for variant_id, quantity in sorted(wanted.items()):
        remaining = quantity
        for level in sorted(levels_by_variant[variant_id], key=lambda level: (-level.available, level.pk)):
            take = min(remaining, level.available)
            if take <= 0:
                continue
            held = StockLevel.objects.filter(pk=level.pk, on_hand__gte=F("reserved") + take).update(
                reserved=F("reserved") + take, updated_at=timezone.now()
            )
            if not held:
                continue
            StockMovement.objects.create(
                level=level,
                kind=StockMovement.Kind.RESERVE,
                reserved_change=take,
                reference=reference,
                actor=actor.label,
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
    if to not in RESERVATION_TRANSITIONS[reservation.status]:
        raise ValueError(f"reservation {reservation.pk} cannot go from {reservation.status} to {to}")
    reservation.status = to
    reservation.save(update_fields=["status", "updated_at"])


def _release(*, reservations: list[Reservation], reference: str, actor: Actor, reason: str) -> int:
    """Give back the units of locked reservations, writing each release in the ledger."""
    lock_stock_levels(ids={reservation.level_id for reservation in reservations})
    for reservation in reservations:
        released = StockLevel.objects.filter(
            pk=reservation.level_id, reserved__gte=reservation.quantity
        ).update(reserved=F("reserved") - reservation.quantity, updated_at=timezone.now())
        if not released:
            raise RuntimeError(
                f"stock level {reservation.level_id} holds less than reservation {reservation.pk}"
            )
        StockMovement.objects.create(
            level_id=reservation.level_id,
            kind=StockMovement.Kind.RELEASE,
            reserved_change=-reservation.quantity,
            reference=reference,
            actor=actor.label,
            reason=reason,
        )
        _reservation_transition(reservation=reservation, to=Reservation.Status.RELEASED)
    variant_ids = StockLevel.objects.filter(pk__in=[r.level_id for r in reservations]).values_list(
        "variant_id", flat=True
    )
    stock_sync_online(variant_ids=variant_ids)
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


@transaction.atomic
def reservation_allocate(*, reference: str) -> int:
    """A paid order keeps its units until they ship: its holds no longer expire."""
    reservations = lock_reservations(reference=reference, statuses=[Reservation.Status.ACTIVE])
    for reservation in reservations:
        _reservation_transition(reservation=reservation, to=Reservation.Status.ALLOCATED)
    Reservation.objects.filter(pk__in=[r.pk for r in reservations]).update(expires_at=None)
    return len(reservations)


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
