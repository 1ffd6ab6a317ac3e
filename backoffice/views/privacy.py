"""Data protection (LGPD): customers' erasure requests, by deadline; carrying one out or
refusing it with the reason the customer reads."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backoffice.models import PersonalDataAccess
from backoffice.services import personal_data_access_record
from core.actor import Actor
from core.exceptions import DomainError
from storefront.accounts.erasure import erasure_request_carry_out, erasure_request_refuse
from storefront.accounts.exceptions import ErasureRefusalReasonMissing
from storefront.accounts.models import ErasureRequest
from storefront.accounts.privacy_selectors import (
    erasure_kept_records,
    erasure_request_count_open,
    erasure_request_get,
    erasure_request_list,
)

PAGE_SIZE = 25
# Query budget of the queue, asserted in tests/backoffice/test_privacy_views.py: session, user,
# two-factor, permissions (2), the open count, the page's count and requests with customers,
# (navigation).
ERASURE_QUEUE_QUERIES = 12
# The detail: the above, the request with customer and events, what is kept (orders, payments,
# invoices) and what holds it (orders, returns, refunds), and the access log's row.
ERASURE_DETAIL_QUERIES = 17


class ErasureRefuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is refused (the customer reads this)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _status(value: str) -> str:
    return value if value in ErasureRequest.Status.values else ""


def erasure_request_list_view(request: HttpRequest) -> HttpResponse:
    status = _status(request.GET.get("status", ""))
    page = Paginator(erasure_request_list(status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/privacy/erasure_request_list.html",
        {
            "status": status,
            "statuses": ErasureRequest.Status.choices,
            "open_count": erasure_request_count_open(),
            "page_obj": page,
            "erasure_requests": page.object_list,
            "now": timezone.now(),
        },
    )


def _request_or_404(pk: int) -> ErasureRequest:
    try:
        return erasure_request_get(pk=pk)
    except ErasureRequest.DoesNotExist as missing:
        raise Http404 from missing


def erasure_request_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = _request_or_404(pk)
    # The page shows who the customer is and what the store holds of them: a read to log.
    personal_data_access_record(
        staff=request.user,
        kind=PersonalDataAccess.Kind.ERASURE_REQUEST,
        customer_id=erasure.customer_id,
        reference=str(erasure),
    )
    return render(
        request,
        "backoffice/privacy/erasure_request_detail.html",
        {
            "erasure": erasure,
            "kept": erasure_kept_records(request=erasure),
            "refuse_form": ErasureRefuseForm(),
            "now": timezone.now(),
        },
    )


@require_POST
def erasure_request_carry_out_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        erasure = erasure_request_carry_out(request_id=pk, actor=Actor.staff(request.user))
    except ErasureRequest.DoesNotExist as missing:
        raise Http404 from missing
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if erasure.status == ErasureRequest.Status.DONE:
            messages.success(
                request, _("The customer's personal data was erased; the fiscal records were kept.")
            )
        else:
            messages.warning(
                request, _("The request waits: %(reasons)s") % {"reasons": erasure.waiting_reason}
            )
    return redirect("backoffice:erasure-request-detail", pk=pk)


@require_POST
def erasure_request_refuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = ErasureRefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, ErasureRefusalReasonMissing.message)
        return redirect("backoffice:erasure-request-detail", pk=pk)
    try:
        erasure_request_refuse(
            request_id=pk, actor=Actor.staff(request.user), reason=form.cleaned_data["reason"]
        )
    except ErasureRequest.DoesNotExist as missing:
        raise Http404 from missing
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The erasure request was refused."))
    return redirect("backoffice:erasure-request-detail", pk=pk)
