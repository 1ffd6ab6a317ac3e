from dataclasses import asdict, dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from core.cep import normalize_cep
from storefront.accounts.adapters.base import CepNotFound, FoundAddress, address_lookup
from storefront.accounts.models import Address, CustomerProfile, User

# A CEP's address hardly ever changes: found ones are kept a month, unknown ones a day (a new
# street may be added to the directory); an outage is never kept, so the next lookup asks again.
CEP_FOUND_SECONDS = 30 * 24 * 60 * 60
CEP_NOT_FOUND_SECONDS = 24 * 60 * 60
CEP_CACHE_VERSION = 1

# Locked logins listed at most, newest first: more than this is an attack to look at in the admin.
LOGIN_LOCKS_SHOWN = 100


def customer_list(*, search: str = "") -> QuerySet[User]:
    """Customers newest first; `search` matches the start of the email address."""
    customers = User.objects.filter(is_staff=False).order_by("-date_joined", "-pk")
    if search:
        customers = customers.filter(email__startswith=search.strip().lower())
    return customers


def staff_team(*, permission: str) -> QuerySet[User]:
    """Active staff whose roles grant `permission` ("app_label.codename"): who a team's
    messages go to."""
    app_label, codename = permission.split(".", 1)
    return (
        User.objects.filter(
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label,
            is_active=True,
            is_staff=True,
        )
        .distinct()
        .order_by("pk")
    )


@dataclass(frozen=True)
class LoginLock:
    """A login locked now: an account at an address, or (username "") an address for every account."""

    username: str
    ip_address: str | None
    failures: int
    accounts: int
    last_failure: datetime
    unlocks_at: datetime | None


def _recent_attempts() -> QuerySet[AccessAttempt]:
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.all()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts


def _lock(row: dict, *, username: str = "", accounts: int = 1) -> LoginLock:
    cool_off = get_cool_off()
    return LoginLock(
        username=username,
        ip_address=row["ip_address"],
        failures=row["failures"],
        accounts=accounts,
        last_failure=row["last_failure"],
        unlocks_at=row["last_failure"] + cool_off if cool_off else None,
    )


def login_lock_list_by_account() -> list[LoginLock]:
    """Accounts locked at an address (failures of that account from that address), and
    accounts locked everywhere (failures from every address together; no address)."""
    at_one_address = (
        _recent_attempts()
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_failure", "username")[:LOGIN_LOCKS_SHOWN]
    )
    everywhere = (
        _recent_attempts()
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
        .filter(failures__gte=settings.STORE_LOGIN_ACCOUNT_FAILURE_LIMIT)
        .order_by("-last_failure", "username")[:LOGIN_LOCKS_SHOWN]
    )
    locks = [_lock(row, username=row["username"] or "") for row in at_one_address] + [
        _lock({**row, "ip_address": None}, username=row["username"] or "") for row in everywhere
    ]
    return sorted(locks, key=lambda lock: lock.last_failure, reverse=True)[:LOGIN_LOCKS_SHOWN]


def login_lock_list_by_address() -> list[LoginLock]:
    """Addresses locked for every account (failures from the address across accounts)."""
    rows = (
        _recent_attempts()
        .values("ip_address")
        .annotate(
            failures=Sum("failures_since_start"),
            accounts=Count("username", distinct=True),
            last_failure=Max("attempt_time"),
        )
        .filter(failures__gte=settings.STORE_LOGIN_ADDRESS_FAILURE_LIMIT)
        .order_by("-last_failure", "ip_address")[:LOGIN_LOCKS_SHOWN]
    )
    return [_lock(row, accounts=row["accounts"]) for row in rows]


def address_for_cep(*, cep: str) -> FoundAddress:
    """The street, district, city and state a CEP of eight digits names, from the cache or the
    address-lookup service (STORE_ADDRESS_LOOKUP). With the cache down it asks the service.

    Raises CepNotFound or AddressLookupUnavailable.
    """
    cep = normalize_cep(cep)
    key = f"cep:{settings.STORE_ADDRESS_LOOKUP}:{cep}"
    kept = cache.get(key, version=CEP_CACHE_VERSION)
    if kept == "":
        raise CepNotFound()
    if kept is not None:
        return FoundAddress(**kept)
    try:
        found = address_lookup().lookup(cep=cep)
    except CepNotFound:
        cache.set(key, "", CEP_NOT_FOUND_SECONDS, version=CEP_CACHE_VERSION)
        raise
    cache.set(key, asdict(found), CEP_FOUND_SECONDS, version=CEP_CACHE_VERSION)
    return found


def profile_get(*, user: User) -> CustomerProfile | None:
    """The customer's kept CPF and phone, or None before they keep any."""
    return CustomerProfile.objects.filter(user=user).first()


def address_list_for_customer(*, customer: User) -> list[Address]:
    """The customer's addresses, the default first, then in the order they were added."""
    return list(Address.objects.filter(customer=customer).order_by("-is_default", "pk"))


def address_get_for_customer(*, customer: User, address_id: int) -> Address:
    """One of the customer's own addresses; anyone else's is not found."""
    address = Address.objects.filter(customer=customer, pk=address_id).first()
    if address is None:
        raise Http404("No such address.")
    return address
