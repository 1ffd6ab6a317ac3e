"""The messages a customer gets about an order's payment, sent through support.notifications."""

from django.conf import settings
from django.urls import reverse

from orders.models import Order, Payment, Refund
from orders.selectors import order_access_token
from support.notifications.models import Notification
from support.notifications.services import notification_queue


def order_links(*, order: Order) -> dict[str, str]:
    """Absolute links a message about the order carries; guests open them without logging in."""
    query = f"?t={order_access_token(order=order)}"

    def link(name: str) -> str:
        return settings.SITE_URL + reverse(name, kwargs={"number": order.number}) + query

    return {
        "order_url": link("checkout:order-track"),
        "boleto_url": link("checkout:order-boleto"),
        "restore_url": link("cart:cart-restore"),
    }


def order_notify(
    *, kind: str, order: Order, dedup_key: str, payment: Payment | None = None, **context
) -> Notification:
    """A message to the customer about their order, in the order's language, with its lines
    and the links a guest opens without logging in."""
    return notification_queue(
        kind=kind,
        dedup_key=dedup_key,
        recipient=order.customer,
        to_address=order.email,
        language=order.language,
        context={
            "order": order,
            "lines": list(order.lines.all()),
            "payment": payment,
            "first_name": order.full_name.split()[0],
            **order_links(order=order),
            **context,
        },
    )


def order_received_notify(*, payment: Payment) -> Notification:
    """The order is in: what was bought and, for Pix and boleto, how to pay."""
    kind = Notification.Kind.ORDER_RECEIVED
    return order_notify(kind=kind, order=payment.order, payment=payment, dedup_key=f"{kind}:{payment.pk}")


def payment_confirmed_notify(*, payment: Payment) -> Notification:
    kind = Notification.Kind.PAYMENT_CONFIRMED
    return order_notify(
        kind=kind, order=payment.order, payment=payment, dedup_key=f"{kind}:{payment.order_id}"
    )


def payment_expired_notify(*, order: Order, payment: Payment | None) -> Notification:
    """Nobody paid in time: the order is cancelled, with a link that puts its items back in a cart."""
    kind = Notification.Kind.PAYMENT_EXPIRED
    return order_notify(kind=kind, order=order, payment=payment, dedup_key=f"{kind}:{order.pk}")


def order_cancelled_notify(
    *, order: Order, payment: Payment | None, by_customer: bool = False
) -> Notification:
    """The order was cancelled, by the customer themselves or by the store; any money goes
    back (`payment` is its latest attempt)."""
    kind = Notification.Kind.ORDER_CANCELLED
    return order_notify(
        kind=kind, order=order, payment=payment, dedup_key=f"{kind}:{order.pk}", by_customer=by_customer
    )


def payment_late_refund_notify(*, payment: Payment) -> Notification:
    """Money arrived for an order already cancelled: how much, when, and how and by when it
    goes back."""
    kind = Notification.Kind.LATE_PAYMENT_REFUND
    return order_notify(kind=kind, order=payment.order, payment=payment, dedup_key=f"{kind}:{payment.pk}")


def order_information_request_notify(*, order: Order, message: str, event_id: int) -> Notification:
    """An analyst needs something from the customer before the order can go on."""
    kind = Notification.Kind.INFORMATION_REQUEST
    return order_notify(kind=kind, order=order, payment=None, dedup_key=f"{kind}:{event_id}", message=message)


def store_credit_notify(*, refund: Refund) -> Notification:
    """Money given back as store credit: the voucher code to type at checkout, how much it is
    worth, until when, and that only the order's CPF may use it."""
    kind = Notification.Kind.STORE_CREDIT
    return order_notify(
        kind=kind,
        order=refund.order,
        dedup_key=f"{kind}:{refund.pk}",
        voucher=refund.voucher,
        amount=refund.amount,
    )
