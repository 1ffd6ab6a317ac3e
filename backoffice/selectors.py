import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.models import RolePolicy
from backoffice.roles import Role
from core.cpf import only_digits
from orders.models import Order
from storefront.accounts.models import User

# What a search finds at most: staff narrow a search down rather than page through it.
ORDER_SEARCH_RESULTS = 50
# Digits with the punctuation CPFs, phones and order numbers are written with.
_NUMBER_LIKE = re.compile(r"[\d\s.\-/()+]+")


@dataclass(frozen=True)
class TwoFactorState:
    has_device: bool
    is_required: bool


def two_factor_state(*, user: User) -> TwoFactorState:
    """Whether the staff member has a confirmed authenticator, and whether a role of theirs
    requires one: one query."""
    has_device, is_required = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            is_required=Exists(
                RolePolicy.objects.filter(group__user=OuterRef("pk"), requires_two_factor=True)
            ),
        )
        .values_list("has_device", "is_required")
        .get()
    )
    return TwoFactorState(has_device=has_device, is_required=is_required)


def totp_device_get_confirmed(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def role_list_requiring_two_factor() -> list[str]:
    """Names of the staff roles whose members must use two-factor login."""
    return list(
        RolePolicy.objects.filter(requires_two_factor=True, group__name__in=Role.values)
        .order_by("group__name")
        .values_list("group__name", flat=True)
    )


def _order_match(query: str) -> Q | None:
    """How an order is found from what staff typed: a number (an order number, a CPF or a
    phone, with or without punctuation, the phone with or without +55), an email, or a
    part of the customer's name. Each way has its index (backoffice/migrations/0010)."""
    if _NUMBER_LIKE.fullmatch(query):
        digits = only_digits(query)
        if not digits:
            return None
        phone = digits[2:] if len(digits) in (12, 13) and digits.startswith("55") else digits
        return Q(number=digits) | Q(cpf=digits) | Q(phone=phone)
    if "@" in query:
        return Q(email=query.lower())
    return Q(full_name__icontains=query)


def order_search(*, query: str) -> QuerySet[Order]:
    """Orders found by number, CPF, phone, email or name, newest first (the first few)."""
    match = _order_match(query.strip())
    if match is None:
        return Order.objects.none()
    return Order.objects.filter(match).order_by("-placed_at", "-pk")[:ORDER_SEARCH_RESULTS]


def customer_search(*, query: str = "") -> QuerySet[User]:
    """Customers newest first; `query` finds them by the CPF, phone or number of an order of
    theirs (with or without punctuation), by the start of their email, or by a part of their
    name."""
    customers = User.objects.filter(is_staff=False).order_by("-date_joined", "-pk")
    query = query.strip()
    if not query:
        return customers
    if _NUMBER_LIKE.fullmatch(query):
        match = _order_match(query)
        if match is None:
            return customers.none()
        return customers.filter(pk__in=Order.objects.filter(match).values("customer_id"))
    email = query.lower()
    if "@" in query:
        return customers.filter(email__startswith=email)
    return customers.filter(Q(full_name__icontains=query) | Q(email__startswith=email))
