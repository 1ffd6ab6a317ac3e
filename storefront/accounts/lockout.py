"""Login lockout: how django-axes counts failed logins here, and what a locked-out visitor sees.

Failures count three ways, each with its own limit:
- for an account *from one address* (AXES_FAILURE_LIMIT, low): the usual lock;
- for an address across every account it tried (STORE_LOGIN_ADDRESS_FAILURE_LIMIT, higher:
  mobile carriers put many shoppers behind one address), which stops password lists tried
  from one place;
- for an account across every address (STORE_LOGIN_ACCOUNT_FAILURE_LIMIT, higher still),
  which stops guessing one password from many addresses. Someone who knows a customer's
  email can lock it this way for a while, so the limit is well above what a forgetful
  owner reaches, and a manager can unlock it.
IPv6 addresses count by their /64 network: one home or server gets a whole /64 to rotate in.
Staff accounts, worth a distributed attack, also have two-factor login.
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext


def lockout_minutes() -> int:
    cool_off = get_cool_off()
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Too many failed login attempts. For your security, logging in is blocked for %(minutes)d "
        "minute. Try again later, or contact us to have it unlocked sooner.",
        "Too many failed login attempts. For your security, logging in is blocked for %(minutes)d "
        "minutes. Try again later, or contact us to have it unlocked sooner.",
        minutes,
    ) % {"minutes": minutes}


class LockoutHandler(AxesDatabaseHandler):
    """The database handler, counting an address's failures across accounts as well."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        by_account_here = super().get_failures(request, credentials)
        # Axes compares one number with one limit: each other count is put on that scale,
        # so that it reaches the limit exactly when it reaches its own.
        limit = get_failure_limit(request, credentials)
        counts = [by_account_here]
        address = request.axes_ip_address
        if address:
            by_address = self._recent_failures(request, ip_address=address)
            counts.append(by_address * limit // settings.STORE_LOGIN_ADDRESS_FAILURE_LIMIT)
        username = login_username(request, credentials)
        if username:
            by_account_everywhere = self._recent_failures(request, username=username)
            counts.append(by_account_everywhere * limit // settings.STORE_LOGIN_ACCOUNT_FAILURE_LIMIT)
        return max(counts)

    @staticmethod
    def _recent_failures(request: HttpRequest, **match: str) -> int:
        attempts = AccessAttempt.objects.filter(**match)
        if settings.AXES_COOLOFF_TIME:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def login_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a login tried: emails log in whatever their letter case, so they count as one."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if isinstance(username, str) else None


def client_address(request: HttpRequest) -> str | None:
    """The visitor's address: the peer, or the one our own proxies saw when the store runs
    behind DJANGO_TRUSTED_PROXY_COUNT of them (addresses further left can be forged)."""
    proxies = settings.STORE_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return _counted_address(forwarded[-proxies])
    return _counted_address(request.META.get("REMOTE_ADDR") or "")


def _counted_address(address: str) -> str | None:
    """The address failures count against: an IPv6 address stands for its /64 network."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The login page itself already says why (LockoutMessageMixin): keep it, as 429."""
    if isinstance(original_response, HttpResponse) and original_response.status_code == 200:
        original_response.status_code = settings.AXES_HTTP_RESPONSE_CODE
        return original_response
    return HttpResponse(
        lockout_message(),
        status=settings.AXES_HTTP_RESPONSE_CODE,
        content_type="text/plain; charset=utf-8",
    )


class LockoutMessageMixin:
    """For AuthenticationForm subclasses: say the login is locked, not "wrong password", while it is."""

    def get_invalid_login_error(self) -> ValidationError:
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(), code="locked_out")
        return super().get_invalid_login_error()
