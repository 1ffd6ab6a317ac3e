"""Starting a payment with the provider: a card authorisation, a Pix code or a boleto."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.actor import Actor
from core.calendar import add_business_days
from core.money import installment_options
from inventory.services import reservation_allocate
from orders.adapters.base import (
    CardOutcome,
    CardRejected,
    CardToken,
    ChargeAlreadyPaid,
    GatewayUnavailable,
    PaymentGateway,
    SettlementInProgress,
)
from orders.exceptions import (
    CardInvalid,
    InstallmentsNotAllowed,
    PaymentNotAllowed,
    PaymentProviderDown,
    PixDiscountNeedsPix,
)
from orders.locks import lock_order, lock_payment
from orders.models import Order, Payment
from orders.services.cancellation import order_cancel
from orders.services.notifications import (
    order_received_notify,
    payment_confirmed_notify,
    payment_late_refund_notify,
)
from orders.services.transitions import order_transition, payment_transition
from orders.tasks import order_analyse as order_analyse_task
from orders.tasks import payment_charge_cancel as payment_charge_cancel_task
from orders.tasks import payment_reverse as payment_reverse_task

PROVIDER_ACTOR = Actor.job("payment_provider")
OPEN_PAYMENT = (Payment.Status.PENDING, Payment.Status.AUTHORISED)


def payment_gateway() -> PaymentGateway:
    return import_string(settings.STORE_PAYMENT_GATEWAY)()


def is_sandbox_active() -> bool:
    """Whether payments go to the sandbox provider, whose charges staff may pay or expire."""
    from orders.adapters.sandbox import SandboxGateway

    return payment_gateway().name == SandboxGateway.name


def card_tokenise(*, number: str, holder: str, expiry_month: int, expiry_year: int, cvv: str) -> CardToken:
    """Swap card data for the provider's token; the data itself is never kept. (With a real
    provider its script does this in the shopper's browser.) Raises CardInvalid or
    PaymentProviderDown."""
    try:
        return payment_gateway().tokenise_card(
            number=number, holder=holder, expiry_month=expiry_month, expiry_year=expiry_year, cvv=cvv
        )
    except CardRejected as error:
        raise CardInvalid() from error
    except GatewayUnavailable as error:
        raise PaymentProviderDown() from error


def _payment_open(*, order_id: int, method: str, installments: int) -> Payment:
    """The order's payment in progress, or a new pending one: double clicks get the same, and
    so does trying again the same way after the provider did not answer (same idempotency key).
    An unanswered attempt of another method is given up first."""
    with transaction.atomic():
        unanswered = Payment.objects.filter(
            order_id=order_id, status=Payment.Status.PENDING, gateway_reference=None
        ).exclude(method=method)
        for payment_id in unanswered.values_list("pk", flat=True):
            _payment_give_up(payment_id=payment_id, reason="replaced by another attempt")
        order = lock_order(order_id)
        if order.status != Order.Status.AWAITING_PAYMENT:
            raise PaymentNotAllowed()
        existing = order.payments.filter(status__in=OPEN_PAYMENT).first()
        if existing is not None:
            return existing
        if order.pix_discount and method != Payment.Method.PIX:
            raise PixDiscountNeedsPix()
        if method == Payment.Method.CARD and installments not in dict(installment_options(order.grand_total)):
            raise InstallmentsNotAllowed()
        return Payment.objects.create(
            order=order,
            method=method,
            amount=order.grand_total,
            installments=installments if method == Payment.Method.CARD else 1,
            gateway=payment_gateway().name,
        )


def _payment_give_up(*, payment_id: int, reason: str) -> None:
    """Fail an attempt the provider never answered. Caller is in a transaction and holds no
    order lock yet (payments lock before orders)."""
    payment = lock_payment(payment_id)
    if payment.status == Payment.Status.PENDING and not payment.gateway_reference:
        payment.failure_reason = reason
        payment_transition(payment=payment, to=Payment.Status.FAILED, update_fields=("failure_reason",))


def _payment_unanswered(*, payment_id: int, reason: str) -> None:
    """Note that the provider did not answer. The attempt stays pending: trying again sends
    the same idempotency key, so the provider never charges twice for it."""
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if payment.status == Payment.Status.PENDING and not payment.gateway_reference:
            payment.failure_reason = reason[:200]
            payment.save(update_fields=["failure_reason", "updated_at"])


def payment_start(
    *,
    order_id: int,
    method: str,
    card_token: str = "",
    card_brand: str = "",
    card_last4: str = "",
    card_holder: str = "",
    installments: int = 1,
) -> Payment:
    """Ask the provider for the order's payment and record its answer.

    The provider is called outside any transaction, with an idempotency key derived from the
    payment, so a retry never charges twice. Raises PaymentNotAllowed, InstallmentsNotAllowed
    or PaymentProviderDown (the attempt stays pending; the shopper may try again).
    """
    payment = _payment_open(order_id=order_id, method=method, installments=installments)
    if payment.gateway_reference:
        return payment
    gateway, key, method = payment_gateway(), f"payment:{payment.pk}", payment.method
    try:
        if method == Payment.Method.CARD:
            result = gateway.authorise_card(
                token=card_token,
                amount=payment.amount,
                installments=payment.installments,
                idempotency_key=key,
            )
        elif method == Payment.Method.PIX:
            expires_at = timezone.now() + timedelta(minutes=settings.STORE_PIX_EXPIRY_MINUTES)
            result = gateway.create_pix(amount=payment.amount, expires_at=expires_at, idempotency_key=key)
        else:
            due = add_business_days(timezone.localdate(), settings.STORE_BOLETO_DUE_BUSINESS_DAYS)
            order = payment.order
            result = gateway.create_boleto(
                amount=payment.amount,
                due_date=due,
                payer_name=order.full_name,
                payer_cpf=order.cpf,
                idempotency_key=key,
            )
    except GatewayUnavailable as error:
        _payment_unanswered(payment_id=payment.pk, reason=f"provider unavailable: {error}")
        raise PaymentProviderDown() from error

    with transaction.atomic():
        payment = lock_payment(payment.pk)
        if payment.gateway_reference or payment.status != Payment.Status.PENDING:
            return payment  # a concurrent repeat of this request recorded the answer
        payment.gateway_reference, payment.failure_reason = result.reference or None, ""
        fields = ["gateway_reference", "failure_reason"]
        if method == Payment.Method.CARD:
            payment.card_brand, payment.card_last4, payment.card_holder = (
                card_brand,
                card_last4,
                card_holder[:60],
            )
            fields += ["card_brand", "card_last4", "card_holder"]
            if result.outcome == CardOutcome.DECLINED:
                payment.failure_reason = result.message or "declined"
                return payment_transition(payment=payment, to=Payment.Status.FAILED, update_fields=fields)
            payment.provider_flag = "high_risk" if result.outcome == CardOutcome.HIGH_RISK else ""
            payment_transition(
                payment=payment, to=Payment.Status.AUTHORISED, update_fields=(*fields, "provider_flag")
            )
            if Order.objects.filter(pk=payment.order_id, status=Order.Status.CANCELLED).exists():
                # Cancelled while the provider was authorising: release the card at once.
                payment_reverse_task.delay_on_commit(payment_id=payment.pk)
                return payment
            # An authorised card counts as paid; it is captured once the order is validated.
            order_paid(order_id=payment.order_id, actor=PROVIDER_ACTOR, note=_("Card authorised"))
            order_received_notify(payment=payment)
            return payment
        if method == Payment.Method.PIX:
            payment.pix_code, payment.expires_at = result.copy_paste, result.expires_at
            fields += ["pix_code", "expires_at"]
        else:
            payment.boleto_line, payment.boleto_barcode = result.digitable_line, result.barcode
            payment.boleto_due_date = result.due_date
            # A boleto can be paid until the end of its due date; clearing takes up to a day more.
            payment.expires_at = timezone.make_aware(datetime.combine(result.due_date, time.max)) + timedelta(
                days=1
            )
            fields += ["boleto_line", "boleto_barcode", "boleto_due_date", "expires_at"]
        payment.save(update_fields=[*fields, "updated_at"])
        if Order.objects.filter(pk=payment.order_id, status=Order.Status.CANCELLED).exists():
            # Cancelled while the provider was issuing it: withdraw the charge at once.
            payment_charge_cancel_task.delay_on_commit(payment_id=payment.pk)
            return payment
        order_received_notify(payment=payment)
        return payment


def order_paid(*, order_id: int, actor: Actor, note: str) -> None:
    """The order is paid: its stock is allocated to bins and lots, and the risk analysis runs
    once this commits."""
    order = order_transition(order_id=order_id, to=Order.Status.PAID, actor=actor, note=note)
    order.units_short = reservation_allocate(reference=f"order:{order_id}")
    order.save(update_fields=["units_short", "updated_at"])
    order_analyse_task.delay_on_commit(order_id=order_id)


def payment_mark_paid(*, payment: Payment, actor: Actor, note: str = "") -> Payment:
    """The money arrived: the payment and its order are paid and the order keeps its stock.
    Caller holds the payment lock and has checked the payment is still open."""
    payment.paid_at = timezone.now()
    payment_transition(payment=payment, to=Payment.Status.PAID, update_fields=("paid_at",))
    order_paid(order_id=payment.order_id, actor=actor, note=note)
    payment_confirmed_notify(payment=payment)
    return payment


def payment_settle_for_cancelled_order(*, payment: Payment, paid: bool) -> Payment:
    """A Pix or boleto of an order cancelled meanwhile (or already expired, or withdrawn at
    the provider) settles: an expiry just closes it; money that arrived anyway goes back
    (refund after commit) and the customer is told how and when. Caller holds the payment
    lock."""
    if not paid and payment.status in (Payment.Status.EXPIRED, Payment.Status.CANCELLED):
        return payment
    if not paid:
        return payment_transition(payment=payment, to=Payment.Status.EXPIRED)
    payment.paid_at = timezone.now()
    payment_transition(payment=payment, to=Payment.Status.PAID, update_fields=("paid_at",))
    payment_reverse_task.delay_on_commit(payment_id=payment.pk)
    payment_late_refund_notify(payment=payment)
    return payment


def payment_charge_cancel(*, payment_id: int) -> Payment:
    """Withdraw the open Pix or boleto of a cancelled order at the provider, so it can no
    longer be paid, and mark the payment cancelled.

    A charge the provider says was paid first is settled as money arriving after the
    cancellation (refunded, customer told); anything else already closed is returned as it
    is. The provider is called outside any transaction with a key derived from the payment,
    so a retry withdraws once. Raises GatewayUnavailable for the task to retry.
    """
    payment = Payment.objects.get(pk=payment_id)
    if (
        not payment.is_open_charge
        or not Order.objects.filter(pk=payment.order_id, status=Order.Status.CANCELLED).exists()
    ):
        return payment
    try:
        payment_gateway().cancel_charge(
            reference=payment.gateway_reference, idempotency_key=f"cancel:{payment.pk}"
        )
    except ChargeAlreadyPaid:
        paid = True
    else:
        paid = False
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if payment.status != Payment.Status.PENDING:
            return payment  # the provider's notice settled it meanwhile
        if paid:
            return payment_settle_for_cancelled_order(payment=payment, paid=True)
        return payment_transition(payment=payment, to=Payment.Status.CANCELLED)


def payment_mark_expired(*, payment: Payment, actor: Actor) -> Payment:
    """Nobody paid in time: the order is cancelled and its stock goes back on sale.
    Caller holds the payment lock and has checked the payment is still open."""
    if Order.objects.filter(pk=payment.order_id, status=Order.Status.CANCELLED).exists():
        return payment_settle_for_cancelled_order(payment=payment, paid=False)  # cancelled meanwhile
    payment_transition(payment=payment, to=Payment.Status.EXPIRED)
    order_cancel(order_id=payment.order_id, actor=actor, reason=Order.CancelReason.PAYMENT_EXPIRED)
    return payment


def _card_settle(*, payment_id: int, to: str) -> Payment:
    """Capture (`to` PAID) or void (`to` VOIDED) an authorised card with the provider.

    The payment is first claimed for that one settlement with a conditional update, so a
    capture and a void can never both reach the provider; the provider is called outside any
    transaction with a key derived from the payment, so a retry never settles twice. A
    payment already settled that way is returned as it is. Raises PaymentNotAllowed, or
    GatewayUnavailable for the task to retry.
    """
    action = "capture" if to == Payment.Status.PAID else "void"
    if (
        action == "capture"
        and Order.objects.filter(payments=payment_id, status=Order.Status.CANCELLED).exists()
    ):
        raise PaymentNotAllowed()  # cancelled meanwhile: the reverse voids it instead
    claimed = (
        Payment.objects.filter(pk=payment_id, status=Payment.Status.AUTHORISED, method=Payment.Method.CARD)
        .filter(Q(settlement="") | Q(settlement=action))
        .update(settlement=action, updated_at=timezone.now())
    )
    payment = Payment.objects.get(pk=payment_id)
    if not claimed:
        if payment.status == to:
            return payment
        raise PaymentNotAllowed()
    gateway = payment_gateway()
    if action == "capture":
        gateway.capture_card(
            reference=payment.gateway_reference,
            amount=payment.amount,
            idempotency_key=f"capture:{payment.pk}",
        )
    else:
        gateway.void_card(reference=payment.gateway_reference, idempotency_key=f"void:{payment.pk}")
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if payment.status == Payment.Status.AUTHORISED:
            payment.paid_at = timezone.now() if to == Payment.Status.PAID else None
            payment_transition(payment=payment, to=to, update_fields=("paid_at",))
        return payment


def payment_reverse(*, payment_id: int) -> Payment:
    """Give the money of a refused or cancelled order back: an authorised card is voided, a
    paid payment refunded in full. A payment already reversed is returned as it is. The
    provider is called outside any transaction with a key derived from the payment."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status == Payment.Status.AUTHORISED and payment.settlement == "capture":
        raise SettlementInProgress()  # a capture is with the provider: refund once it lands
    if payment.status == Payment.Status.AUTHORISED:
        return payment_void(payment_id=payment_id)
    if payment.status == Payment.Status.REFUNDED:
        return payment
    claimed = (
        Payment.objects.filter(pk=payment_id, status=Payment.Status.PAID)
        .filter(Q(settlement="") | Q(settlement="capture") | Q(settlement="refund"))
        .update(settlement="refund", updated_at=timezone.now())
    )
    if not claimed:
        raise PaymentNotAllowed()
    payment_gateway().refund(
        reference=payment.gateway_reference, amount=payment.amount, idempotency_key=f"refund:{payment.pk}"
    )
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if payment.status == Payment.Status.PAID:
            payment.refunded_amount, payment.refunded_at = payment.amount, timezone.now()
            payment_transition(
                payment=payment,
                to=Payment.Status.REFUNDED,
                update_fields=("refunded_amount", "refunded_at"),
            )
        return payment


def payment_capture(*, payment_id: int) -> Payment:
    """Take the money of an authorised card, once its order is approved."""
    return _card_settle(payment_id=payment_id, to=Payment.Status.PAID)


def payment_void(*, payment_id: int) -> Payment:
    """Release an authorised card's hold, when its order is rejected or cancelled."""
    return _card_settle(payment_id=payment_id, to=Payment.Status.VOIDED)


EXPIRE_BATCH = 200
EXPIRY_ACTOR = Actor.job("payments_expire")
# An order whose every payment attempt failed (declined cards, a provider that never
# answered) keeps its stock this long for the shopper to try again.
UNPAID_GRACE = timedelta(hours=2)


def payments_expire(*, now: datetime | None = None) -> int:
    """Expire one batch of Pix and boletos past their time whose provider notice never came;
    return how many. Each is re-checked under its lock: a payment that just arrived wins."""
    now = now or timezone.now()
    due_ids = list(
        Payment.objects.filter(status=Payment.Status.PENDING, expires_at__lt=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:EXPIRE_BATCH]
    )
    expired = 0
    for payment_id in due_ids:
        with transaction.atomic():
            payment = lock_payment(payment_id)
            if payment.status == Payment.Status.PENDING and payment.expires_at and payment.expires_at < now:
                payment_mark_expired(payment=payment, actor=EXPIRY_ACTOR)
                expired += 1
    return expired


def orders_unpaid_cancel(*, now: datetime | None = None) -> int:
    """Cancel one batch of orders left without a payment in progress for UNPAID_GRACE (every
    card declined, or the provider never answered), freeing their stock and telling the
    customer; return how many. Each is re-checked under the order's lock, which a new
    payment attempt also takes."""
    now = now or timezone.now()
    in_progress = Q(payments__status=Payment.Status.AUTHORISED) | Q(
        payments__status=Payment.Status.PENDING, payments__gateway_reference__isnull=False
    )
    due_ids = list(
        Order.objects.awaiting_payment()
        .filter(placed_at__lt=now - UNPAID_GRACE)
        .exclude(in_progress)
        .order_by("placed_at")
        .values_list("pk", flat=True)[:EXPIRE_BATCH]
    )
    cancelled = 0
    for order_id in due_ids:
        with transaction.atomic():
            for payment_id in Payment.objects.filter(
                order_id=order_id, status=Payment.Status.PENDING, gateway_reference=None
            ).values_list("pk", flat=True):
                _payment_give_up(payment_id=payment_id, reason="not answered in time")
            order = lock_order(order_id)
            has_open_payment = order.payments.filter(status__in=OPEN_PAYMENT).exists()
            if order.status != Order.Status.AWAITING_PAYMENT or has_open_payment:
                continue
            order_cancel(order_id=order_id, actor=EXPIRY_ACTOR, reason=Order.CancelReason.NOT_PAID)
            cancelled += 1
    return cancelled


# Captures and reversals not done this long after they were due were lost or gave up: retry.
SETTLE_AFTER = timedelta(minutes=30)
# A cancelled order's Pix code must stop working well before it would expire by itself.
WITHDRAW_AFTER = timedelta(minutes=5)


def payments_settle_reconcile(*, now: datetime | None = None) -> int:
    """Enqueue again the capture of authorised cards of validated orders, the reversal of
    money still held for cancelled orders and the withdrawal of their Pix and boletos still
    open at the provider; return how many were enqueued."""
    from orders.tasks import payment_capture as payment_capture_task

    now = now or timezone.now()
    due = now - SETTLE_AFTER
    to_capture = list(
        Payment.objects.filter(
            status=Payment.Status.AUTHORISED, updated_at__lt=due, order__status__in=SETTLED_ORDER_STATUSES
        ).values_list("pk", flat=True)[:EXPIRE_BATCH]
    )
    to_reverse = list(
        Payment.objects.filter(
            status__in=[Payment.Status.AUTHORISED, Payment.Status.PAID],
            updated_at__lt=due,
            order__status=Order.Status.CANCELLED,
        ).values_list("pk", flat=True)[:EXPIRE_BATCH]
    )
    to_withdraw = list(
        Payment.objects.open_charges()
        .filter(
            order__status=Order.Status.CANCELLED,
            order__updated_at__lt=now - WITHDRAW_AFTER,
        )
        .values_list("pk", flat=True)[:EXPIRE_BATCH]
    )
    for payment_id in to_capture:
        payment_capture_task.delay(payment_id=payment_id)
    for payment_id in to_reverse:
        payment_reverse_task.delay(payment_id=payment_id)
    for payment_id in to_withdraw:
        payment_charge_cancel_task.delay(payment_id=payment_id)
    return len(to_capture) + len(to_reverse) + len(to_withdraw)


# Orders past validation whose card must have been captured.
SETTLED_ORDER_STATUSES = (
    Order.Status.VALIDATED,
    Order.Status.PICKING,
    Order.Status.PACKED,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
    Order.Status.COMPLETED,
)
