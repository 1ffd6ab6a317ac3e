from collections.abc import Iterable

from core.locks import for_update
from orders.models import Order, Payment, RecoveryOpportunity, Refund


def lock_order(order_id: int) -> Order:
    return for_update(Order.objects.filter(pk=order_id)).get()


def lock_payment(payment_id: int) -> Payment:
    return for_update(Payment.objects.filter(pk=payment_id)).get()


def lock_payments(ids: Iterable[int]) -> list[Payment]:
    return list(for_update(Payment.objects.filter(pk__in=list(ids))))


def lock_refund(refund_id: int) -> Refund:
    """A refund is locked after its payment and its order."""
    return for_update(Refund.objects.filter(pk=refund_id)).get()


def lock_recovery_opportunity(opportunity_id: int) -> RecoveryOpportunity:
    """A lost sale is locked after the order it came from."""
    return for_update(RecoveryOpportunity.objects.filter(pk=opportunity_id)).get()
