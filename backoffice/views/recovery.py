"""Sales recovery for staff: the telesales call list with each lost sale's items, reason and
the customer's history, the call log, and what recovery brings per kind and reminder."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.forms import RecoveryCallForm, RecoveryReportForm
from core.actor import Actor
from core.exceptions import DomainError
from orders.models import RecoveryOpportunity
from support.recovery.selectors import (
    recovery_call_list,
    recovery_customer_history,
    recovery_items,
    recovery_opportunity_get,
    recovery_recent_orders,
    recovery_report,
)
from support.recovery.services import recovery_call_log

PAGE_SIZE = 25
# Query budgets, asserted in tests/recovery/test_backoffice.py.
# session, user, two-factor, permissions (2), count, page, calls, items, history, (navigation)
CALL_LIST_QUERIES = 11
# session, user, two-factor, permissions (2), lost sale, calls, messages, items, history, orders, (navigation)
CALL_DETAIL_QUERIES = 12
# session, user, two-factor, permissions (2), lost, steps, sent, recovered, (navigation)
REPORT_QUERIES = 10


def recovery_call_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(recovery_call_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    opportunities = list(page)
    items = recovery_items(opportunities)
    history = recovery_customer_history([opportunity.email for opportunity in opportunities])
    rows = [
        {
            "opportunity": opportunity,
            "items": items[opportunity.pk],
            "history": history.get(opportunity.email),
            "last_call": next(reversed(list(opportunity.calls.all())), None),  # prefetched, in order
        }
        for opportunity in opportunities
    ]
    return render(request, "backoffice/recovery/call_list.html", {"page_obj": page, "rows": rows})


def recovery_call_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        opportunity = recovery_opportunity_get(pk=pk)
    except RecoveryOpportunity.DoesNotExist as error:
        raise Http404("No such lost sale.") from error
    form = RecoveryCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recovery_call_log(
                opportunity_id=opportunity.pk,
                actor=Actor.staff(request.user),
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
                call_back_at=form.cleaned_data["call_back_at"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The call was logged."))
            return redirect("backoffice:recovery-call-list")
    history = recovery_customer_history([opportunity.email]).get(opportunity.email)
    context = {
        "opportunity": opportunity,
        "items": recovery_items([opportunity])[opportunity.pk],
        "history": history,
        "recent_orders": recovery_recent_orders(email=opportunity.email),
        "form": form,
    }
    return render(request, "backoffice/recovery/call_detail.html", context)


def recovery_report_view(request: HttpRequest) -> HttpResponse:
    form = RecoveryReportForm(request.GET or None)
    days = form.cleaned_data["days"] if form.is_valid() else RecoveryReportForm.DEFAULT_DAYS
    until = timezone.now()
    since = until - timedelta(days=days)
    kinds = recovery_report(since=since, until=until)
    return render(
        request,
        "backoffice/recovery/report.html",
        {"form": form, "kinds": kinds, "since": since, "until": until, "days": days},
    )
