from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from backoffice.access import two_factor_redirect
from storefront.accounts.lockout import LockoutMessageMixin


class StaffAdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass


class StoreAdminSite(admin.AdminSite):
    """The admin lets staff in on the back office's terms: a locked login says so, and staff
    who use (or whose role requires) two-factor login give their code first."""

    login_form = StaffAdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and two_factor_redirect(request) is None

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.user.is_active and request.user.is_staff:
            next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
            pending = two_factor_redirect(request, next_url=next_url)
            if pending is not None:
                return pending
        return super().login(request, extra_context)
