from core.locks import for_update
from orders.models import Order, Payment


def lock_order(order_id: int) -> Order:
    return for_update(Order.objects.filter(pk=order_id)).get()


def lock_payment(payment_id: int) -> Payment:
    return for_update(Payment.objects.filter(pk=payment_id)).get()
