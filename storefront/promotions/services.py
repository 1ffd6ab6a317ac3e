"""What promotions take off an order: vouchers typed at checkout and free delivery above a value."""

from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.cpf import only_digits, validate_cpf
from core.money import format_brl, quantize_brl
from logistics.selectors import ShippingOption
from orders.models import Order
from storefront.promotions.exceptions import (
    VoucherAlreadyUsed,
    VoucherMinimumNotMet,
    VoucherNotFound,
    VoucherNotValidNow,
    VoucherNotYours,
    VoucherUsedUp,
)
from storefront.promotions.locks import lock_voucher
from storefront.promotions.models import Voucher, VoucherRedemption

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Benefit:
    """What an order gets: an item discount, free delivery, or nothing."""

    voucher: Voucher | None = None
    discount: Decimal = ZERO
    free_shipping: bool = False


def _voucher_find(code: str) -> Voucher:
    voucher = Voucher.objects.filter(code__iexact=code.strip(), is_active=True).first()
    if voucher is None:
        raise VoucherNotFound()
    return voucher


def _benefit(*, voucher: Voucher, items_total: Decimal, email: str, cpf: str) -> Benefit:
    """The voucher's benefit on these items for this shopper, after every rule is checked."""
    if voucher.holder_cpf and voucher.holder_cpf != only_digits(cpf):
        raise VoucherNotYours()
    now = timezone.now()
    if voucher.starts_at > now or (voucher.ends_at is not None and voucher.ends_at <= now):
        raise VoucherNotValidNow()
    if items_total < voucher.min_order:
        raise VoucherMinimumNotMet(minimum=format_brl(voucher.min_order))
    # Orders cancelled before payment give their voucher back.
    counted = voucher.redemptions.exclude(order__status=Order.Status.CANCELLED)
    if voucher.max_uses is not None and counted.count() >= voucher.max_uses:
        raise VoucherUsedUp()
    if (
        voucher.max_uses_per_customer is not None
        and counted.filter(Q(email__iexact=email) | Q(cpf=cpf)).count() >= voucher.max_uses_per_customer
    ):
        raise VoucherAlreadyUsed()
    if voucher.kind == Voucher.Kind.PERCENTAGE:
        return Benefit(voucher=voucher, discount=quantize_brl(items_total * voucher.value / 100))
    if voucher.kind == Voucher.Kind.FIXED:
        return Benefit(voucher=voucher, discount=min(voucher.value, items_total))
    return Benefit(voucher=voucher, free_shipping=True)


def voucher_benefit(*, code: str, items_total: Decimal, email: str, cpf: str) -> Benefit:
    """What a voucher code gives these items and this shopper, for showing before the order.

    Raises VoucherNotFound, VoucherNotYours (store credit of another CPF), VoucherNotValidNow,
    VoucherMinimumNotMet, VoucherUsedUp or VoucherAlreadyUsed.
    """
    if not code.strip():
        return Benefit()
    return _benefit(voucher=_voucher_find(code), items_total=items_total, email=email, cpf=cpf)


def voucher_claim(*, code: str, items_total: Decimal, email: str, cpf: str) -> Benefit:
    """`voucher_benefit` under the voucher's lock, held until the caller's transaction ends, so
    concurrent checkouts never use it past its limits. Call before placing the order (the
    voucher comes before the order in the lock order) and record the use with
    `voucher_redemption_add` in the same transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("voucher_claim must run inside a transaction")
    if not code.strip():
        return Benefit()
    voucher = lock_voucher(_voucher_find(code).pk)
    return _benefit(voucher=voucher, items_total=items_total, email=email, cpf=cpf)


def voucher_redemption_add(*, benefit: Benefit, order) -> VoucherRedemption | None:
    """Record that the order used its voucher. Caller holds the lock `voucher_claim` took."""
    if benefit.voucher is None:
        return None
    return VoucherRedemption.objects.create(
        voucher=benefit.voucher,
        order=order,
        email=order.email.lower(),
        cpf=order.cpf,
        discount=order.discount_total,
    )


def delivery_options_priced(
    *, options: list[ShippingOption], items_total: Decimal, benefit: Benefit
) -> list[ShippingOption]:
    """Delivery options at the price the shopper pays: the cheapest is free with a free-delivery
    voucher or when the items reach the store's free-delivery value."""
    threshold = settings.STORE_FREE_SHIPPING_FROM
    is_free = benefit.free_shipping or (threshold > 0 and items_total >= threshold)
    if not options or not is_free:
        return options
    cheapest, *others = options
    return [replace(cheapest, price=ZERO), *others]


@transaction.atomic
def voucher_upsert(*, code: str, kind: str, value: Decimal = ZERO, **fields) -> Voucher:
    """Create the voucher with this code, or bring an existing one to these values."""
    voucher = Voucher.objects.filter(code__iexact=code.strip()).first() or Voucher(code=code.strip())
    voucher.kind, voucher.value = kind, value
    for name, field_value in fields.items():
        setattr(voucher, name, field_value)
    voucher.full_clean(validate_unique=False, validate_constraints=False)
    voucher.save()
    return voucher


# Store credit codes: letters and digits nobody confuses when reading them out (no 0/O, 1/I).
CREDIT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CREDIT_CODE_LENGTH = 8
CREDIT_VALID_MONTHS = 12


def _store_credit_code(*, source: str, attempt: int) -> str:
    """`CRED-` and 8 characters no one can guess without the secret key, the same for the same
    source: asking twice finds the first voucher instead of issuing a second."""
    digest = salted_hmac("promotions.store-credit", f"{source}#{attempt}").digest()
    alphabet = CREDIT_CODE_ALPHABET
    return "CRED-" + "".join(alphabet[byte % len(alphabet)] for byte in digest[:CREDIT_CODE_LENGTH])


def _months_later(when: datetime, months: int) -> datetime:
    """The same day `months` later, or that month's last day (29 February, the 31st)."""
    years, month_index = divmod(when.month - 1 + months, 12)
    year, month = when.year + years, month_index + 1
    return when.replace(year=year, month=month, day=min(when.day, monthrange(year, month)[1]))


@transaction.atomic
def store_credit_issue(*, cpf: str, amount: Decimal, source: str) -> Voucher:
    """Store credit of `amount` for the customer with this CPF: a fixed voucher, used once,
    only by that CPF, valid for 12 months, with a code that cannot be guessed. Issuing again
    for the same `source` (e.g. `refund:12`) returns the first voucher. Raises ValidationError
    for an invalid CPF or ValueError for an amount that is not positive."""
    cpf = only_digits(cpf)
    validate_cpf(cpf)
    amount = quantize_brl(amount)
    if amount <= 0:
        raise ValueError("store credit must be positive")
    for attempt in range(5):
        code = _store_credit_code(source=source, attempt=attempt)
        voucher = Voucher.objects.filter(code__iexact=code).first()
        if voucher is None:
            now = timezone.now()
            try:
                with transaction.atomic():
                    return Voucher.objects.create(
                        code=code,
                        kind=Voucher.Kind.FIXED,
                        value=amount,
                        starts_at=now,
                        ends_at=_months_later(now, CREDIT_VALID_MONTHS),
                        max_uses=1,
                        max_uses_per_customer=1,
                        holder_cpf=cpf,
                    )
            except IntegrityError:  # issued at this very moment for the same source
                voucher = Voucher.objects.get(code__iexact=code)
        if (voucher.kind, voucher.holder_cpf, voucher.value) == (Voucher.Kind.FIXED, cpf, amount):
            return voucher
        # Another voucher holds this code (a typed one, or another source's): try the next.
    raise RuntimeError(f"no free store credit code for {source}")
