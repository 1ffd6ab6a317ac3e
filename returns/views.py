"""The customer's return pages: ask to send back items of a delivered order, follow the
request, print the parcel's authorisation, and withdraw while nothing is on its way.

A visitor reaches them as the logged-in owner of the order or with the order's signed link
(`?t=`, from the store's emails); anyone else finds nothing."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.actor import Actor
from core.exceptions import DomainError
from core.itf import itf_svg
from core.uploads import UploadRefused
from logistics.models import Shipment
from logistics.selectors import shipment_list_for_order
from orders.exceptions import BankAccountInvalid, PixKeyInvalid
from orders.models import Order
from orders.selectors import order_access_token, order_get_for_customer, order_get_for_guest
from returns.exceptions import (
    DefectDateRequired,
    OrderNotReturnable,
    RefundDestinationRequired,
    ReturnDetailsRequired,
    ReturnPhotosTooMany,
    ReturnWindowClosed,
)
from returns.forms import ReturnRequestForm
from returns.models import ReturnRequest
from returns.selectors import (
    ReturnableLine,
    return_get_for_customer,
    return_get_for_guest,
    return_policy,
    returnable_lines,
)
from returns.services import return_request_create, return_withdraw
from returns.services.requests import WITHDRAWABLE

RS = ReturnRequest.Status
# Query budgets, asserted in tests/returns/test_views.py.
# Asking: session, user, order, lines, timeline, payments, refunds, delivery, policy, claimed,
# lines, the variants an exchange may choose and their options, the policy again for the
# form's help, navigation.
RETURN_CREATE_QUERIES = 15
RETURN_DETAIL_QUERIES = 9  # session, user, request, lines, units, events, tracking, photos, (cart)
RETURN_AUTHORISATION_QUERIES = 11  # the request's page, shipments, their tracking, warehouse
# Orders a customer may still ask to return something of (a hidden defect after completion).
RETURNABLE_ORDER_STATUSES = frozenset({Order.Status.DELIVERED, Order.Status.COMPLETED})
# Where a service's refusal is shown on the form; the others go above it.
ERROR_FIELDS = {
    DefectDateRequired: "noticed_on",
    ReturnDetailsRequired: "description",
    ReturnWindowClosed: "reason",
    RefundDestinationRequired: "refund_pix_key",
    PixKeyInvalid: "refund_pix_key",
    BankAccountInvalid: "refund_account",
    ReturnPhotosTooMany: "photos",
    UploadRefused: "photos",
}


def _token(request: HttpRequest) -> str:
    return request.GET.get("t") or request.POST.get("t") or ""


def _with_token(url: str, token: str) -> str:
    return f"{url}?{urlencode({'t': token})}" if token else url


def _order_for_visitor(request: HttpRequest, number: str) -> Order:
    """The order the visitor may see: theirs when logged in, or the one a signed link names."""
    token = _token(request)
    if token:
        return order_get_for_guest(number=number, token=token)
    if request.user.is_authenticated:
        return order_get_for_customer(customer=request.user, number=number)
    raise Http404("No such order.")


def _return_for_visitor(request: HttpRequest, number: str) -> ReturnRequest:
    """The request the visitor may see, by the same rule as its order."""
    token = _token(request)
    if token:
        return return_get_for_guest(number=number, token=token)
    if request.user.is_authenticated:
        return return_get_for_customer(customer=request.user, number=number)
    raise Http404("No such return request.")


def _owner_check(request: HttpRequest, order: Order) -> None:
    """An account's order changes only with its owner logged in; the signed link of the
    emails acts alone only for a guest's order."""
    if order.customer_id is not None and order.customer_id != request.user.pk:
        raise Http404("No such order.")


def _order_url(order: Order, token: str) -> str:
    if token:
        return _with_token(reverse("checkout:order-track", kwargs={"number": order.number}), token)
    return reverse("checkout:order-detail", kwargs={"number": order.number})


def _exchange_url(return_request: ReturnRequest, token: str) -> str:
    """The replacement order's page; a guest opens it with its own signed link."""
    exchange = return_request.exchange_order
    if exchange is None:
        return ""
    return _order_url(exchange, order_access_token(order=exchange) if token else "")


def _return_url(name: str, return_request: ReturnRequest, token: str) -> str:
    return _with_token(reverse(name, kwargs={"number": return_request.number}), token)


# Asking


def _not_returnable_message(order: Order, rows: list[ReturnableLine]) -> str:
    """Why the form cannot be shown, or "" when it can."""
    if order.status not in RETURNABLE_ORDER_STATUSES or not any(row.ends_on for row in rows):
        return str(OrderNotReturnable.message)
    if not any(row.returnable for row in rows):
        return _("Every item of this order was already asked back: follow your requests on the order's page.")
    return ""


def _return_create(form: ReturnRequestForm, order: Order) -> ReturnRequest | None:
    """Ask for the return; a refusal goes on the form and gives None."""
    data = form.cleaned_data
    try:
        return return_request_create(
            order_id=order.pk,
            actor=Actor.customer(order.customer),
            reason=data["reason"],
            lines=form.asks(),
            resolution=data["resolution"],
            description=data["description"],
            noticed_on=data["noticed_on"],
            photos=data["photos"],
            parcel_mode=data["parcel_mode"],
            refund_pix_key=data["refund_pix_key"],
            refund_bank_account=data["refund_bank_account"],
        )
    except DomainError as error:
        field = ERROR_FIELDS.get(type(error))
        form.add_error(field if field in form.fields else None, error.message)
        return None


def _created_message(return_request: ReturnRequest) -> str:
    if return_request.status == RS.REQUESTED:
        return _("We received your return request %(number)s. Our team will look at it and write to you.") % {
            "number": return_request.number
        }
    return _("Your return request %(number)s is approved.") % {"number": return_request.number}


@never_cache
@require_http_methods(["GET", "POST"])
def return_create_view(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_for_visitor(request, number)
    token = _token(request)
    if request.method == "POST":
        _owner_check(request, order)
    rows = returnable_lines(order=order, with_replacements=True)
    context = {"order": order, "access_token": token, "order_url": _order_url(order, token)}
    unavailable = _not_returnable_message(order, rows)
    if unavailable:
        return render(request, "returns/return_request_form.html", {**context, "unavailable": unavailable})
    today = timezone.localdate()
    form = ReturnRequestForm(
        request.POST or None,
        request.FILES or None,
        rows=rows,
        order=order,
        today=today,
        satisfaction_days=return_policy().satisfaction_days,
    )
    if request.method == "POST" and form.is_valid():
        return_request = _return_create(form, order)
        if return_request is not None:
            messages.success(request, _created_message(return_request))
            return redirect(_return_url("returns:return-detail", return_request, token))
    return render(request, "returns/return_request_form.html", {**context, "form": form, "today": today})


# Following


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # done, current, todo


PROGRESS = (
    (RS.REQUESTED, gettext_lazy("Requested")),
    (RS.APPROVED, gettext_lazy("Approved")),
    (RS.IN_TRANSIT, gettext_lazy("Posted")),
    (RS.RECEIVED, gettext_lazy("Received")),
    (RS.INSPECTED, gettext_lazy("Inspected")),
    (RS.REFUNDED, gettext_lazy("Refunded")),
)
# Where each status stands on the stepper; the ones that stop the request are not on it.
POSITION = {
    RS.REQUESTED: 0,
    RS.APPROVED: 1,
    RS.AWAITING_SHIPMENT: 1,
    RS.IN_TRANSIT: 2,
    RS.RECEIVED: 3,
    RS.INSPECTED: 4,
    RS.REFUNDED: 5,
    RS.EXCHANGED: 5,
}
PARCEL_STEPS = frozenset({RS.IN_TRANSIT, RS.RECEIVED})


def return_progress(return_request: ReturnRequest) -> list[Step]:
    """The stepper: done up to where the request is (or got to, when it stopped), the current
    step, then what is left. A missing item has no parcel steps."""
    status = return_request.status
    if status in POSITION:
        reached, finished = POSITION[status], status in (RS.REFUNDED, RS.EXCHANGED)
    else:  # rejected, expired or closed: as far as its timeline went
        reached = max((POSITION.get(event.to_status, 0) for event in return_request.events.all()), default=0)
        finished = True
    steps = []
    for index, (step_status, label) in enumerate(PROGRESS):
        if step_status in PARCEL_STEPS and not return_request.needs_parcel:
            continue
        if step_status == RS.REFUNDED and return_request.resolution == ReturnRequest.Resolution.STORE_CREDIT:
            label = gettext_lazy("Credit issued")
        elif step_status == RS.REFUNDED and return_request.resolution == ReturnRequest.Resolution.EXCHANGE:
            label = gettext_lazy("Replacement sent")
        if index < reached or (index == reached and finished):
            state = "done"
        elif index == reached:
            state = "current"
        else:
            state = "todo"
        steps.append(Step(label=str(label), state=state))
    return steps


def _is_inspected(return_request: ReturnRequest) -> bool:
    """Whether what came back was looked at (a closed request may have been withdrawn before)."""
    return any(event.to_status == RS.INSPECTED for event in return_request.events.all())


def _ticket(return_request: ReturnRequest):
    """The support ticket the desk opens for the request, once it has."""
    try:
        return return_request.ticket
    except ObjectDoesNotExist:
        return None


@never_cache
def return_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    return_request = _return_for_visitor(request, number)
    token = _token(request)
    return render(
        request,
        "returns/return_request_detail.html",
        {
            "return_request": return_request,
            "order": return_request.order,
            "ticket": _ticket(return_request),
            "steps": return_progress(return_request),
            "is_stopped": return_request.status in (RS.REJECTED, RS.EXPIRED, RS.CLOSED),
            "is_inspected": _is_inspected(return_request),
            "can_withdraw": return_request.status in WITHDRAWABLE,
            "access_token": token,
            "order_url": _order_url(return_request.order, token),
            "authorisation_url": _return_url("returns:return-authorisation", return_request, token),
            "exchange": return_request.exchange_order,
            "exchange_url": _exchange_url(return_request, token),
        },
    )


def _barcode(code: str) -> str:
    """Bars for a numeric code (Interleaved 2 of 5 wants an even count: a leading zero pads)."""
    if not code.isdigit():
        return ""
    return itf_svg(code if len(code) % 2 == 0 else f"0{code}")


@never_cache
def return_authorisation_view(request: HttpRequest, number: str) -> HttpResponse:
    """The page the customer prints and takes to the post office (or hands to the carrier)."""
    return_request = _return_for_visitor(request, number)
    if not return_request.authorisation_code:
        raise Http404("This return has no authorisation yet.")
    shipment = next(
        (
            shipment
            for shipment in shipment_list_for_order(order=return_request.order)
            if shipment.status == Shipment.Status.DELIVERED
        ),
        None,
    )
    return render(
        request,
        "returns/return_request_authorisation.html",
        {
            "return_request": return_request,
            "order": return_request.order,
            "warehouse": shipment.warehouse if shipment else None,
            "barcode_svg": _barcode(return_request.authorisation_code),
            "is_valid": return_request.status == RS.AWAITING_SHIPMENT,
            "detail_url": _return_url("returns:return-detail", return_request, _token(request)),
        },
    )


@never_cache
@require_POST
def return_withdraw_view(request: HttpRequest, number: str) -> HttpResponse:
    """The customer no longer wants to return the items, until the parcel is posted."""
    return_request = _return_for_visitor(request, number)
    _owner_check(request, return_request.order)
    try:
        return_withdraw(request_id=return_request.pk, customer=return_request.order.customer)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You withdrew return request %(number)s: keep the items, nothing is sent back.")
            % {"number": return_request.number},
        )
    return redirect(_return_url("returns:return-detail", return_request, _token(request)))
