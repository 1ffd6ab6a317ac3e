from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core import signing
from django.db.models import Avg, Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from orders.models import BlockedAddress, Order, OrderEvent, Payment, Refund, RiskAnalysis, RiskCheck

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
        Prefetch("refunds", queryset=_refunds_shown(), to_attr="refund_list"),
    )


def _refunds_shown() -> QuerySet[Refund]:
    return Refund.objects.select_related("payment", "voucher").order_by("created_at", "pk")


def refund_list_for_order(*, order: Order) -> QuerySet[Refund]:
    """The order's refunds, oldest first, with the payment each comes from and the store
    credit voucher it issued."""
    return _refunds_shown().filter(order=order)


def refund_list_failed() -> QuerySet[Refund]:
    """Refunds that failed and wait for a person, the longest waiting first, with their order
    and the payment the money goes back to."""
    return (
        Refund.objects.filter(status=Refund.Status.FAILED)
        .select_related("order", "payment")
        .order_by("updated_at", "pk")
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


@dataclass(frozen=True)
class RiskFacts:
    """What the risk analysis knows about an order beyond the order itself."""

    previous_orders: int
    previous_average: Decimal | None
    cpf_emails: int
    failed_payments: int
    cards_tried: int
    address_blocked: bool
    payment: Payment | None
    largest_quantity: int


RECENT_ATTEMPTS = timedelta(hours=24)


def order_risk_facts(*, order: Order) -> RiskFacts:
    """The customer's history by email, CPF or the company's CNPJ, recent payment attempts and
    blocklists, in a fixed handful of queries."""
    same_buyer = Q(email=order.email) | Q(cpf=order.cpf)
    if order.cnpj:
        same_buyer |= Q(cnpj=order.cnpj)
    history = (
        Order.objects.filter(same_buyer)
        .exclude(pk=order.pk)
        .exclude(status__in=[Order.Status.CANCELLED, Order.Status.AWAITING_PAYMENT])
        .aggregate(count=Count("pk"), average=Avg("grand_total"))
    )
    recent = Payment.objects.filter(
        Q(order__email=order.email) | Q(order__cpf=order.cpf),
        created_at__gte=timezone.now() - RECENT_ATTEMPTS,
    )
    return RiskFacts(
        previous_orders=history["count"],
        previous_average=history["average"],
        cpf_emails=Order.objects.filter(cpf=order.cpf)
        .annotate(lower=Lower("email"))
        .values("lower")
        .distinct()
        .count(),
        failed_payments=recent.filter(status=Payment.Status.FAILED).count(),
        cards_tried=recent.filter(method=Payment.Method.CARD)
        .exclude(card_last4="")
        .values("card_brand", "card_last4")
        .distinct()
        .count(),
        address_blocked=BlockedAddress.objects.filter(
            cep=order.cep, street_number=order.street_number
        ).exists(),
        payment=order.payments.filter(status__in=[Payment.Status.AUTHORISED, Payment.Status.PAID]).first(),
        largest_quantity=order.lines.aggregate(largest=Max("quantity"))["largest"] or 0,
    )


def _held_for_analysts() -> QuerySet[Order]:
    """Held orders but exchanges' replacements waiting for their returns (the returns team's)."""
    return Order.objects.filter(status=Order.Status.ON_HOLD).exclude(hold_reason=Order.HoldReason.RETURN)


def order_hold_queue(*, reason: str = "") -> QuerySet[Order]:
    """Orders held for the analysts, the longest waiting first (paginate the result)."""
    orders = _held_for_analysts()
    if reason:
        orders = orders.filter(hold_reason=reason)
    return orders.order_by("held_at", "pk")


def order_hold_counts() -> dict[str, int]:
    """How many orders wait for each hold reason the analysts work."""
    return dict(_held_for_analysts().values_list("hold_reason").annotate(count=Count("pk")).order_by())


def order_workspace(*, number: str) -> Order:
    """An order as an analyst studies it: lines, payments, the latest analysis rule by rule,
    and its whole timeline (notes included)."""
    analyses = RiskAnalysis.objects.prefetch_related(
        Prefetch("checks", queryset=RiskCheck.objects.order_by("kind", "-hit", "-weight", "code"))
    ).order_by("-created_at", "-pk")
    order = (
        Order.objects.filter(number=number)
        .select_related("customer")
        .prefetch_related(
            "lines",
            Prefetch(
                "payments", queryset=Payment.objects.order_by("-created_at", "-pk"), to_attr="payment_list"
            ),
            Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "pk"), to_attr="history"),
            Prefetch("analyses", queryset=analyses, to_attr="analysis_list"),
        )
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    return order


CUSTOMER_HISTORY_SIZE = 10


def order_customer_history(*, order: Order) -> list[Order]:
    """The customer's other orders, by email or CPF, newest first (the latest few)."""
    return list(
        Order.objects.filter(Q(email=order.email) | Q(cpf=order.cpf))
        .exclude(pk=order.pk)
        .order_by("-placed_at", "-pk")[:CUSTOMER_HISTORY_SIZE]
    )
