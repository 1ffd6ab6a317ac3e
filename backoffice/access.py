from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from backoffice.selectors import two_factor_state


def two_factor_redirect(request: HttpRequest, *, next_url: str | None = None) -> HttpResponse | None:
    """Where a logged-in staff member must go before the back office or the admin: the code
    page when they use two-factor login and this login has not given its code, the enrolment
    page when a role of theirs requires it and they have no authenticator yet; None when
    they may go on. Computed once per request."""
    if request.user.is_verified():
        return None
    if not hasattr(request, "_two_factor_state"):
        request._two_factor_state = two_factor_state(user=request.user)
    state = request._two_factor_state
    if state.has_device:
        target = "backoffice:login-code"
    elif state.is_required:
        target = "backoffice:two-factor-setup"
    else:
        return None
    query = urlencode({"next": next_url or request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(target)}?{query}")


def staff_only(
    view: Callable[..., HttpResponse], permission: str | None, *, two_factor: bool = True
) -> Callable[..., HttpResponse]:
    """Let through logged-in staff holding `permission` (any staff member when None); 403 for others.

    Staff who owe their second factor (see two_factor_redirect) are sent to give it first,
    except on the pages where they give it (`two_factor=False`).
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
        if not request.user.is_staff:
            raise PermissionDenied
        if two_factor and (pending := two_factor_redirect(request)) is not None:
            return pending
        if permission and not request.user.has_perm(permission):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded
