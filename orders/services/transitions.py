from django.db import transaction

from core.actor import Actor, ActorKind
from core.transitions import status_move
from orders.exceptions import PaymentTransitionNotAllowed, TransitionNotAllowed
from orders.locks import lock_order
from orders.models import (
    ORDER_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    TRANSITION_PERMISSIONS,
    Order,
    OrderEvent,
    Payment,
)


def order_transition(
    *, order_id: int, to: str, actor: Actor, note: str = "", by_customer: bool = False, hold_reason: str = ""
) -> Order:
    """Move an order along ORDER_TRANSITIONS, writing its event. The one place that assigns
    `Order.status`; callers add the move's own effects. Staff and jobs need the move's
    permission; a customer may only cancel their own order (`by_customer`, its caller having
    checked the order is theirs). `hold_reason` goes on the event of a move on hold.

    Must run inside the caller's transaction (it takes the order lock). Raises
    TransitionNotAllowed or PermissionMissing, changing nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("order_transition must run inside a transaction")
    order = lock_order(order_id)
    if to not in ORDER_TRANSITIONS[order.status]:
        raise TransitionNotAllowed(order=order, to=to)
    if not (by_customer and actor.kind == ActorKind.CUSTOMER and to == Order.Status.CANCELLED):
        actor.require_perm(TRANSITION_PERMISSIONS[to])
    OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=to,
        actor=actor.label,
        note=note,
        hold_reason=hold_reason,
    )
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    return order


def payment_transition(*, payment: Payment, to: str, update_fields: tuple[str, ...] = ()) -> Payment:
    """The one way to change `Payment.status`. Caller must hold the payment lock.

    Raises PaymentTransitionNotAllowed, changing nothing.
    """
    refused = PaymentTransitionNotAllowed()
    assigned = {name: getattr(payment, name) for name in update_fields}  # set by the caller
    return status_move(row=payment, to=to, transitions=PAYMENT_TRANSITIONS, refused=refused, **assigned)


@transaction.atomic
def order_note_add(*, order_id: int, actor: Actor, note: str) -> OrderEvent:
    """An internal note on the order's timeline (no status change)."""
    actor.require_perm("orders.view_order")
    order = lock_order(order_id)
    return OrderEvent.objects.create(order=order, actor=actor.label, note=note)
