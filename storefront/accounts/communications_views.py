"""The customer's communications page (LGPD): consent to marketing by email and on WhatsApp,
given or withdrawn with one click, and the history of every change."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from support.notifications.models import MarketingConsent
from support.notifications.selectors import (
    contact_preference_get,
    marketing_consent_history,
    marketing_consent_state,
)
from support.notifications.services import marketing_consent_set

Channel = MarketingConsent.Channel
# The changes the page lists; the whole history is in the data download.
HISTORY_SHOWN = 20


class CommunicationsForm(forms.Form):
    email = forms.BooleanField(
        label=gettext_lazy("Offers and reminders by email (carts left behind, satisfaction surveys)"),
        required=False,
    )
    whatsapp = forms.BooleanField(
        label=gettext_lazy("Offers and reminders on WhatsApp"),
        required=False,
    )


def _is_allowed(state: dict[str, MarketingConsent], channel: str) -> bool:
    return state[channel].is_given if channel in state else True  # never asked: see marketing_allowed


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def communications_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    state = marketing_consent_state(email=user.email)
    form = CommunicationsForm(
        request.POST if request.method == "POST" else None,
        initial={channel: _is_allowed(state, channel) for channel in Channel.values},
    )
    if request.method == "POST" and form.is_valid():
        for channel in Channel.values:
            marketing_consent_set(
                email=user.email,
                channel=channel,
                is_given=form.cleaned_data[channel],
                source=MarketingConsent.Source.ACCOUNT,
                user=user,
                recorded_by=user.email,
            )
        messages.success(request, _("Your choices about our messages were saved."))
        return redirect("accounts:communications")
    preference = contact_preference_get(user=user)
    return render(
        request,
        "accounts/communications.html",
        {
            "form": form,
            "history": marketing_consent_history(email=user.email)[:HISTORY_SHOWN],
            "has_whatsapp": preference is not None and preference.uses_whatsapp,
        },
    )
