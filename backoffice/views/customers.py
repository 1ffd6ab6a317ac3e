"""Customer 360: one customer's whole story with the store on one screen, and the consent to
marketing they give or withdraw on the phone."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.forms import MarketingConsentForm
from backoffice.models import PersonalDataAccess
from backoffice.services import personal_data_access_record
from core.actor import Actor
from storefront.accounts.models import User
from support.notifications.models import MarketingConsent
from support.notifications.selectors import marketing_consent_state
from support.notifications.services import marketing_consent_set
from support.selectors import customer_story

# Query budget, asserted in tests/backoffice/test_customer_360.py.
# session, user, two-factor, permissions (2), customer, totals, orders, payments, shipments, tracking,
# risk findings, notes, return requests with their tickets, tickets, messages, notifications, (navigation),
# the access log's row (LGPD), the consent to marketing
CUSTOMER_360_QUERIES = 19


def customer_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    story = customer_story(
        customer_id=pk,
        with_orders=user.has_perm("orders.view_order") or user.has_perm("support.view_ticket"),
        with_support=user.has_perm("support.view_ticket"),
        with_risk=user.has_perm("orders.view_riskanalysis"),
    )
    personal_data_access_record(staff=user, kind=PersonalDataAccess.Kind.CUSTOMER_360, customer_id=pk)
    consent = marketing_consent_state(email=story.customer.email)
    return render(
        request,
        "backoffice/customer_detail.html",
        {
            "story": story,
            "marketing": [
                (value, label, consent.get(value)) for value, label in MarketingConsent.Channel.choices
            ],
            "can_record_consent": user.has_perm("notifications.add_marketingconsent"),
        },
    )


@require_POST
def customer_marketing_consent_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer, on the phone, allows or withdraws marketing on a channel: kept with the
    staff member who recorded it."""
    customer = get_object_or_404(User, pk=pk, is_staff=False)
    form = MarketingConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That choice could not be read. Please try again."))
    else:
        marketing_consent_set(
            email=customer.email,
            channel=form.cleaned_data["channel"],
            is_given=form.cleaned_data["action"] == "give",
            source=MarketingConsent.Source.STAFF,
            user=customer,
            recorded_by=Actor.staff(request.user).label,
        )
        messages.success(request, _("The customer's choice about marketing was recorded."))
    return redirect("backoffice:customer-detail", pk=pk)
