"""Reads for the data protection queue: erasure requests by deadline, and what erasing a
customer keeps and why."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from core.money import quantize_brl
from logistics.models import InvoiceRecord
from orders.models import Order, Payment
from storefront.accounts.erasure import erasure_blockers
from storefront.accounts.models import ErasureRequest


def erasure_request_list(*, status: str = "") -> QuerySet[ErasureRequest]:
    """Open requests (or those in `status`), the nearest deadline first, with their customer."""
    requests = ErasureRequest.objects.select_related("customer")
    if status:
        return requests.filter(status=status).order_by("deadline", "pk")
    return requests.filter(status__in=ErasureRequest.OPEN_STATUSES).order_by("deadline", "pk")


def erasure_request_count_open() -> int:
    return ErasureRequest.objects.filter(status__in=ErasureRequest.OPEN_STATUSES).count()


def erasure_request_get(*, pk: int) -> ErasureRequest:
    return ErasureRequest.objects.select_related("customer").prefetch_related("events").get(pk=pk)


@dataclass(frozen=True)
class KeptRecords:
    """What stays after erasure, for the law: orders, their invoices and payments, with amounts."""

    orders: int
    orders_total: Decimal
    invoices: int
    payments: int
    payments_total: Decimal
    blockers: list[str]


def erasure_kept_records(*, request: ErasureRequest) -> KeptRecords:
    user = request.customer
    orders = Order.objects.filter(Q(customer=user) | Q(email=user.email))
    order_totals = orders.aggregate(count=Count("pk"), total=Sum("grand_total"))
    payments = Payment.objects.filter(order__in=orders).aggregate(count=Count("pk"), total=Sum("amount"))
    return KeptRecords(
        orders=order_totals["count"],
        orders_total=quantize_brl(order_totals["total"] or 0),
        invoices=InvoiceRecord.objects.filter(Q(order__in=orders) | Q(shipment__order__in=orders)).count(),
        payments=payments["count"],
        payments_total=quantize_brl(payments["total"] or 0),
        blockers=erasure_blockers(user=user) if request.is_open else [],
    )
