from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


def staff_only(view: Callable[..., HttpResponse], permission: str | None) -> Callable[..., HttpResponse]:
    """Let through logged-in staff holding `permission` (any staff member when None); 403 for others."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
        if not request.user.is_staff or (permission and not request.user.has_perm(permission)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded
