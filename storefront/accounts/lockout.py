"""Login lockout: how django-axes counts failed logins here, and what a locked-out visitor sees.

Failures count for an account *from one address* (AXES_FAILURE_LIMIT), so someone who only
knows a customer's email cannot lock that customer out from elsewhere, and for an address
alone across every account it tried (STORE_LOGIN_ADDRESS_FAILURE_LIMIT, much higher: mobile
carriers put many shoppers behind one address), which stops password lists tried from one
place. Staff accounts, worth a distributed attack, also have two-factor login.
"""

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
        by_account = super().get_failures(request, credentials)
        address = request.axes_ip_address
        if not address:
            return by_account
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        by_address = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        # Axes compares one number with one limit: put the address's count on the account's
        # scale, so that it reaches the limit exactly when the address reaches its own.
        limit = get_failure_limit(request, credentials)
        return max(by_account, by_address * limit // settings.STORE_LOGIN_ADDRESS_FAILURE_LIMIT)


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
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


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
