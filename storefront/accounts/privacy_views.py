"""The customer's privacy page (LGPD): download everything the store holds about them, and
ask for it to be erased."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError
from storefront.accounts.data_export import customer_data_export
from storefront.accounts.erasure import erasure_request_create
from storefront.accounts.forms import ErasureRequestForm
from storefront.accounts.models import ErasureRequest


def _page(request: HttpRequest, form: ErasureRequestForm, status: int = 200) -> HttpResponse:
    erasure = ErasureRequest.objects.filter(customer=request.user).order_by("-pk").first()
    return render(
        request,
        "accounts/privacy_detail.html",
        {"form": form, "erasure": erasure, "now": timezone.now()},
        status=status,
    )


@never_cache
@login_required
@require_GET
def privacy_detail_view(request: HttpRequest) -> HttpResponse:
    return _page(request, ErasureRequestForm(user=request.user))


@never_cache
@login_required
@require_GET
def data_export_view(request: HttpRequest) -> HttpResponse:
    document = customer_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="meus-dados-{stamp}.json"'
    return response


@never_cache
@login_required
@require_POST
def erasure_request_create_view(request: HttpRequest) -> HttpResponse:
    form = ErasureRequestForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        erasure_request_create(user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("We received your request. The store answers within 15 days; you can follow it on this page."),
        )
    return redirect("accounts:privacy-detail")
