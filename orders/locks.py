from core.locks import for_update
from orders.models import Order


def lock_order(order_id: int) -> Order:
    return for_update(Order.objects.filter(pk=order_id)).get()
