"""Pick lists: validated orders turned into a walk through one warehouse's bins, confirmed
line by line by scanning what is taken."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor, actor_display
from core.locks import for_update
from core.sequences import sequence_next
from core.transitions import status_move
from inventory.models import Bin, ReservationAllocation, StockQuant, Warehouse
from inventory.services import allocation_pick, allocation_short
from logistics.exceptions import (
    CodeNotOnLine,
    NothingToPick,
    OrderNotPickable,
    PickLineClosed,
    PickQuantityInvalid,
)
from logistics.models import PICK_LINE_TRANSITIONS, PICK_LIST_TRANSITIONS, PickLine, PickList
from logistics.notifications import short_pick_notify
from orders.locks import lock_order
from orders.models import Order, OrderLine
from orders.services import order_transition
from orders.services.risk import order_hold

MAX_ORDERS_PER_LIST = 30
# Holding an order is an analyst's move; a short pick does it on the store's behalf.
SHORT_PICK_ACTOR = Actor.job("short_pick")


def _pick_list_transition(*, pick_list: PickList, to: str, **fields) -> None:
    status_move(row=pick_list, to=to, transitions=PICK_LIST_TRANSITIONS, refused=PickLineClosed(), **fields)


def _pick_line_transition(*, line: PickLine, to: str, **fields) -> None:
    """The one way to change `PickLine.status`. Caller holds the pick list's lock."""
    status_move(row=line, to=to, transitions=PICK_LINE_TRANSITIONS, refused=PickLineClosed(), **fields)


def _pickable_allocations(*, order_ids: list[int], warehouse: Warehouse) -> list[ReservationAllocation]:
    """The allocations of these orders in the warehouse not yet picked nor on an open list."""
    return list(
        ReservationAllocation.objects.filter(
            reservation__reference__in=[f"order:{order_id}" for order_id in order_ids],
            quant__level__warehouse=warehouse,
        )
        .exclude(quant__bin__code=Bin.DISPATCH_CODE)
        .exclude(pick_lines__status=PickLine.Status.PENDING)
        .select_related("reservation", "quant__bin", "quant__lot", "quant__level")
    )


def _order_id(allocation: ReservationAllocation) -> int:
    return int(allocation.reservation.reference.removeprefix("order:"))


def _walk_key(quant: StockQuant) -> tuple:
    """Bins in the picker's walking order; within a bin, the lot that expires first."""
    expires_on = quant.lot.expires_on if quant.lot and quant.lot.expires_on else date.max
    return (quant.bin.position, quant.bin.code, expires_on, quant.pk)


@transaction.atomic
def pick_list_create(*, warehouse: Warehouse, order_ids: Iterable[int], actor: Actor) -> PickList:
    """One walk through the warehouse for these validated orders (one, or a batch): a line
    per bin and lot their units are allocated to, in walking order, first to expire first.
    The orders move to picking.

    Raises OrderNotPickable naming an order that is not validated, NothingToPick when none of
    them has units to pick here.
    """
    actor.require_perm("logistics.pick_orders")
    order_ids = sorted(set(order_ids))[:MAX_ORDERS_PER_LIST]
    orders = [lock_order(order_id) for order_id in order_ids]
    for order in orders:
        if order.status not in (Order.Status.VALIDATED, Order.Status.PICKING):
            raise OrderNotPickable(number=order.number)
    allocations = _pickable_allocations(order_ids=order_ids, warehouse=warehouse)
    if not allocations:
        raise NothingToPick()
    pick_list = PickList.objects.create(
        number=f"SEP-{sequence_next('pick_list'):06d}", warehouse=warehouse, created_by=actor.label
    )
    order_lines = {
        (line.order_id, line.variant_id): line for line in OrderLine.objects.filter(order_id__in=order_ids)
    }
    walk = sorted(allocations, key=lambda allocation: _walk_key(allocation.quant))
    PickLine.objects.bulk_create(
        PickLine(
            pick_list=pick_list,
            order_line=order_lines[(_order_id(allocation), allocation.quant.level.variant_id)],
            order_id=_order_id(allocation),
            allocation=allocation,
            bin=allocation.quant.bin,
            lot=allocation.quant.lot,
            sequence=position,
            quantity=allocation.quantity,
        )
        for position, allocation in enumerate(walk, start=1)
    )
    for order in orders:
        if order.status == Order.Status.VALIDATED:
            order_transition(order_id=order.pk, to=Order.Status.PICKING, actor=actor, note=pick_list.number)
    return pick_list


def _lock_line(line_id: int) -> PickLine:
    """A pick line with its order and pick list locked, in the project's lock order."""
    line = PickLine.objects.get(pk=line_id)
    lock_order(line.order_id)
    for_update(PickList.objects.filter(pk=line.pick_list_id)).get()
    return PickLine.objects.select_related("order", "pick_list", "order_line__variant", "allocation").get(
        pk=line_id
    )


def _pick_list_finish_if_done(*, pick_list: PickList) -> None:
    if not pick_list.lines.filter(status=PickLine.Status.PENDING).exists():
        _pick_list_transition(pick_list=pick_list, to=PickList.Status.DONE, finished_at=timezone.now())


def _line_still_wanted(*, line: PickLine) -> bool:
    """A line whose order was cancelled or held meanwhile is closed instead of picked."""
    if line.order.status == Order.Status.PICKING and line.allocation_id is not None:
        return True
    _pick_line_transition(line=line, to=PickLine.Status.CANCELLED)
    _pick_list_finish_if_done(pick_list=line.pick_list)
    return False


@transaction.atomic
def pick_line_confirm(*, line_id: int, code: str, quantity: int, actor: Actor) -> PickLine:
    """The picker took `quantity` units, scanning `code` (the item's SKU or EAN): they move
    to the dispatch bin. Return the line; it comes back cancelled, with nothing moved, when
    its order was cancelled or put on hold meanwhile.

    Raises CodeNotOnLine (another item), PickQuantityInvalid (not the line's quantity; say
    short instead when fewer are there), PickLineClosed.
    """
    actor.require_perm("logistics.pick_orders")
    line = _lock_line(line_id)
    if line.status != PickLine.Status.PENDING:
        raise PickLineClosed()
    variant = line.order_line.variant
    if code.strip().upper() not in {variant.sku.upper(), variant.ean} - {""}:
        raise CodeNotOnLine(sku=variant.sku)
    if quantity != line.quantity:
        raise PickQuantityInvalid(quantity=line.quantity)
    if not _line_still_wanted(line=line):
        return line
    allocation_pick(
        allocation_id=line.allocation_id, quantity=quantity, actor=actor, reference=f"order:{line.order_id}"
    )
    _pick_line_transition(
        line=line,
        to=PickLine.Status.PICKED,
        picked_quantity=quantity,
        picked_by=actor.label,
        picked_at=timezone.now(),
        allocation=None,
    )
    _pick_list_finish_if_done(pick_list=line.pick_list)
    return line


@transaction.atomic
def pick_line_short(*, line_id: int, found: int, actor: Actor) -> PickLine:
    """The bin holds fewer units than the line asks: the `found` ones are picked, the missing
    ones written off there, and the order waits for stock on hold (its other lines on open
    lists are closed); the stock team is told. Return the line.

    Raises PickQuantityInvalid (found must be fewer than asked), PickLineClosed.
    """
    actor.require_perm("logistics.pick_orders")
    line = _lock_line(line_id)
    if line.status != PickLine.Status.PENDING:
        raise PickLineClosed()
    if not isinstance(found, int) or not 0 <= found < line.quantity:
        raise PickQuantityInvalid(quantity=line.quantity)
    if not _line_still_wanted(line=line):
        return line
    reference, missing = f"order:{line.order_id}", line.quantity - found
    allocation_id = line.allocation_id
    if found:
        allocation_pick(allocation_id=allocation_id, quantity=found, actor=actor, reference=reference)
    allocation_short(allocation_id=allocation_id, missing=missing, actor=actor, reference=reference)
    _pick_line_transition(
        line=line,
        to=PickLine.Status.SHORT,
        picked_quantity=found,
        picked_by=actor.label,
        picked_at=timezone.now(),
        allocation=None,
    )
    order = order_hold(
        order_id=line.order_id,
        reason=Order.HoldReason.STOCK,
        actor=SHORT_PICK_ACTOR,
        note=_("%(sku)s: %(missing)s not found in bin %(bin)s by %(who)s")
        % {
            "sku": line.order_line.sku,
            "missing": missing,
            "bin": line.bin.code,
            "who": actor_display(actor.label),
        },
    )
    order.units_short += missing
    order.save(update_fields=["units_short", "updated_at"])
    for other in PickLine.objects.filter(
        order_id=line.order_id, status=PickLine.Status.PENDING
    ).select_related("pick_list"):
        _pick_line_transition(line=other, to=PickLine.Status.CANCELLED)
        if other.pick_list_id != line.pick_list_id:
            _pick_list_finish_if_done(pick_list=other.pick_list)
    _pick_list_finish_if_done(pick_list=line.pick_list)
    short_pick_notify(line=line, missing=missing)
    return line
