"""Logistics screens: the pick queue and the picker's walk (made for a phone), packing by
scan, the dispatch queue, shipments with their tracking, labels and invoice records."""

import segno
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.forms import (
    PackForm,
    PickConfirmForm,
    PickListForm,
    PickShortForm,
    ShipmentFilterForm,
    WarehouseForm,
)
from core.actor import Actor
from core.exceptions import DomainError
from core.itf import itf_svg
from inventory.models import Warehouse
from logistics.access_keys import format_access_key
from logistics.exceptions import PickLineClosed
from logistics.models import PickLine, PickList, Shipment
from logistics.selectors import (
    ShipmentFilters,
    dispatch_queue,
    pack_queue,
    pick_list_get,
    pick_list_open,
    pick_queue,
    shipment_get,
    shipment_list,
)
from logistics.services import (
    packing_check,
    packing_expected,
    packing_items_grams,
    pick_line_confirm,
    pick_line_short,
    pick_list_create,
    shipment_dispatch_request,
    shipment_pack,
)
from orders.models import Order

PAGE_SIZE = 25


def _page(request: HttpRequest, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _warehouse(request: HttpRequest) -> tuple[WarehouseForm, Warehouse]:
    """The warehouse a picking or packing screen works in; 404 when the store has none."""
    form = WarehouseForm(request.GET or None)
    warehouse = form.chosen()
    if warehouse is None:
        raise Http404("No warehouse.")
    return form, warehouse


def pick_queue_view(request: HttpRequest) -> HttpResponse:
    """Orders waiting to be picked in a warehouse: one alone, or several in one walk."""
    warehouse_form, warehouse = _warehouse(request)
    page = _page(request, pick_queue(warehouse=warehouse))
    form = PickListForm(
        request.POST if request.method == "POST" else None, order_ids=[order.pk for order in page]
    )
    if request.method == "POST" and form.is_valid():
        try:
            pick_list = pick_list_create(
                warehouse=warehouse, order_ids=form.cleaned_data["orders"], actor=Actor.staff(request.user)
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return redirect(reverse("backoffice:pick-list", kwargs={"number": pick_list.number}))
    return render(
        request,
        "backoffice/logistics/pick_queue.html",
        {
            "warehouse_form": warehouse_form,
            "warehouse": warehouse,
            "page_obj": page,
            "form": form,
            "open_lists": pick_list_open(warehouse=warehouse),
        },
    )


def pick_list_view(request: HttpRequest, number: str) -> HttpResponse:
    """The picker's walk: the next line big on the screen, confirmed by scanning the item."""
    try:
        pick_list = pick_list_get(number=number)
    except PickList.DoesNotExist as error:
        raise Http404("No such pick list.") from error
    lines = list(pick_list.lines.all())
    current = next((line for line in lines if line.status == PickLine.Status.PENDING), None)
    confirm_form = PickConfirmForm(initial={"quantity": current.quantity if current else 1})
    short_form = PickShortForm(initial={"found": 0})
    if request.method == "POST" and (current is None or request.POST.get("line") != str(current.pk)):
        messages.info(request, PickLineClosed.message)  # a second submit, or another screen got there first
        return redirect(request.path)
    if request.method == "POST":
        actor = Actor.staff(request.user)
        line_id = current.pk
        try:
            if request.POST.get("action") == "short":
                short_form = PickShortForm(request.POST)
                if short_form.is_valid():
                    line = pick_line_short(
                        line_id=line_id, found=short_form.cleaned_data["found"], actor=actor
                    )
                    messages.warning(request, _message_for_line(line))
                    return redirect(request.path)
            else:
                confirm_form = PickConfirmForm(request.POST)
                if confirm_form.is_valid():
                    data = confirm_form.cleaned_data
                    line = pick_line_confirm(
                        line_id=line_id, code=data["code"], quantity=data["quantity"], actor=actor
                    )
                    messages.success(request, _message_for_line(line))
                    return redirect(request.path)
        except PickLine.DoesNotExist as error:
            raise Http404("No such line.") from error
        except DomainError as error:
            (short_form if request.POST.get("action") == "short" else confirm_form).add_error(
                None, error.message
            )
    return render(
        request,
        "backoffice/logistics/pick_list.html",
        {
            "pick_list": pick_list,
            "lines": lines,
            "current": current,
            "done": sum(line.status != PickLine.Status.PENDING for line in lines),
            "confirm_form": confirm_form,
            "short_form": short_form,
        },
    )


def _message_for_line(line: PickLine) -> str:
    if line.status == PickLine.Status.CANCELLED:
        return _("Order %(number)s was cancelled or put on hold: leave its items in the bin.") % {
            "number": line.order.number
        }
    if line.status == PickLine.Status.SHORT:
        return _("Reported short: order %(number)s waits for stock and the stock team was told.") % {
            "number": line.order.number
        }
    return _("%(quantity)s × %(sku)s picked.") % {
        "quantity": line.picked_quantity,
        "sku": line.order_line.sku,
    }


def pack_queue_view(request: HttpRequest) -> HttpResponse:
    warehouse_form, warehouse = _warehouse(request)
    page = _page(request, pack_queue(warehouse=warehouse))
    return render(
        request,
        "backoffice/logistics/pack_queue.html",
        {"warehouse_form": warehouse_form, "warehouse": warehouse, "page_obj": page},
    )


def pack_view(request: HttpRequest, number: str) -> HttpResponse:
    """The packer scans every unit into the box, then weighs and measures it. The codes
    scanned so far travel with the form; each scan is checked against the order at once."""
    order = get_object_or_404(Order, number=number)
    _warehouse_form, warehouse = _warehouse(request)
    is_htmx = request.headers.get("HX-Request") == "true"
    expected = packing_expected(order=order, warehouse=warehouse)
    codes = request.POST.getlist("code")[:1000]
    form = PackForm(request.POST or None)
    try:
        lines = packing_check(lines=expected, codes=codes)
    except DomainError:
        codes, lines = [], packing_check(lines=expected, codes=[])  # a tampered list starts over
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "pack":
            try:
                shipment = shipment_pack(
                    order_id=order.pk,
                    warehouse=warehouse,
                    codes=codes,
                    box=data["box"],
                    weight_grams=data["weight_grams"],
                    length_cm=data["length_cm"],
                    width_cm=data["width_cm"],
                    height_cm=data["height_cm"],
                    actor=Actor.staff(request.user),
                )
            except DomainError as error:
                for field, message in getattr(error, "field_errors", {}).items() or [(None, error.message)]:
                    form.add_error(field, message)
            else:
                messages.success(
                    request,
                    _("Box closed: shipment %(number)s, invoice %(invoice)s. The carrier is being booked.")
                    % {"number": shipment.number, "invoice": shipment.invoice},
                )
                queue = f"{reverse('backoffice:pack-queue')}?warehouse={warehouse.code}"
                if is_htmx:
                    return HttpResponse(headers={"HX-Redirect": queue})
                return redirect(queue)
        else:
            try:
                lines = packing_check(lines=expected, codes=[*codes, data["scan"]])
            except DomainError as error:
                form.add_error("scan", error.message)
            else:
                codes = [*codes, data["scan"].strip()]
    context = {
        "order": order,
        "warehouse": warehouse,
        "form": form,
        "codes": codes,
        "lines": lines,
        "items_grams": packing_items_grams(lines=expected),
        "is_complete": bool(lines) and all(line.is_complete for line in lines),
    }
    template = "backoffice/logistics/_pack_check.html" if is_htmx else "backoffice/logistics/pack.html"
    return render(request, template, context)


def dispatch_queue_view(request: HttpRequest) -> HttpResponse:
    page = _page(request, dispatch_queue())
    return render(request, "backoffice/logistics/dispatch_queue.html", {"page_obj": page})


@require_POST
def shipment_dispatch_view(request: HttpRequest, number: str) -> HttpResponse:
    shipment = get_object_or_404(Shipment, number=number)
    try:
        shipment_dispatch_request(shipment_id=shipment.pk, actor=Actor.staff(request.user))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Shipment %(number)s was sent to the carrier.") % {"number": shipment.number}
        )
    return redirect("backoffice:dispatch-queue")


def shipment_list_view(request: HttpRequest) -> HttpResponse:
    form = ShipmentFilterForm(request.GET or None)
    filters = ShipmentFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = ShipmentFilters(
            carrier=data["carrier"].code if data["carrier"] else "",
            status=data["status"],
            late=data["late"],
            search=data["q"],
        )
    page = _page(request, shipment_list(filters=filters))
    return render(
        request,
        "backoffice/logistics/shipment_list.html",
        {"form": form, "page_obj": page},
    )


def _shipment(number: str) -> Shipment:
    try:
        return shipment_get(number=number)
    except Shipment.DoesNotExist as error:
        raise Http404("No such shipment.") from error


def shipment_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    shipment = _shipment(number)
    return render(
        request,
        "backoffice/logistics/shipment_detail.html",
        {"shipment": shipment, "today": timezone.localdate()},
    )


def shipment_label_view(request: HttpRequest, number: str) -> HttpResponse:
    """The label stuck on the box: sender, recipient, service, tracking code and its QR code."""
    shipment = _shipment(number)
    if not shipment.tracking_code:
        raise Http404("Not booked yet.")
    qr = segno.make(shipment.tracking_code, error="m").svg_data_uri(scale=4)
    return render(
        request,
        "backoffice/logistics/shipment_label.html",
        {"shipment": shipment, "qr": qr, "company_name": settings.STORE_COMPANY_NAME},
    )


def shipment_invoice_view(request: HttpRequest, number: str) -> HttpResponse:
    """The DANFE-style page of the shipment's invoice record, printed and sent with the box."""
    shipment = _shipment(number)
    invoice = getattr(shipment, "invoice", None)
    if invoice is None:
        raise Http404("No invoice.")
    return render(
        request,
        "backoffice/logistics/shipment_invoice.html",
        {
            "shipment": shipment,
            "invoice": invoice,
            "access_key": format_access_key(invoice.access_key),
            "barcode": itf_svg(invoice.access_key),
        },
    )
