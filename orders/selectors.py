from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from orders.models import Order, OrderEvent, Payment

ACCESS_SALT = "orders.order-access"
ACCESS_MAX_AGE = 60 * 60 * 24 * 180  # a guest's link works for six months


def order_list_for_customer(*, customer) -> QuerySet[Order]:
    return Order.objects.filter(customer=customer).prefetch_related("lines").order_by("-placed_at", "-pk")


def _with_page_data(orders: QuerySet[Order]) -> QuerySet[Order]:
    timeline = OrderEvent.objects.exclude(to_status="").order_by("created_at", "pk")
    return orders.prefetch_related(
        "lines",
        Prefetch("events", queryset=timeline, to_attr="timeline"),
        Prefetch("payments", queryset=Payment.objects.order_by("-created_at", "-pk"), to_attr="payment_list"),
    )


def order_get_for_customer(*, customer, number: str) -> Order:
    """The customer's own order; anyone else's is not found, never forbidden (no hint it exists)."""
    order = _with_page_data(Order.objects.filter(customer=customer, number=number)).first()
    if order is None:
        raise Http404("No such order.")
    return order


def order_access_token(*, order: Order) -> str:
    """The signed part of the link a guest follows their order with, sent in their emails."""
    return signing.dumps(order.number, salt=ACCESS_SALT)


def order_get_for_guest(*, number: str, token: str) -> Order:
    """The order a signed link names; a wrong, altered or expired link finds nothing."""
    try:
        signed_number = signing.loads(token, salt=ACCESS_SALT, max_age=ACCESS_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404("No such order.") from error
    order = _with_page_data(Order.objects.filter(number=number)).first() if signed_number == number else None
    if order is None:
        raise Http404("No such order.")
    return order


def order_last_for_customer(*, customer) -> Order | None:
    """The customer's latest order, whose contact and address the next checkout starts from."""
    return Order.objects.filter(customer=customer).order_by("-placed_at", "-pk").first()


def payment_list_sandbox_pending() -> QuerySet[Payment]:
    """Pix and boletos of the sandbox provider waiting for their notice, oldest first."""
    from orders.adapters.sandbox import SandboxGateway

    return (
        Payment.objects.filter(
            gateway=SandboxGateway.name,
            method__in=[Payment.Method.PIX, Payment.Method.BOLETO],
            status=Payment.Status.PENDING,
            gateway_reference__isnull=False,
        )
        .select_related("order")
        .order_by("created_at", "pk")
    )
