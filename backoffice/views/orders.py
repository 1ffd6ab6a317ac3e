"""Order screens: the order search, the hold queue by reason and the order workspace with its
actions (shown to those who may take them)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backoffice.models import PersonalDataAccess
from backoffice.selectors import order_search
from backoffice.services import personal_data_access_record
from core.actor import Actor
from core.exceptions import DomainError
from logistics.selectors import shipment_list_for_order
from orders.models import Order
from orders.selectors import order_customer_history, order_hold_counts, order_hold_queue, order_workspace
from orders.services import order_note_add
from orders.services.cancellation import order_cancel_by_staff
from orders.services.review import order_approve, order_refuse
from support.services.incidents import order_question_ask

PAGE_SIZE = 25
# Query budgets, asserted in tests/backoffice/test_order_views.py.
HOLD_QUEUE_QUERIES = 8
ORDER_SEARCH_QUERIES = 7
WORKSPACE_QUERIES = 15  # with the access log's row (LGPD)


class OrderActionForm(forms.Form):
    ACTIONS = {
        "approve": gettext_lazy("Approve"),
        "reject": gettext_lazy("Reject"),
        "ask": gettext_lazy("Ask the customer"),
        "note": gettext_lazy("Add a note"),
        "cancel": gettext_lazy("Cancel the order"),
    }

    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    seen = forms.DateTimeField(widget=forms.HiddenInput)
    text = forms.CharField(label=gettext_lazy("Reason, question or note"), required=False, max_length=1000)


def hold_queue_view(request: HttpRequest) -> HttpResponse:
    """The orders area: a search for any order, then the orders waiting for an analyst."""
    query = request.GET.get("q", "").strip()[:100]
    if query:
        return render(
            request,
            "backoffice/orders/order_search.html",
            {"query": query, "orders": order_search(query=query)},
        )
    reason = request.GET.get("reason", "")
    reason = reason if reason in Order.HoldReason.values else ""
    page = Paginator(order_hold_queue(reason=reason), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = order_hold_counts()
    return render(
        request,
        "backoffice/orders/hold_queue.html",
        {
            "page_obj": page,
            "reason": reason,
            "reasons": [
                (value, label, counts.get(value, 0))
                for value, label in Order.HoldReason.choices
                if value != Order.HoldReason.RETURN
            ],
            "total": sum(counts.values()),
        },
    )


def order_workspace_view(request: HttpRequest, number: str) -> HttpResponse:
    order = order_workspace(number=number)
    personal_data_access_record(
        staff=request.user,
        kind=PersonalDataAccess.Kind.ORDER_WORKSPACE,
        customer_id=order.customer_id,
        reference=order.number,
    )
    return render(
        request,
        "backoffice/orders/order_workspace.html",
        {
            "order": order,
            "analysis": order.analysis_list[0] if order.analysis_list else None,
            "history": order_customer_history(order=order),
            "shipments": shipment_list_for_order(order=order),
            "form": OrderActionForm(initial={"seen": order.updated_at}),
            "can_act": order.status == Order.Status.ON_HOLD
            and order.hold_reason != Order.HoldReason.RETURN
            and request.user.has_perm("orders.validate_order"),
            "can_cancel": order.can_be_cancelled_by_customer and request.user.has_perm("orders.cancel_order"),
        },
    )


@require_POST
def order_act_view(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(Order, number=number)
    form = OrderActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That action could not be read. Please try again."))
        return redirect("backoffice:order-workspace", number=number)
    action, seen, text = form.cleaned_data["action"], form.cleaned_data["seen"], form.cleaned_data["text"]
    actor = Actor.staff(request.user)
    try:
        if action == "approve":
            order_approve(order_id=order.pk, actor=actor, seen=seen, note=text)
        elif action == "reject":
            order_refuse(order_id=order.pk, actor=actor, seen=seen, reason=text)
        elif action == "ask":
            order_question_ask(order_id=order.pk, actor=actor, seen=seen, question=text)
        elif action == "cancel":
            order_cancel_by_staff(order_id=order.pk, actor=actor, note=text)
        else:
            order_note_add(order_id=order.pk, actor=actor, note=text or "-")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(action)s: done for order %(number)s.")
            % {"action": OrderActionForm.ACTIONS[action], "number": number},
        )
    return redirect("backoffice:order-workspace", number=number)
