from core.locks import for_update
from returns.models import ReturnRequest


def lock_return_request(request_id: int) -> ReturnRequest:
    """A return request, after its order's payments and its order, in the project's lock order
    (the order lock also keeps two requests from claiming the same units; the payments are
    the ones its refund will take)."""
    from orders.locks import lock_order, lock_payments
    from orders.models import Payment

    order_id = ReturnRequest.objects.values_list("order_id", flat=True).get(pk=request_id)
    lock_payments(Payment.objects.filter(order_id=order_id).values_list("pk", flat=True))
    lock_order(order_id)
    for_update(ReturnRequest.objects.filter(pk=request_id)).get()
    return ReturnRequest.objects.select_related("order").get(pk=request_id)
