"""Purchasing for the stock team and managers: purchase orders drafted by hand or from the
reorder list, their lines edited while they are drafts, then sent to the supplier; and the
suppliers with their lead times. Receiving is in views/inventory.py."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from backoffice.purchasing_forms import (
    PurchaseLineAddForm,
    PurchaseLineChangeForm,
    PurchaseOrderFilterForm,
    PurchaseOrderHeaderForm,
    PurchaseOrderNewForm,
)
from core.actor import Actor
from core.exceptions import DomainError
from inventory.exceptions import (
    InvalidQuantity,
    InvalidUnitCost,
    PurchaseLineDuplicate,
    PurchaseOrderNotDraft,
    VariantUnknown,
)
from inventory.models import PurchaseOrder
from inventory.selectors import (
    purchase_order_get,
    purchase_order_list,
    supplier_list,
    variant_by_code,
    variants_for_purchase,
)
from inventory.services import (
    purchase_order_cancel,
    purchase_order_draft,
    purchase_order_line_add,
    purchase_order_line_change,
    purchase_order_line_remove,
    purchase_order_send,
    purchase_order_update,
    purchase_orders_from_reorder,
)

PAGE_SIZE = 25
# Query budgets, asserted in tests/backoffice/test_purchasing_views.py.
LIST_QUERIES = 10
DETAIL_QUERIES = 10
SUPPLIER_LIST_QUERIES = 8
# Which field of the line form a refusal of the service belongs to.
LINE_ERROR_FIELDS = {
    InvalidQuantity: "quantity",
    InvalidUnitCost: "unit_cost",
    VariantUnknown: "q",
    PurchaseLineDuplicate: "q",
}


def _page(request: HttpRequest, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _field_for(error: DomainError) -> str | None:
    return next((name for kind, name in LINE_ERROR_FIELDS.items() if isinstance(error, kind)), None)


def _detail(request: HttpRequest, pk: int, *, status: int = 200, **forms) -> HttpResponse:
    """The purchase order page, with whichever forms came back with errors."""
    order = _order_or_404(pk)
    is_draft = order.status == PurchaseOrder.Status.DRAFT
    can_edit = is_draft and request.user.has_perm("inventory.change_purchaseorder")
    failed_line = forms.pop("failed_line", None)
    rows = [
        (
            line,
            forms["line_form"]
            if failed_line == line.pk
            else PurchaseLineChangeForm(
                prefix=f"line-{line.pk}",
                initial={"quantity": line.quantity_ordered, "unit_cost": line.unit_cost},
            ),
        )
        for line in order.line_list
    ]
    context = {
        "order": order,
        "rows": rows,
        "can_edit": can_edit,
        "can_send": is_draft and request.user.has_perm("inventory.send_purchase_order"),
        "add_form": forms.get("add_form") or PurchaseLineAddForm(),
        "header_form": forms.get("header_form")
        or PurchaseOrderHeaderForm(initial={"expected_on": order.expected_on, "note": order.note}),
    }
    return render(request, "backoffice/purchasing/purchase_order_detail.html", context, status=status)


def _order_or_404(pk: int) -> PurchaseOrder:
    try:
        return purchase_order_get(pk=pk)
    except PurchaseOrder.DoesNotExist as error:
        raise Http404("No such purchase order.") from error


def _refuse_unless_draft(request: HttpRequest, order: PurchaseOrder) -> HttpResponse | None:
    """Back to the order, saying why, when it is no longer a draft (the service refuses too)."""
    if order.status == PurchaseOrder.Status.DRAFT:
        return None
    messages.error(request, PurchaseOrderNotDraft.message)
    return redirect("backoffice:purchasing-detail", pk=order.pk)


@require_GET
def purchasing_list_view(request: HttpRequest) -> HttpResponse:
    form = PurchaseOrderFilterForm(request.GET or None)
    status, supplier = "", None
    if form.is_valid():
        status, supplier = form.cleaned_data["status"], form.cleaned_data["supplier"]
    page = _page(request, purchase_order_list(status=status, supplier_id=supplier.pk if supplier else None))
    return render(request, "backoffice/purchasing/purchase_order_list.html", {"form": form, "page_obj": page})


def purchasing_create_view(request: HttpRequest) -> HttpResponse:
    form = PurchaseOrderNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        order = purchase_order_draft(
            supplier=form.cleaned_data["supplier"],
            warehouse=form.cleaned_data["warehouse"],
            note=form.cleaned_data["note"],
            actor=Actor.staff(request.user),
        )
        messages.success(
            request, _("%(number)s is a draft: add its items, then send it.") % {"number": order.number}
        )
        return redirect("backoffice:purchasing-detail", pk=order.pk)
    return render(request, "backoffice/purchasing/purchase_order_new.html", {"form": form})


@require_GET
def purchasing_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@require_POST
def purchasing_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder, pk=pk)
    if refused := _refuse_unless_draft(request, order):
        return refused
    form = PurchaseOrderHeaderForm(request.POST)
    if form.is_valid():
        try:
            purchase_order_update(
                purchase_order_id=order.pk,
                expected_on=form.cleaned_data["expected_on"],
                note=form.cleaned_data["note"],
                actor=Actor.staff(request.user),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(number)s saved.") % {"number": order.number})
            return redirect("backoffice:purchasing-detail", pk=order.pk)
    return _detail(request, pk, status=422, header_form=form)


@require_POST
def purchasing_line_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder, pk=pk)
    if refused := _refuse_unless_draft(request, order):
        return refused
    form = PurchaseLineAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        variant_id = data["variant"]
        if not variant_id:
            variant = variant_by_code(code=data["q"])
            variant_id = variant.pk if variant else None
        try:
            if variant_id is None:
                raise VariantUnknown()
            line = purchase_order_line_add(
                purchase_order_id=order.pk,
                variant_id=variant_id,
                quantity=data["quantity"],
                unit_cost=data["unit_cost"],
                actor=Actor.staff(request.user),
            )
        except DomainError as error:
            form.add_error(_field_for(error), error.message)
        else:
            messages.success(request, _("%(sku)s added.") % {"sku": line.variant.sku})
            return redirect(reverse("backoffice:purchasing-detail", kwargs={"pk": order.pk}) + "#lines")
    return _detail(request, pk, status=422, add_form=form)


@require_POST
def purchasing_line_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Save or remove one line of a draft; the line is named by `line` in the form."""
    order = get_object_or_404(PurchaseOrder, pk=pk)
    if refused := _refuse_unless_draft(request, order):
        return refused
    line_id = request.POST.get("line", "")
    line_id = int(line_id) if line_id.isdecimal() else 0
    actor = Actor.staff(request.user)
    if request.POST.get("action") == "remove":
        try:
            purchase_order_line_remove(purchase_order_id=order.pk, line_id=line_id, actor=actor)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Item removed."))
        return redirect(reverse("backoffice:purchasing-detail", kwargs={"pk": order.pk}) + "#lines")
    form = PurchaseLineChangeForm(request.POST, prefix=f"line-{line_id}")
    if form.is_valid():
        try:
            purchase_order_line_change(
                purchase_order_id=order.pk,
                line_id=line_id,
                quantity=form.cleaned_data["quantity"],
                unit_cost=form.cleaned_data["unit_cost"],
                actor=actor,
            )
        except DomainError as error:
            form.add_error(_field_for(error), error.message)
        else:
            messages.success(request, _("Item saved."))
            return redirect(reverse("backoffice:purchasing-detail", kwargs={"pk": order.pk}) + "#lines")
    return _detail(request, pk, status=422, line_form=form, failed_line=line_id)


@require_POST
def purchasing_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder, pk=pk)
    try:
        purchase_order_send(purchase_order_id=order.pk, actor=Actor.staff(request.user))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(number)s was sent to %(supplier)s; it is expected on %(date)s.")
            % {
                "number": order.number,
                "supplier": order.supplier.name,
                "date": date_format(order.expected_on, "SHORT_DATE_FORMAT"),
            },
        )
    return redirect("backoffice:purchasing-detail", pk=order.pk)


@require_POST
def purchasing_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder, pk=pk)
    try:
        purchase_order_cancel(purchase_order_id=order.pk, actor=Actor.staff(request.user))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("backoffice:purchasing-detail", pk=order.pk)
    messages.success(request, _("%(number)s was cancelled.") % {"number": order.number})
    return redirect("backoffice:purchasing-list")


@require_POST
def purchasing_from_reorder_view(request: HttpRequest) -> HttpResponse:
    result = purchase_orders_from_reorder(actor=Actor.staff(request.user))
    drafts = result.created + result.extended
    if drafts:
        messages.success(
            request,
            ngettext(
                "%(count)s draft purchase order, %(lines)s items added: %(numbers)s. Check it and send it.",
                "%(count)s draft purchase orders, %(lines)s items added: %(numbers)s. Check and send them.",
                len(drafts),
            )
            % {
                "count": len(drafts),
                "lines": result.lines_added,
                "numbers": ", ".join(order.number for order in drafts),
            },
        )
    elif result.already_drafted:
        messages.info(request, _("Everything to reorder is already on draft purchase orders."))
    else:
        messages.info(request, _("Nothing to reorder has a supplier."))
    if result.without_supplier:
        messages.warning(
            request,
            _("No supplier on the reorder rule of %(skus)s: set one to order them here.")
            % {"skus": ", ".join(result.without_supplier)},
        )
    return redirect(f"{reverse('backoffice:purchasing-list')}?status={PurchaseOrder.Status.DRAFT}")


@require_GET
def purchasing_variant_search_view(request: HttpRequest) -> HttpResponse:
    """The variants matching the search box, as choices for the add-line form (htmx)."""
    variants = variants_for_purchase(query=request.GET.get("q", ""))
    return render(request, "backoffice/purchasing/_variant_results.html", {"variants": variants})


@require_GET
def supplier_list_view(request: HttpRequest) -> HttpResponse:
    page = _page(request, supplier_list())
    return render(request, "backoffice/purchasing/supplier_list.html", {"page_obj": page})
