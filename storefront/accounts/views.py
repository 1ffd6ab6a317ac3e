from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core.exceptions import DomainError
from storefront.accounts.forms import LoginForm, NoticeChannelForm, SignUpForm
from storefront.accounts.services import user_sign_up
from support.notifications.selectors import contact_preference_get
from support.notifications.services import whatsapp_consent_set


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
        preference = contact_preference_get(user=self.request.user)
        initial = (
            {"whatsapp": preference.uses_whatsapp, "phone": preference.whatsapp_phone} if preference else {}
        )
        return super().get_context_data(
            notice_form=kwargs.pop("notice_form", None) or NoticeChannelForm(initial=initial), **kwargs
        )


@login_required
@require_POST
def notice_channel_view(request: HttpRequest) -> HttpResponse:
    """The customer chooses how order updates reach them; the consent is kept."""
    form = NoticeChannelForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(request, AccountDetailView.template_name, {"notice_form": form})
    whatsapp = form.cleaned_data["whatsapp"]
    whatsapp_consent_set(user=request.user, phone=form.cleaned_data["phone"], consent=whatsapp)
    messages.success(
        request,
        _("Your order updates now go to WhatsApp.") if whatsapp else _("Your order updates now go by email."),
    )
    return redirect("accounts:account-detail")
