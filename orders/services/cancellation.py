"""Cancelling an order, whoever asks: one path that gives the stock back, returns the money,
withdraws Pix codes and boletos still open, tells the customer, records why (for the KPIs)
and keeps the lost sale for recovery."""

from django.db import transaction

from core.actor import Actor
from inventory.services import reservation_release
from orders.exceptions import OrderNotCancellable, ReasonRequired
from orders.locks import lock_order
from orders.models import CUSTOMER_CANCELLABLE, Order, Payment, RecoveryOpportunity
from orders.services.notifications import order_cancelled_notify, payment_expired_notify
from orders.services.transitions import order_transition
from orders.tasks import payment_charge_cancel as payment_charge_cancel_task
from orders.tasks import payment_reverse as payment_reverse_task

UNPAID = (Order.CancelReason.PAYMENT_EXPIRED, Order.CancelReason.NOT_PAID)


def order_cancel(
    *, order_id: int, actor: Actor, reason: str, note: str = "", by_customer: bool = False
) -> Order:
    """Cancel an order that has not shipped. Must run inside the caller's transaction.

    Its stock goes back on sale; once this commits, authorised cards are voided, paid money
    refunded and open Pix codes and boletos withdrawn at the provider; the customer is told
    (unpaid orders get a link that puts the items back in a cart). Raises
    TransitionNotAllowed or PermissionMissing.
    """
    order = order_transition(
        order_id=order_id,
        to=Order.Status.CANCELLED,
        actor=actor,
        note=note or str(Order.CancelReason(reason).label),
        by_customer=by_customer,
    )
    order.cancel_reason = reason
    order.hold_reason, order.held_at = "", None
    order.save(update_fields=["cancel_reason", "hold_reason", "held_at", "updated_at"])
    reservation_release(reference=f"order:{order_id}", actor=actor, reason=reason)
    held = order.payments.filter(status__in=[Payment.Status.AUTHORISED, Payment.Status.PAID])
    for payment_id, status in (held | order.payments.open_charges()).values_list("pk", "status"):
        if status == Payment.Status.PENDING:
            payment_charge_cancel_task.delay_on_commit(payment_id=payment_id)
        else:
            payment_reverse_task.delay_on_commit(payment_id=payment_id)
    if reason == Order.CancelReason.EXCHANGE_CALLED_OFF:
        return order  # the customer hears it from their return request
    latest = order.payments.order_by("-created_at", "-pk").first()
    if reason in UNPAID:
        payment_expired_notify(order=order, payment=latest)
    else:
        order_cancelled_notify(order=order, payment=latest, by_customer=by_customer)
    kind = _lost_sale_kind(order=order, reason=reason)
    if kind:
        RecoveryOpportunity.objects.get_or_create(
            order=order,
            defaults={
                "kind": kind,
                "customer": order.customer,
                "name": order.full_name,
                "email": order.email.lower(),
                "phone": order.phone,
                "language": order.language,
                "value": order.grand_total,
                "lines": [[line.variant_id, line.quantity] for line in order.lines.all()],
            },
        )
    return order


def _lost_sale_kind(*, order: Order, reason: str) -> str:
    """Which kind of lost sale a cancellation is worth winning back, or "" for none: orders
    refused by the risk analysis, cancelled by staff or replaced by an exchange are not."""
    if order.channel == Order.Channel.EXCHANGE:
        return ""
    if reason == Order.CancelReason.CUSTOMER:
        return RecoveryOpportunity.Kind.CANCELLED_ORDER
    if reason not in UNPAID:
        return ""
    declined = order.payments.filter(method=Payment.Method.CARD, status=Payment.Status.FAILED).exists()
    return RecoveryOpportunity.Kind.CARD_DECLINED if declined else RecoveryOpportunity.Kind.EXPIRED_PAYMENT


@transaction.atomic
def order_cancel_by_customer(*, order_id: int, customer, note: str = "") -> Order:
    """The customer cancels their order before it ships (the view checked it is theirs: their
    account, or the signed link of a guest). Raises OrderNotCancellable."""
    order = lock_order(order_id)
    if order.status not in CUSTOMER_CANCELLABLE:
        raise OrderNotCancellable()
    return order_cancel(
        order_id=order_id,
        actor=Actor.customer(customer),
        reason=Order.CancelReason.CUSTOMER,
        note=note,
        by_customer=True,
    )


@transaction.atomic
def order_cancel_by_staff(*, order_id: int, actor: Actor, note: str) -> Order:
    """Staff cancel an order that has not shipped, saying why. Raises ReasonRequired,
    TransitionNotAllowed or PermissionMissing."""
    if not note.strip():
        raise ReasonRequired()
    return order_cancel(order_id=order_id, actor=actor, reason=Order.CancelReason.STAFF, note=note.strip())
