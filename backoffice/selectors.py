import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.models import PersonalDataAccess, RolePolicy
from backoffice.roles import Role
from core.cpf import format_cpf, only_digits
from orders.models import Order, Payment
from storefront.accounts.models import ADDRESS_FIELDS, Address, User
from storefront.catalog.models import AttributeValue, Variant
from storefront.catalog.selectors import SEARCH_TERM_MAX_LENGTH, product_search

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


# Telesales: what an agent on the phone looks up while the customer waits.

# A search answers with the first few: the agent types more rather than scrolls.
TELESALES_PRODUCT_RESULTS = 10
TELESALES_CUSTOMER_RESULTS = 8
_EAN = re.compile(r"\d{8}|\d{12,14}")


def telesales_product_search(*, query: str) -> list[Variant]:
    """Active variants of published products found by exact SKU or EAN, or else by the
    catalog's own search on the product's name (its words, typos forgiven on PostgreSQL),
    with their price and online stock: at most TELESALES_PRODUCT_RESULTS, in three queries
    whatever the catalog's size."""
    query = query.strip()[:SEARCH_TERM_MAX_LENGTH]
    if not query:
        return []
    variants = (
        Variant.objects.filter(is_active=True, product__is_published=True)
        .select_related("product")
        .prefetch_related(
            Prefetch("attribute_values", queryset=AttributeValue.objects.select_related("attribute"))
        )
    )
    codes = Q(sku__in={query, query.upper()})
    if _EAN.fullmatch(query):
        codes |= Q(ean=query)
    exact = list(variants.filter(codes)[:TELESALES_PRODUCT_RESULTS])
    if exact:
        return exact
    products = product_search(term=query).order_by("-rank", "pk").values("pk")[:TELESALES_PRODUCT_RESULTS]
    return list(
        variants.filter(product_id__in=products).order_by("product__name", "product_id", "position", "pk")[
            :TELESALES_PRODUCT_RESULTS
        ]
    )


def telesales_variants_by_sku(*, skus: list[str]) -> dict[str, Variant]:
    """The variants of an order being taken, by SKU, with what pricing and the parcel need."""
    if not skus:
        return {}
    variants = Variant.objects.filter(sku__in=set(skus)).select_related("product")
    return {variant.sku: variant for variant in variants}


def _default_address() -> Prefetch:
    defaults = Address.objects.filter(is_default=True)
    return Prefetch("addresses", queryset=defaults, to_attr="default_addresses")


def telesales_customer_search(*, query: str) -> list[User]:
    """Customers found as the back office finds them (`customer_search`: the CPF, phone or
    number of an order of theirs, the email, the name) and also by the CPF or phone kept on
    their profile; each with its profile, WhatsApp consent and default address, in three
    queries."""
    query = query.strip()[:100]
    if not query:
        return []
    customers = customer_search(query=query)
    if _NUMBER_LIKE.fullmatch(query):
        digits = only_digits(query)
        phone = digits[2:] if len(digits) in (12, 13) and digits.startswith("55") else digits
        if digits:
            customers = customers | User.objects.filter(is_staff=False).filter(
                Q(profile__cpf=digits) | Q(profile__phone=phone)
            )
    return list(
        customers.select_related("profile", "contact_preference")
        .prefetch_related(_default_address())
        .order_by("-date_joined", "-pk")[:TELESALES_CUSTOMER_RESULTS]
    )


def telesales_customer_details(*, customer_id: int) -> dict[str, str]:
    """What the order form starts from for a customer: name, email, the CPF and phone of their
    profile (or of their last order), and their default address (or their last order's);
    empty for anyone who is not a customer."""
    customer = (
        User.objects.filter(pk=customer_id, is_staff=False)
        .select_related("profile")
        .prefetch_related(_default_address())
        .first()
    )
    if customer is None:
        return {}
    details = {"email": customer.email, "full_name": customer.full_name}
    profile = getattr(customer, "profile", None)
    last = Order.objects.filter(customer=customer).order_by("-placed_at", "-pk").first()
    if last is not None:
        details.update({name: getattr(last, name) for name in (*ADDRESS_FIELDS, "cpf", "phone")})
    if profile is not None:
        details.update({name: getattr(profile, name) for name in ("cpf", "phone") if getattr(profile, name)})
    if customer.default_addresses:
        details.update(customer.default_addresses[0].checkout_fields())
    if details.get("cpf"):
        details["cpf"] = format_cpf(details["cpf"])
    return details


def telesales_order_get(*, number: str) -> Order:
    """An order placed by telesales, with its payments and its customer's WhatsApp consent,
    for the page the agent sees after placing it; any other order is not found."""
    order = (
        Order.objects.filter(number=number, channel=Order.Channel.TELESALES)
        .select_related("customer__contact_preference")
        .prefetch_related(
            Prefetch(
                "payments", queryset=Payment.objects.order_by("-created_at", "-pk"), to_attr="payment_list"
            )
        )
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    return order


# The log of staff reading customers' personal data (LGPD).

# A customer search narrows the log to the first customers it finds: staff type more rather than scroll.
ACCESS_LOG_CUSTOMERS = 50


@dataclass(frozen=True)
class AccessLogFilters:
    staff_id: int | None = None
    customer: str = ""  # an email, CPF, phone, order number or name, as the customer list finds them
    since: date | None = None
    until: date | None = None  # inclusive


def personal_data_access_list(*, filters: AccessLogFilters) -> QuerySet[PersonalDataAccess]:
    """Who read whose personal data, newest first (paginate the result); each filter reads an
    index of the log's (by time, by staff member, by customer)."""
    accesses = PersonalDataAccess.objects.select_related("staff", "customer").order_by("-created_at", "-pk")
    if filters.staff_id:
        accesses = accesses.filter(staff_id=filters.staff_id)
    if filters.customer.strip():
        customers = customer_search(query=filters.customer).values("pk")[:ACCESS_LOG_CUSTOMERS]
        accesses = accesses.filter(customer_id__in=list(customers.values_list("pk", flat=True)))
    zone = timezone.get_current_timezone()
    if filters.since:
        accesses = accesses.filter(created_at__gte=datetime.combine(filters.since, time.min, tzinfo=zone))
    if filters.until:
        next_day = filters.until + timedelta(days=1)
        accesses = accesses.filter(created_at__lt=datetime.combine(next_day, time.min, tzinfo=zone))
    return accesses


def staff_list_for_access_log() -> QuerySet[User]:
    return User.objects.filter(is_staff=True).order_by("full_name", "email")
