"""What analysts do with held orders: approve, reject with a reason, or ask the customer.

Each action names the version of the order the analyst saw; when someone else acted
meanwhile the action is refused, so two analysts never both act on one order.
"""

from datetime import datetime

from django.db import transaction

from core.actor import Actor
from orders.exceptions import (
    OrderAwaitsReturn,
    OrderChangedMeanwhile,
    OrderStillShort,
    ReasonRequired,
    TransitionNotAllowed,
)
from orders.locks import lock_order
from orders.models import Order, OrderEvent
from orders.services.notifications import order_information_request_notify
from orders.services.risk import order_reject, order_stock_recheck, order_validate


def _lock_as_seen(*, order_id: int, seen: datetime) -> Order:
    """The order, locked, as the analyst saw it; a replacement held for its return is the
    returns team's, not the analysts'."""
    order = lock_order(order_id)
    if order.updated_at != seen:
        raise OrderChangedMeanwhile()
    if order.status == Order.Status.ON_HOLD and order.hold_reason == Order.HoldReason.RETURN:
        raise OrderAwaitsReturn()
    return order


@transaction.atomic
def order_approve(*, order_id: int, actor: Actor, seen: datetime, note: str = "") -> Order:
    """An analyst validates a held order: it goes to the warehouse and its card is captured."""
    order = _lock_as_seen(order_id=order_id, seen=seen)
    if order.status != Order.Status.ON_HOLD:
        raise TransitionNotAllowed(order=order, to=Order.Status.VALIDATED)
    if order.units_short and order_stock_recheck(order_id=order_id):
        raise OrderStillShort(units=order.units_short)  # approving cannot conjure stock
    return order_validate(order_id=order_id, actor=actor, note=note or "approved")


@transaction.atomic
def order_refuse(*, order_id: int, actor: Actor, seen: datetime, reason: str) -> Order:
    """An analyst rejects a held order, with the reason: cancelled, money back, stock back,
    customer told."""
    if not reason.strip():
        raise ReasonRequired()
    order = _lock_as_seen(order_id=order_id, seen=seen)
    if order.status != Order.Status.ON_HOLD:
        raise TransitionNotAllowed(order=order, to=Order.Status.CANCELLED)
    actor.require_perm("orders.cancel_order")
    return order_reject(order_id=order_id, actor=actor, reason=reason.strip(), by_analyst=True)


@transaction.atomic
def order_ask_customer(
    *, order_id: int, actor: Actor, seen: datetime, message: str, notify: bool = True
) -> OrderEvent:
    """Ask the customer for information about a held order; it stays on hold and the question
    goes on its timeline. With `notify` the question goes by email from here; the support desk
    sends it on a ticket instead, so the answer comes back to the ticket."""
    if not message.strip():
        raise ReasonRequired()
    actor.require_perm("orders.validate_order")
    order = _lock_as_seen(order_id=order_id, seen=seen)
    if order.status != Order.Status.ON_HOLD:
        raise TransitionNotAllowed(order=order, to=Order.Status.ON_HOLD)
    event = OrderEvent.objects.create(
        order=order, actor=actor.label, note=f"asked the customer: {message.strip()}"
    )
    order.save(update_fields=["updated_at"])
    if notify:
        order_information_request_notify(order=order, message=message.strip(), event_id=event.pk)
    return event
