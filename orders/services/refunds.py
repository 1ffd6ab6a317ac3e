"""Money given back on an order, exactly once: to the card or Pix it came from, by transfer to a
Pix key or bank account (how a boleto is paid back), or as store credit.

A refund is asked once per `source` (a return request, say) inside the asker's transaction;
after commit a task makes it. The provider is called outside any transaction with a key
derived from the refund, so a run that crashed after the provider paid asks again with the
same key and is told the same answer, paying nothing more; the refund, the payment's refunded
amount and the order's timeline then change together under the payment and order locks.
"""

import re
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.cpf import compact_cnpj, is_valid_cnpj, is_valid_cpf, only_digits
from core.money import format_brl
from core.transitions import status_move
from orders.exceptions import (
    BankAccountInvalid,
    BoletoNotRefundable,
    PixKeyInvalid,
    RefundAboveRefundable,
    RefundAmountInvalid,
    RefundDestinationMissing,
    RefundExceedsPayment,
    RefundMethodUnknown,
    RefundSourceTaken,
    RefundTransitionNotAllowed,
)
from orders.locks import lock_order, lock_payment, lock_payments, lock_refund
from orders.models import REFUND_TRANSITIONS, Order, OrderEvent, Payment, Refund
from orders.services.notifications import store_credit_notify
from orders.services.payments import payment_gateway
from orders.services.transitions import payment_transition
from orders.tasks import refund_execute as refund_execute_task

REFUND_ACTOR = Actor.job("refund_execute")
ZERO = Decimal("0.00")
# Payments whose money the store holds, wholly or in part.
PAID_STATUSES = (Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED)
REFUNDABLE_STATUSES = (Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED)
# Refunds asked and not yet made: a failed one is still owed (a person retries it).
OUTSTANDING = (Refund.Status.PENDING, Refund.Status.FAILED)
MONEY_BACK = (Refund.Method.ORIGINAL, Refund.Method.BANK_TRANSFER)


def refund_transition(*, refund: Refund, to: str, update_fields: tuple[str, ...] = ()) -> Refund:
    """The one way to change `Refund.status`. Caller holds the refund lock.

    Raises RefundTransitionNotAllowed, changing nothing.
    """
    assigned = {name: getattr(refund, name) for name in update_fields}  # set by the caller
    return status_move(
        row=refund, to=to, transitions=REFUND_TRANSITIONS, refused=RefundTransitionNotAllowed(), **assigned
    )


def refund_idempotency_key(refund: Refund) -> str:
    """What the provider knows this refund by. Not `refund:<id>`: the full reversal of a
    cancelled order's payment already sends `refund:<payment id>` to the same provider."""
    return f"order-refund:{refund.pk}"


# Destinations ---------------------------------------------------------------------------

PHONE_KEY = re.compile(r"\+55[1-9]{2}9?\d{8}")
EVP_KEY = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
BANK_CODE = re.compile(r"\d{3}")
BRANCH = re.compile(r"(\d{1,4})(?:-([0-9Xx]))?")
ACCOUNT = re.compile(r"(\d{1,12})-?([0-9Xx])")


def pix_key_clean(value: str) -> dict[str, str]:
    """A Pix key in the form the Central Bank's directory holds it, with its type: a CPF or
    CNPJ (digits, check digits right), an email, a phone as +55, area code and number, or a
    random key (EVP, a UUID). Raises PixKeyInvalid."""
    key = (value or "").strip()
    if key.startswith("+"):
        phone = re.sub(r"[\s().-]", "", key)
        if PHONE_KEY.fullmatch(phone):
            return {"pix_key": phone, "key_type": "phone"}
        raise PixKeyInvalid()
    if "@" in key:
        try:
            validate_email(key)
        except ValidationError as error:
            raise PixKeyInvalid() from error
        if len(key) > 77:  # the directory's limit
            raise PixKeyInvalid()
        return {"pix_key": key.lower(), "key_type": "email"}
    if EVP_KEY.fullmatch(key.lower()):
        return {"pix_key": str(uuid.UUID(key)), "key_type": "evp"}
    if re.fullmatch(r"[\d./\s-]+", key) and is_valid_cpf(only_digits(key)):
        return {"pix_key": only_digits(key), "key_type": "cpf"}
    if re.fullmatch(r"[\dA-Za-z./\s-]+", key) and is_valid_cnpj(key.replace(" ", "")):
        return {"pix_key": compact_cnpj(key.replace(" ", "")), "key_type": "cnpj"}
    raise PixKeyInvalid()


def bank_account_clean(account: dict) -> dict[str, str]:
    """A Brazilian bank account to transfer to: the bank's 3-digit code (COMPE), the branch
    (up to 4 digits and an optional check digit), the account number with its check digit,
    and the holder's CPF. Returns it normalised (`0001`, `1234-5`, `12345-6`). Raises
    BankAccountInvalid naming the first wrong field."""
    bank = str(account.get("bank", "")).strip()
    if not BANK_CODE.fullmatch(bank):
        raise BankAccountInvalid(field="bank")
    branch = BRANCH.fullmatch(re.sub(r"\s", "", str(account.get("branch", ""))))
    if branch is None:
        raise BankAccountInvalid(field="branch")
    number = ACCOUNT.fullmatch(re.sub(r"[\s.]", "", str(account.get("account", ""))))
    if number is None or len(number[1]) < 2:
        raise BankAccountInvalid(field="account")
    holder_cpf = only_digits(str(account.get("holder_cpf", "")))
    if not is_valid_cpf(holder_cpf):
        raise BankAccountInvalid(field="holder_cpf")
    branch_text = branch[1].zfill(4) + (f"-{branch[2].upper()}" if branch[2] else "")
    return {
        "bank": bank,
        "branch": branch_text,
        "account": f"{number[1]}-{number[2].upper()}",
        "holder_cpf": holder_cpf,
    }


def refund_destination_clean(destination: dict | None) -> dict[str, str]:
    """Where a transfer goes: `{"pix_key": ...}` or a bank account, checked and normalised.
    Raises RefundDestinationMissing, PixKeyInvalid or BankAccountInvalid."""
    destination = destination or {}
    if destination.get("pix_key"):
        return pix_key_clean(str(destination["pix_key"]))
    if any(destination.get(name) for name in ("bank", "branch", "account")):
        return bank_account_clean(destination)
    raise RefundDestinationMissing()


# Asking -----------------------------------------------------------------------------------


def _note(*, order_id: int, actor: Actor, note: str) -> OrderEvent:
    """A line on the order's timeline naming who acted on its refund. Caller holds the order
    lock. (Not `order_note_add`: whoever may ask for a refund, say staff inspecting a return,
    leaves this line without needing that service's order-reading permission.)"""
    return OrderEvent.objects.create(order_id=order_id, actor=actor.label, note=note)


def _sum(queryset, field: str) -> Decimal:
    total = Coalesce(Sum(field), Value(ZERO), output_field=DecimalField(max_digits=12, decimal_places=2))
    return queryset.aggregate(total=total)["total"]


def order_refundable(*, order_id: int) -> Decimal:
    """What can still be given back on the order: what its payments took, less what was
    given back, what transfers and refunds to the payer still owe, and all store credit
    (which leaves the payments as they are). Read it under the order lock to act on it."""
    payments = Payment.objects.filter(order_id=order_id, status__in=PAID_STATUSES)
    refunds = Refund.objects.filter(order_id=order_id)
    return (
        _sum(payments, "amount")
        - _sum(payments, "refunded_amount")
        - _sum(refunds.filter(method__in=MONEY_BACK, status__in=OUTSTANDING), "amount")
        - _sum(refunds.filter(method=Refund.Method.STORE_CREDIT), "amount")
    )


def _payment_room(payment: Payment) -> Decimal:
    owed = _sum(payment.refunds.filter(method__in=MONEY_BACK, status__in=OUTSTANDING), "amount")
    return payment.amount - payment.refunded_amount - owed


def _payment_for(*, order: Order, amount: Decimal, method: str) -> Payment:
    """The paid payment the money goes back from: for ORIGINAL a card or Pix (a boleto has
    no account to send money back to), for a transfer any of them, with room for `amount`."""
    payments = list(order.payments.filter(status__in=REFUNDABLE_STATUSES).order_by("pk"))
    if method == Refund.Method.ORIGINAL:
        payable = [payment for payment in payments if payment.method != Payment.Method.BOLETO]
        if not payable and payments:
            raise BoletoNotRefundable()
        payments = payable
    rooms = [(payment, _payment_room(payment)) for payment in payments]
    for payment, room in rooms:
        if room >= amount:
            return payment
    raise RefundAboveRefundable(refundable=format_brl(max((room for _p, room in rooms), default=ZERO)))


def refund_request(
    *,
    order_id: int,
    amount: Decimal,
    method: str,
    source: str,
    actor: Actor,
    destination: dict | None = None,
) -> Refund:
    """Ask for `amount` of the order back, by `method`, for `source` (a unique reason such
    as `return:12`); the money moves once this commits (`refund_execute`). Asking again for
    the same source returns the first refund unchanged. The caller checked that `actor` may
    ask (a return's inspection, say); the order's timeline names them.

    Must run inside the caller's transaction, holding no lock of the order or its payments
    yet (it takes them, so refunds of one order are counted one at a time). Raises
    RefundAmountInvalid, RefundAboveRefundable, RefundMethodUnknown, BoletoNotRefundable
    (ORIGINAL for a boleto), RefundDestinationMissing, PixKeyInvalid, BankAccountInvalid or
    RefundSourceTaken, changing nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("refund_request must run inside a transaction")
    # Payments before their order, as `refund_execute` takes them: the refund row's key to
    # its payment must never wait on a run recording another refund of it.
    lock_payments(
        Payment.objects.filter(order_id=order_id, status__in=REFUNDABLE_STATUSES).values_list("pk", flat=True)
    )
    order = lock_order(order_id)
    existing = Refund.objects.filter(source=source).first()
    if existing is not None:
        if existing.order_id != order_id:
            raise RefundSourceTaken()
        return existing
    if method not in Refund.Method.values:
        raise RefundMethodUnknown()
    amount = Decimal(amount)
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise RefundAmountInvalid()
    refundable = order_refundable(order_id=order_id)
    if amount > refundable:
        raise RefundAboveRefundable(refundable=format_brl(max(refundable, ZERO)))
    payment, cleaned = None, {}
    if method != Refund.Method.STORE_CREDIT:
        payment = _payment_for(order=order, amount=amount, method=method)
    if method == Refund.Method.BANK_TRANSFER:
        cleaned = refund_destination_clean(destination)
    try:
        with transaction.atomic():
            refund = Refund.objects.create(
                order=order, payment=payment, source=source, method=method, amount=amount, destination=cleaned
            )
    except IntegrityError as error:  # the same source, asked for another order at this moment
        raise RefundSourceTaken() from error
    _note(
        order_id=order.pk,
        actor=actor,
        note=_("Refund of %(amount)s asked (%(method)s): %(source)s.")
        % {"amount": format_brl(amount), "method": refund.get_method_display(), "source": source},
    )
    refund_execute_task.delay_on_commit(refund_id=refund.pk)
    return refund


# Making it --------------------------------------------------------------------------------


def _refund_made_note(refund: Refund) -> str:
    return _("Refund of %(amount)s made: %(method)s, %(reference)s (%(source)s).") % {
        "amount": format_brl(refund.amount),
        "method": refund.get_method_display(),
        "reference": refund.provider_reference,
        "source": refund.source,
    }


def _refund_done(*, refund: Refund, reference: str) -> Refund:
    """Mark the refund made. Caller holds its lock; a refund failed meanwhile (a run that gave
    up while this one was with the provider) is made all the same: the money went."""
    if refund.status == Refund.Status.FAILED:
        refund_transition(refund=refund, to=Refund.Status.PENDING)
    refund.provider_reference, refund.done_at, refund.last_error = reference[:80], timezone.now(), ""
    refund_transition(
        refund=refund, to=Refund.Status.DONE, update_fields=("provider_reference", "done_at", "last_error")
    )
    _note(order_id=refund.order_id, actor=REFUND_ACTOR, note=_refund_made_note(refund))
    return refund


def _store_credit_make(*, refund_id: int) -> Refund:
    """Store credit is the store's own: the voucher, the refund and the message change in one
    transaction, so it is issued once without any key."""
    from storefront.promotions.services import store_credit_issue

    with transaction.atomic():
        refund = Refund.objects.select_related("order").get(pk=refund_id)
        lock_order(refund.order_id)
        refund = lock_refund(refund_id)
        if refund.status == Refund.Status.DONE:
            return refund
        refund.voucher = store_credit_issue(
            cpf=refund.order.cpf, amount=refund.amount, source=f"refund:{refund.pk}"
        )
        refund.attempts += 1
        refund.save(update_fields=["voucher", "attempts", "updated_at"])
        _refund_done(refund=refund, reference=refund.voucher.code)
        store_credit_notify(refund=refund)
        return refund


def refund_execute(*, refund_id: int) -> Refund:
    """Make a pending refund: the provider gives the money back to the card or Pix, or
    transfers it to the Pix key or bank account, or a store credit voucher is issued and sent
    to the customer. The payment's refunded amount goes up and its status follows (partially
    refunded, refunded); the order's timeline says so.

    Idempotent: a refund already made, or failed and waiting for a person, is returned as it
    is; the provider is called outside any transaction with the refund's key, so running
    again after a crash pays nothing more. Raises GatewayUnavailable (for the task to
    retry), RefundRefused or RefundExceedsPayment (the task then records the failure).
    """
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    if refund.method == Refund.Method.STORE_CREDIT:
        return _store_credit_make(refund_id=refund_id)
    payment = refund.payment
    if payment.status not in REFUNDABLE_STATUSES or payment.amount - payment.refunded_amount < refund.amount:
        raise RefundExceedsPayment()
    # Counted before the call, so a crash mid-call still shows; the write also tells the
    # reconciler this refund is being worked on.
    Refund.objects.filter(pk=refund_id, status=Refund.Status.PENDING).update(
        attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    gateway, key = payment_gateway(), refund_idempotency_key(refund)
    try:
        if refund.method == Refund.Method.ORIGINAL:
            reference = gateway.refund(
                reference=payment.gateway_reference, amount=refund.amount, idempotency_key=key
            )
        else:
            reference = gateway.payout(
                destination=refund.destination, amount=refund.amount, idempotency_key=key
            )
    except Exception as error:
        Refund.objects.filter(pk=refund_id, status=Refund.Status.PENDING).update(
            last_error=f"{type(error).__name__}: {error}"[:300], updated_at=timezone.now()
        )
        raise
    with transaction.atomic():
        lock_payment(payment.pk)
        lock_order(refund.order_id)
        refund = lock_refund(refund_id)
        if refund.status == Refund.Status.DONE:
            return refund  # a concurrent run recorded it
        moved = Payment.objects.filter(
            Q(refunded_amount__lte=F("amount") - refund.amount),
            pk=payment.pk,
            status__in=REFUNDABLE_STATUSES,
        ).update(refunded_amount=F("refunded_amount") + refund.amount, refunded_at=timezone.now())
        if not moved:
            raise RefundExceedsPayment()
        payment = Payment.objects.get(pk=payment.pk)
        to = (
            Payment.Status.REFUNDED
            if payment.refunded_amount == payment.amount
            else Payment.Status.PARTIALLY_REFUNDED
        )
        payment_transition(payment=payment, to=to)
        return _refund_done(refund=refund, reference=reference)


def refund_fail(*, refund_id: int, error: str) -> Refund:
    """The refund could not be made after its retries (or the provider refused it): it waits
    for a person, with the last error, and the order's timeline says so. A refund made
    meanwhile is left as it is."""
    with transaction.atomic():
        order_id = Refund.objects.values_list("order_id", flat=True).get(pk=refund_id)
        lock_order(order_id)
        refund = lock_refund(refund_id)
        if refund.status != Refund.Status.PENDING:
            return refund
        refund.last_error = (error or refund.last_error)[:300]
        refund_transition(refund=refund, to=Refund.Status.FAILED, update_fields=("last_error",))
        _note(
            order_id=order_id,
            actor=REFUND_ACTOR,
            note=_("Refund of %(amount)s failed and waits for a person: %(error)s")
            % {"amount": format_brl(refund.amount), "error": refund.last_error},
        )
        return refund


@transaction.atomic
def refund_retry(*, refund_id: int, actor: Actor) -> Refund:
    """A person asks a failed refund to be made again (after fixing what failed). A refund
    pending or made is returned as it is. Raises PermissionMissing."""
    actor.require_perm("orders.retry_refund")
    order = lock_order(Refund.objects.values_list("order_id", flat=True).get(pk=refund_id))
    refund = lock_refund(refund_id)
    if refund.status != Refund.Status.FAILED:
        return refund
    refund_transition(refund=refund, to=Refund.Status.PENDING)
    _note(
        order_id=order.pk,
        actor=actor,
        note=_("Refund of %(amount)s to be made again.") % {"amount": format_brl(refund.amount)},
    )
    refund_execute_task.delay_on_commit(refund_id=refund.pk)
    return refund


# A pending refund untouched this long lost its task (a broker down when it was asked, a
# worker killed): enqueue it again. Well above the longest retry wait (two minutes), each
# attempt touching the row.
RECONCILE_AFTER = timedelta(minutes=10)
RECONCILE_BATCH = 200


def refunds_reconcile(*, now: datetime | None = None) -> int:
    """Enqueue again one batch of refunds pending for longer than RECONCILE_AFTER, oldest
    first; return how many. Each is touched as it goes, so the next batch moves on."""
    now = now or timezone.now()
    due_ids = list(
        Refund.objects.filter(status=Refund.Status.PENDING, updated_at__lt=now - RECONCILE_AFTER)
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )
    Refund.objects.filter(pk__in=due_ids, status=Refund.Status.PENDING).update(updated_at=now)
    for refund_id in due_ids:
        refund_execute_task.delay(refund_id=refund_id)
    return len(due_ids)
