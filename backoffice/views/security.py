"""Login security: locked logins and their unlocking, staff two-factor login, roles that require it."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from backoffice.access import two_factor_redirect
from backoffice.forms import LoginLockReleaseForm, RolePolicyForm, TwoFactorCodeForm
from backoffice.selectors import role_list_requiring_two_factor, totp_device_get_confirmed, two_factor_state
from backoffice.services import (
    role_policies_set,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
    totp_device_verify,
)
from core.actor import Actor
from core.exceptions import DomainError
from storefront.accounts.selectors import login_lock_list_by_account, login_lock_list_by_address
from storefront.accounts.services import login_lock_release


def _next_url(request: HttpRequest) -> str:
    """Where to go once the code is given: the page asked for, when it is one of ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("backoffice:home")


def login_lock_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "backoffice/login_lock_list.html",
        {
            "account_locks": login_lock_list_by_account(),
            "address_locks": login_lock_list_by_address(),
            "can_release": request.user.has_perm("axes.delete_accessattempt"),
            "can_see_roles": request.user.has_perm("backoffice.view_rolepolicy"),
        },
    )


@require_POST
def login_lock_release_view(request: HttpRequest) -> HttpResponse:
    form = LoginLockReleaseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("backoffice:login-lock-list")
    username, ip_address = form.cleaned_data["username"], form.cleaned_data["ip_address"]
    try:
        login_lock_release(actor=Actor.staff(request.user), username=username, ip_address=ip_address)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Unlocked: %(who)s can log in again.") % {"who": username or ip_address})
    return redirect("backoffice:login-lock-list")


def role_policy_list_view(request: HttpRequest) -> HttpResponse:
    form = RolePolicyForm(initial={"two_factor_roles": role_list_requiring_two_factor()})
    return render(
        request,
        "backoffice/role_policy_list.html",
        {"form": form, "can_change": request.user.has_perm("backoffice.change_rolepolicy")},
    )


@require_POST
def role_policy_update_view(request: HttpRequest) -> HttpResponse:
    form = RolePolicyForm(request.POST)
    if form.is_valid():
        try:
            role_policies_set(
                actor=Actor.staff(request.user), two_factor_roles=form.cleaned_data["two_factor_roles"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The roles that require two-factor login were saved."))
    else:
        messages.error(request, _("Choose roles from the list."))
    return redirect("backoffice:role-policy-list")


def login_code_view(request: HttpRequest) -> HttpResponse:
    """The second step of a staff login: the code from the authenticator app."""
    next_url = _next_url(request)
    if request.user.is_verified() or totp_device_get_confirmed(user=request.user) is None:
        return redirect(next_url)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_verify(user=request.user, token=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            otp_login(request, device)
            return redirect(next_url)
    return render(request, "backoffice/login_code.html", {"form": form, "next": next_url})


def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    """Turn on two-factor login: scan the QR code with an authenticator app, then give a code."""
    state = two_factor_state(user=request.user)
    if state.has_device and not request.user.is_verified():
        # Replacing an authenticator takes the current one's code first.
        return two_factor_redirect(request)
    next_url = _next_url(request)
    context = {"is_required": state.is_required, "next": next_url}
    if state.has_device:
        return render(request, "backoffice/two_factor_setup.html", {**context, "is_on": True})
    device = totp_device_start(user=request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_confirm(user=request.user, token=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            otp_login(request, device)
            messages.success(
                request,
                _("Two-factor login is on: each back-office login now asks for a code from your app."),
            )
            return redirect(next_url)
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "backoffice/two_factor_setup.html",
        {
            **context,
            "is_on": False,
            "form": form,
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


@require_POST
def two_factor_remove_view(request: HttpRequest) -> HttpResponse:
    try:
        removed = totp_device_remove(user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if removed:
            messages.success(request, _("Two-factor login is off."))
    return redirect("backoffice:two-factor-setup")
