"""Stock screens for the warehouse team and managers: search, item history, low stock,
expiring lots, receiving, counts and transfers."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.exceptions import UnknownSku
from backoffice.forms import (
    CountFileForm,
    CountLineForm,
    CountOpenForm,
    ReceiptForm,
    StockSearchForm,
    TransferForm,
)
from core.actor import Actor
from core.exceptions import DomainError
from inventory.exceptions import CountFileRejected
from inventory.models import Bin, PurchaseOrder, StockCount, Transfer
from inventory.selectors import (
    lots_expiring,
    purchase_orders_open,
    replenishment_needs,
    stock_count_lines,
    stock_counts_recent,
    stock_item,
    stock_movements_for_variant,
    stock_search,
    transfers_recent,
    variant_ids_by_sku,
)
from inventory.services import (
    CountedLine,
    ReceivedLine,
    purchase_order_close,
    purchase_order_receive,
    stock_count_apply,
    stock_count_cancel,
    stock_count_import,
    stock_count_open,
    stock_count_record,
    transfer_cancel,
    transfer_receive,
    transfer_send,
)
from storefront.catalog.models import Variant

PAGE_SIZE = 25
# Query budgets, asserted in tests/backoffice/test_inventory_views.py.
STOCK_SEARCH_QUERIES = 9
STOCK_ITEM_QUERIES = 11


def _page(request: HttpRequest, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def stock_search_view(request: HttpRequest) -> HttpResponse:
    form = StockSearchForm(request.GET or None)
    query, warehouse = "", None
    if form.is_valid():
        query, warehouse = form.cleaned_data["q"], form.cleaned_data["warehouse"]
    page = _page(request, stock_search(query=query, warehouse_id=warehouse.pk if warehouse else None))
    return render(request, "backoffice/inventory/stock_search.html", {"form": form, "page_obj": page})


def stock_item_view(request: HttpRequest, variant_id: int) -> HttpResponse:
    try:
        variant = stock_item(variant_id=variant_id)
    except Variant.DoesNotExist as error:
        raise Http404("No such variant.") from error
    page = _page(request, stock_movements_for_variant(variant_id=variant_id))
    return render(request, "backoffice/inventory/stock_item.html", {"variant": variant, "page_obj": page})


def low_stock_view(request: HttpRequest) -> HttpResponse:
    page = _page(request, replenishment_needs())
    return render(request, "backoffice/inventory/low_stock.html", {"page_obj": page})


def lots_expiring_view(request: HttpRequest) -> HttpResponse:
    days = request.GET.get("days", "30")
    days = int(days) if days.isdecimal() and int(days) <= 365 else 30
    page = _page(request, lots_expiring(within_days=days))
    return render(request, "backoffice/inventory/lots_expiring.html", {"page_obj": page, "days": days})


def purchase_order_list_view(request: HttpRequest) -> HttpResponse:
    page = _page(request, purchase_orders_open())
    return render(request, "backoffice/inventory/purchase_order_list.html", {"page_obj": page})


def purchase_order_receive_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder.objects.select_related("supplier", "warehouse"), pk=pk)
    form = ReceiptForm(request.POST or None, purchase_order=order)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lines = [
            ReceivedLine(
                purchase_line_id=line.pk,
                quantity=data.get(f"quantity_{line.pk}") or 0,
                bin_id=data.get(f"bin_{line.pk}"),
                lot_code=data.get(f"lot_{line.pk}", ""),
                expires_on=data.get(f"expires_{line.pk}"),
            )
            for line in form.lines
        ]
        try:
            purchase_order_receive(
                purchase_order_id=order.pk,
                lines=lines,
                actor=Actor.staff(request.user),
                accept_over_delivery=data["accept_over_delivery"],
                note=data["note"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Goods received for %(number)s.") % {"number": order.number})
            return redirect("backoffice:purchase-order-list")
    return render(request, "backoffice/inventory/purchase_order_receive.html", {"order": order, "form": form})


@require_POST
def purchase_order_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder, pk=pk)
    try:
        purchase_order_close(purchase_order_id=order.pk, actor=Actor.staff(request.user))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(number)s is closed.") % {"number": order.number})
    return redirect("backoffice:purchase-order-list")


def stock_count_list_view(request: HttpRequest) -> HttpResponse:
    form = CountOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        warehouse, bin_code = form.cleaned_data["warehouse"], form.cleaned_data["bin_code"].strip()
        bin = Bin.objects.filter(warehouse=warehouse, code=bin_code).first() if bin_code else None
        if bin_code and bin is None:
            form.add_error("bin_code", _("This warehouse has no bin %(code)s.") % {"code": bin_code})
        else:
            count = stock_count_open(warehouse=warehouse, bin=bin, actor=Actor.staff(request.user))
            return redirect("backoffice:stock-count-detail", pk=count.pk)
    page = _page(request, stock_counts_recent())
    return render(request, "backoffice/inventory/stock_count_list.html", {"form": form, "page_obj": page})


def stock_count_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    count = get_object_or_404(StockCount.objects.select_related("warehouse", "bin"), pk=pk)
    line_form, file_form, file_errors = CountLineForm(), CountFileForm(), []
    if request.method == "POST":
        actor = Actor.staff(request.user)
        if "file" in request.FILES:
            file_form = CountFileForm(request.POST, request.FILES)
            if file_form.is_valid():
                try:
                    recorded = stock_count_import(
                        count_id=count.pk, content=file_form.cleaned_data["file"].read(), actor=actor
                    )
                except CountFileRejected as rejected:
                    file_errors = rejected.errors
                    messages.error(request, rejected.message)
                except DomainError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(request, _("%(count)s lines recorded.") % {"count": recorded})
                    return redirect("backoffice:stock-count-detail", pk=count.pk)
        else:
            line_form = CountLineForm(request.POST)
            if line_form.is_valid():
                data = line_form.cleaned_data
                try:
                    stock_count_record(
                        count_id=count.pk,
                        lines=[
                            CountedLine(
                                data["sku"].strip(),
                                data["bin_code"].strip(),
                                data["counted"],
                                data["lot_code"].strip(),
                            )
                        ],
                        actor=actor,
                    )
                except DomainError as error:
                    line_form.add_error("sku", error.message)
                else:
                    return redirect("backoffice:stock-count-detail", pk=count.pk)
    return render(
        request,
        "backoffice/inventory/stock_count_detail.html",
        {
            "count": count,
            "lines": stock_count_lines(count=count),
            "line_form": line_form,
            "file_form": file_form,
            "file_errors": file_errors,
            "can_apply": request.user.has_perm("inventory.approve_count"),
        },
    )


@require_POST
def stock_count_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    count = get_object_or_404(StockCount, pk=pk)
    action = stock_count_cancel if request.POST.get("action") == "cancel" else stock_count_apply
    try:
        action(count_id=count.pk, actor=Actor.staff(request.user))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)s: done.") % {"count": count})
    return redirect("backoffice:stock-count-detail", pk=count.pk)


def transfer_list_view(request: HttpRequest) -> HttpResponse:
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        skus = [sku for sku, _quantity in form.cleaned_data["lines"]]
        ids = variant_ids_by_sku(skus=skus)
        unknown = [sku for sku in skus if sku not in ids]
        if unknown:
            form.add_error("lines", UnknownSku(skus=unknown).message)
        else:
            try:
                transfer = transfer_send(
                    source=form.cleaned_data["source"],
                    destination=form.cleaned_data["destination"],
                    lines=[(ids[sku], quantity) for sku, quantity in form.cleaned_data["lines"]],
                    actor=Actor.staff(request.user),
                )
            except DomainError as error:
                form.add_error("lines", error.message)
            else:
                messages.success(request, _("%(transfer)s is on its way.") % {"transfer": transfer})
                return redirect("backoffice:transfer-list")
    page = _page(request, transfers_recent())
    return render(request, "backoffice/inventory/transfer_list.html", {"form": form, "page_obj": page})


@require_POST
def transfer_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(Transfer, pk=pk)
    action = transfer_cancel if request.POST.get("action") == "cancel" else transfer_receive
    try:
        action(transfer_id=transfer.pk, actor=Actor.staff(request.user))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(transfer)s: done.") % {"transfer": transfer})
    return redirect("backoffice:transfer-list")
