from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import TemplateView

from core.cep import format_cep, normalize_cep, validate_cep
from core.cpf import format_cpf
from core.exceptions import DomainError
from orders.selectors import order_list_for_customer
from storefront.accounts.adapters.base import AddressLookupUnavailable, CepNotFound
from storefront.accounts.forms import (
    AddressForm,
    EmailChangeForm,
    LoginForm,
    NoticeChannelForm,
    ProfileForm,
    SignUpForm,
    StorePasswordResetForm,
)
from storefront.accounts.selectors import (
    address_for_cep,
    address_get_for_customer,
    address_list_for_customer,
    profile_get,
)
from storefront.accounts.services import (
    address_create,
    address_delete,
    address_set_default,
    address_update,
    profile_update,
    user_email_change,
    user_sign_up,
)
from support.notifications.selectors import contact_preference_get
from support.notifications.services import whatsapp_consent_set

# The account page shows the latest orders; the order list pages through all of them.
ACCOUNT_ORDERS_SHOWN = 5
# Query budget of the account page, asserted in tests/accounts/test_account_views.py:
# session, user, profile, addresses, orders, their lines, contact preference, navigation.
ACCOUNT_DETAIL_QUERIES = 10
# Each order status in a colour of its own (Bootstrap's text-bg-* classes).
STATUS_BADGES = {
    "awaiting_payment": "warning",
    "paid": "info",
    "on_hold": "warning",
    "validated": "primary",
    "picking": "primary",
    "packed": "primary",
    "shipped": "info",
    "delivered": "success",
    "completed": "success",
    "cancelled": "secondary",
}


def sign_up_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account-detail")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_sign_up(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
                language=get_language(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account was created."))
            return redirect("accounts:account-detail")
    return render(request, "accounts/user_sign_up.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/user_login.html"
    redirect_authenticated_user = True


class AccountDetailView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/account_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        user = self.request.user
        preference = contact_preference_get(user=user)
        initial = (
            {"whatsapp": preference.uses_whatsapp, "phone": preference.whatsapp_phone} if preference else {}
        )
        orders = list(order_list_for_customer(customer=user)[: ACCOUNT_ORDERS_SHOWN + 1])
        for order in orders:
            order.badge = STATUS_BADGES.get(order.status, "secondary")
        return super().get_context_data(
            notice_form=kwargs.pop("notice_form", None) or NoticeChannelForm(initial=initial),
            profile=profile_get(user=user),
            addresses=address_list_for_customer(customer=user),
            orders=orders[:ACCOUNT_ORDERS_SHOWN],
            more_orders=len(orders) > ACCOUNT_ORDERS_SHOWN,
            **kwargs,
        )


@login_required
@require_POST
def notice_channel_view(request: HttpRequest) -> HttpResponse:
    """The customer chooses how order updates reach them; the consent is kept."""
    form = NoticeChannelForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(
            request,
            AccountDetailView.template_name,
            AccountDetailView(request=request).get_context_data(notice_form=form),
        )
    whatsapp = form.cleaned_data["whatsapp"]
    whatsapp_consent_set(user=request.user, phone=form.cleaned_data["phone"], consent=whatsapp)
    messages.success(
        request,
        _("Your order updates now go to WhatsApp.") if whatsapp else _("Your order updates now go by email."),
    )
    return redirect("accounts:account-detail")


def _add_errors(form, error: ValidationError) -> None:
    """A service's field errors shown on the form's fields (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile_update_view(request: HttpRequest) -> HttpResponse:
    user, profile = request.user, profile_get(user=request.user)
    initial = {
        "full_name": user.full_name,
        "cpf": format_cpf(profile.cpf) if profile and profile.cpf else "",
        "phone": profile.phone if profile else "",
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your details were saved."))
            return redirect("accounts:account-detail")
    return render(request, "accounts/profile_form.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def address_create_view(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            address_create(customer=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The address was saved."))
            return redirect("accounts:account-detail")
    return render(request, "accounts/address_form.html", {"form": form, "address": None})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def address_update_view(request: HttpRequest, address_id: int) -> HttpResponse:
    address = address_get_for_customer(customer=request.user, address_id=address_id)
    initial = {"label": address.label, "is_default": address.is_default, **address.checkout_fields()}
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            address_update(customer=request.user, address_id=address.pk, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The address was saved."))
            return redirect("accounts:account-detail")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@login_required
@require_POST
def address_delete_view(request: HttpRequest, address_id: int) -> HttpResponse:
    try:
        address_delete(customer=request.user, address_id=address_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The address was deleted."))
    return redirect("accounts:account-detail")


@login_required
@require_POST
def address_default_view(request: HttpRequest, address_id: int) -> HttpResponse:
    try:
        address_set_default(customer=request.user, address_id=address_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("This is now your default address."))
    return redirect("accounts:account-detail")


@require_GET
@cache_control(private=True, max_age=60 * 60)
def address_lookup_view(request: HttpRequest) -> JsonResponse:
    """The street, district, city and state of a CEP, for the address forms to fill in (JSON).
    Anyone may ask: guests check out too. The answer is a message when the CEP is not one, is
    not known, or the service is down; the form stays usable in each case."""
    cep = normalize_cep(request.GET.get("cep", ""))
    try:
        validate_cep(cep)
    except ValidationError as error:
        return JsonResponse({"message": str(error.messages[0])}, status=400)
    try:
        found = address_for_cep(cep=cep)
    except CepNotFound:
        return JsonResponse(
            {"message": _("We do not know this CEP. Check it, or type the address.")}, status=404
        )
    except AddressLookupUnavailable:
        response = JsonResponse(
            {"message": _("We could not look up the CEP right now. Please type the address.")}, status=503
        )
        response["Cache-Control"] = "no-store"
        return response
    message = (
        _("Address found. Check it and add the number.")
        if found.street
        else _("We found the city. Please type the street and district.")
    )
    return JsonResponse(
        {
            "cep": format_cep(found.cep),
            "street": found.street,
            "district": found.district,
            "city": found.city,
            "state": found.state,
            "message": message,
        }
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def email_change_view(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user_email_change(user=request.user, email=form.cleaned_data["email"])
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, _("Your email was changed. Use it to log in from now on."))
            return redirect("accounts:account-detail")
    return render(request, "accounts/email_change_form.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:account-detail")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = StorePasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
