"""Assisted sales: a telesales agent places an order for a customer on the phone."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from backoffice.forms import TelesalesForm
from backoffice.services import telesales_order_place
from core.exceptions import DomainError
from inventory.exceptions import OutOfStock
from orders.services import Buyer
from support.recovery.selectors import recovery_order_draft
from support.recovery.services import recovery_order_placed


def _draft(request: HttpRequest) -> dict:
    """A call from the recovery list starts from the lost sale's person, address and items."""
    if not (
        request.GET.get("recovery", "").isdigit() and request.user.has_perm("orders.work_recovery_calls")
    ):
        return {}
    return recovery_order_draft(opportunity_id=int(request.GET["recovery"]))


def telesales_order_view(request: HttpRequest) -> HttpResponse:
    form = TelesalesForm(request.POST or None, initial={"key": uuid.uuid4(), **_draft(request)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        buyer = Buyer(**{field: data[field] for field in Buyer.__dataclass_fields__})
        try:
            order = telesales_order_place(
                agent=request.user,
                buyer=buyer,
                lines=data["lines"],
                delivery_code=data["delivery"],
                method=data["method"],
                key=data["key"],
            )
        except OutOfStock:
            form.add_error("lines", _("Some items are not available in that quantity."))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            called = data["recovery"] and request.user.has_perm("orders.work_recovery_calls")
            attribution = {"opportunity_id": data["recovery"], "agent": request.user} if called else {}
            recovery_order_placed(order=order, **attribution)
            messages.success(
                request,
                _("Order %(number)s placed; the payment instructions went to %(email)s.")
                % {"number": order.number, "email": order.email},
            )
            return redirect("backoffice:order-workspace", number=order.number)
    return render(request, "backoffice/telesales_order.html", {"form": form})
