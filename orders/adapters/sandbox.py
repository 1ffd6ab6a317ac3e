"""A payment provider for development and tests that behaves like a Brazilian one: card
tokens, authorisations by documented test numbers, real Pix codes and boleto lines kept in
its own books (a withdrawn Pix or a written-off boleto can no longer be paid), refunds and
payouts booked once per idempotency key, and signed notices (sent by
`manage.py sandbox_payments`)."""

import hashlib
import json
import time
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from orders.adapters.base import (
    BoletoCharge,
    CardAuthorisation,
    CardOutcome,
    CardRejected,
    CardToken,
    ChargeAlreadyPaid,
    GatewayUnavailable,
    PixCharge,
    RefundRefused,
)
from orders.adapters.boleto import barcode, digitable_line
from orders.adapters.brcode import pix_payload
from orders.adapters.cards import card_brand, card_digits, luhn_ok
from orders.models import Payment, SandboxCharge, SandboxRefund

# Test card numbers, as a provider documents them. Any other valid number is approved.
TEST_CARDS = {
    "4111111111111111": CardOutcome.APPROVED,
    "5555555555554444": CardOutcome.APPROVED,
    "4000000000000002": CardOutcome.DECLINED,
    "4000000000009995": CardOutcome.HIGH_RISK,
}
# A card holder or boleto payer named like this makes the provider unreachable, to exercise retries.
UNAVAILABLE_HOLDER = "SANDBOX UNAVAILABLE"
BANK_CODE = "237"
PAID_NOTICE, EXPIRED_NOTICE = "charge.paid", "charge.expired"  # the kinds of notice it sends


class ChargeClosed(Exception):
    """The sandbox provider refuses to pay or expire a charge that was withdrawn, or to expire
    one already paid."""


def _reference(prefix: str, idempotency_key: str) -> str:
    # The same request (same idempotency key) always gets the same reference, as at a real provider.
    return f"{prefix}_{hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]}"


def _charge(reference: str, *, method: str = "", amount: Decimal = Decimal("0.00")) -> SandboxCharge:
    """The sandbox's record of a charge; one issued before the sandbox kept books counts as open."""
    if not method:
        method = Payment.Method.BOLETO if reference.startswith("bol_") else Payment.Method.PIX
    charge, _created = SandboxCharge.objects.get_or_create(
        reference=reference, defaults={"method": method, "amount": amount}
    )
    return charge


def _refund_book(idempotency_key: str, *, amount: Decimal, **fields) -> tuple[SandboxRefund, bool]:
    """The book's line for this key: written by the first request, counted by every repeat."""
    book, created = SandboxRefund.objects.get_or_create(
        idempotency_key=idempotency_key, defaults={"amount": amount, **fields}
    )
    if not created:
        SandboxRefund.objects.filter(pk=book.pk).update(requests=F("requests") + 1, updated_at=timezone.now())
        book.refresh_from_db(fields=["requests"])
    return book, created


def _answer(book: SandboxRefund) -> None:
    """How the sandbox answers a refund or payout it booked: the first
    STORE_SANDBOX_REFUND_FAILURES requests of each key meet an outage (the book counts them),
    and the first that gets through takes STORE_SANDBOX_REFUND_DELAY_SECONDS, so tests can
    retry and kill workers mid-call."""
    failures = settings.STORE_SANDBOX_REFUND_FAILURES
    if book.requests <= failures:
        raise GatewayUnavailable("sandbox asked to fail")
    if book.requests == failures + 1 and settings.STORE_SANDBOX_REFUND_DELAY_SECONDS > 0:
        time.sleep(settings.STORE_SANDBOX_REFUND_DELAY_SECONDS)


class SandboxGateway:
    name = "sandbox"

    def tokenise_card(
        self, *, number: str, holder: str, expiry_month: int, expiry_year: int, cvv: str
    ) -> CardToken:
        digits = card_digits(number)
        if not luhn_ok(digits) or not cvv.isdigit() or len(cvv) not in (3, 4):
            raise CardRejected("invalid card")
        today = timezone.localdate()
        if (expiry_year, expiry_month) < (today.year, today.month):
            raise CardRejected("expired card")
        outcome = (
            "unavailable"
            if holder.upper() == UNAVAILABLE_HOLDER
            else TEST_CARDS.get(digits, CardOutcome.APPROVED)
        )
        token = f"tok_{outcome}_{hashlib.sha256((digits + holder).encode()).hexdigest()[:16]}"
        return CardToken(token=token, brand=card_brand(digits), last4=digits[-4:], holder=holder.upper())

    def authorise_card(
        self, *, token: str, amount: Decimal, installments: int, idempotency_key: str
    ) -> CardAuthorisation:
        if not token.startswith("tok_"):
            return CardAuthorisation(reference="", outcome=CardOutcome.DECLINED, message="unknown token")
        outcome = token.removeprefix("tok_").rsplit("_", 1)[0]
        if outcome == "unavailable":
            raise GatewayUnavailable("sandbox asked to fail")
        return CardAuthorisation(reference=_reference("auth", idempotency_key), outcome=CardOutcome(outcome))

    def capture_card(self, *, reference: str, amount: Decimal, idempotency_key: str) -> None:
        return None

    def void_card(self, *, reference: str, idempotency_key: str) -> None:
        return None

    def refund(self, *, reference: str, amount: Decimal, idempotency_key: str) -> str:
        # What was paid, as the provider knows it; cards enter the books at their first refund.
        if not reference:
            raise RefundRefused("no payment reference")
        payment = Payment.objects.filter(gateway_reference=reference).only("method", "amount").first()
        if payment is None and not SandboxCharge.objects.filter(reference=reference).exists():
            raise RefundRefused(f"no payment {reference}")
        if payment is not None:
            _charge(reference, method=payment.method, amount=payment.amount)
        with transaction.atomic():
            charge = SandboxCharge.objects.select_for_update().get(reference=reference)
            paid = payment.amount if payment is not None else charge.amount
            book, created = _refund_book(idempotency_key, reference=reference, amount=amount)
            if created:
                refunded = charge.refunded_amount + amount
                if refunded > paid:
                    raise RefundRefused(f"refunds of {reference} would exceed {paid}")
                SandboxCharge.objects.filter(pk=charge.pk).update(
                    refunded_amount=refunded, updated_at=timezone.now()
                )
        _answer(book)
        return _reference("rfd", idempotency_key)

    def payout(self, *, destination: dict, amount: Decimal, idempotency_key: str) -> str:
        if not destination.get("pix_key") and not destination.get("account"):
            raise RefundRefused("no Pix key or bank account to pay")
        with transaction.atomic():
            book, _created = _refund_book(idempotency_key, destination=destination, amount=amount)
        _answer(book)
        return _reference("pay", idempotency_key)

    def create_pix(self, *, amount: Decimal, expires_at: datetime, idempotency_key: str) -> PixCharge:
        reference = _reference("pix", idempotency_key)
        code = pix_payload(
            key=settings.STORE_PIX_KEY,
            amount=amount,
            merchant_name=settings.SITE_NAME,
            merchant_city="SAO PAULO",
            txid=reference.replace("_", "")[:25],
        )
        _charge(reference, method=Payment.Method.PIX, amount=amount)
        return PixCharge(reference=reference, copy_paste=code, expires_at=expires_at)

    def create_boleto(
        self, *, amount: Decimal, due_date: date, payer_name: str, payer_cpf: str, idempotency_key: str
    ) -> BoletoCharge:
        if payer_name.upper() == UNAVAILABLE_HOLDER:
            raise GatewayUnavailable("sandbox asked to fail")
        reference = _reference("bol", idempotency_key)
        our_number = str(int(hashlib.sha256(idempotency_key.encode()).hexdigest(), 16))[:25].rjust(25, "0")
        code = barcode(bank=BANK_CODE, amount=amount, due=due_date, free_field=our_number)
        _charge(reference, method=Payment.Method.BOLETO, amount=amount)
        return BoletoCharge(
            reference=reference, barcode=code, digitable_line=digitable_line(code), due_date=due_date
        )

    def cancel_charge(self, *, reference: str, idempotency_key: str) -> None:
        charge = _charge(reference)
        now = timezone.now()
        SandboxCharge.objects.filter(pk=charge.pk).update(cancel_requests=F("cancel_requests") + 1)
        withdrawn = SandboxCharge.objects.filter(pk=charge.pk, paid_at=None, cancelled_at=None).update(
            cancelled_at=now, updated_at=now
        )
        if not withdrawn and SandboxCharge.objects.filter(pk=charge.pk, paid_at__isnull=False).exists():
            raise ChargeAlreadyPaid(reference)


def sandbox_charge_settle(*, reference: str, kind: str) -> None:
    """What the sandbox provider's books say when a payer pays a charge (`charge.paid`) or its
    time runs out (`charge.expired`). A charge paid late, after it expired, is taken as a real
    bank takes a boleto paid on its due date and cleared the day after. Raises ChargeClosed
    for a withdrawn charge (its Pix code or boleto no longer works) or for expiring a paid one."""
    charge, now = _charge(reference), timezone.now()
    if kind == PAID_NOTICE:
        settled = SandboxCharge.objects.filter(pk=charge.pk, cancelled_at=None).update(
            paid_at=Coalesce("paid_at", Value(now)), updated_at=now
        )
        if not settled:
            raise ChargeClosed(f"charge {reference} was cancelled and can no longer be paid")
        return
    settled = SandboxCharge.objects.filter(pk=charge.pk, cancelled_at=None, paid_at=None).update(
        expired_at=now, updated_at=now
    )
    if not settled:
        raise ChargeClosed(f"charge {reference} is already closed")


def sandbox_notice(*, reference: str, kind: str, event_id: str) -> tuple[bytes, str]:
    """The sandbox provider settles a charge in its books and signs the notice it sends about
    it: `(body, X-Signature header)`. Raises ChargeClosed (see `sandbox_charge_settle`)."""
    from inbox.signatures import signature_header

    sandbox_charge_settle(reference=reference, kind=kind)

    body = json.dumps({"id": event_id, "type": kind, "data": {"reference": reference}}).encode()
    return body, signature_header(
        body=body, secret=settings.STORE_PAYMENT_WEBHOOK_SECRETS[SandboxGateway.name]
    )
