"""Failed refunds: money the store owes that the provider did not pay, for a person to retry."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actor import Actor
from core.exceptions import DomainError
from core.money import format_brl
from orders.models import Refund
from orders.selectors import refund_list_failed
from orders.services import refund_retry

PAGE_SIZE = 25
# Query budget, asserted in tests/backoffice/test_refund_views.py.
# session, user, two-factor, permissions (2), count, refunds with orders and payments, (navigation)
FAILED_REFUNDS_QUERIES = 8


def failed_refund_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(refund_list_failed(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/failed_refund_list.html", {"page_obj": page, "refunds": page})


@require_POST
def refund_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a failed refund to be made again. A refund already pending or made is left as it
    is, so a second click (or a stale page) makes nothing twice."""
    try:
        refund = refund_retry(refund_id=pk, actor=Actor.staff(request.user))
    except Refund.DoesNotExist as error:
        raise Http404("No such refund.") from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        values = {"amount": format_brl(refund.amount), "number": refund.order.number}
        if refund.status == Refund.Status.DONE:
            messages.info(
                request, _("The refund of %(amount)s on order %(number)s was already made.") % values
            )
        else:
            messages.success(
                request, _("The refund of %(amount)s on order %(number)s is being made.") % values
            )
    return redirect("backoffice:failed-refund-list")
