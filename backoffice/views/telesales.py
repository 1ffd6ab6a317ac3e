"""Assisted sales: a telesales agent takes an order for a customer on the phone. They find the
customer and the products as they speak, watch the running total (delivery, voucher, Pix
discount) and, once placed, read out or send the Pix code or the card payment link."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backoffice.forms import TelesalesForm, telesales_lines
from backoffice.selectors import (
    telesales_customer_details,
    telesales_customer_search,
    telesales_order_get,
    telesales_product_search,
)
from backoffice.services import (
    TelesalesQuote,
    telesales_order_place,
    telesales_payment_link,
    telesales_payment_send,
    telesales_payment_sendable,
    telesales_quote,
    telesales_whatsapp_phone,
)
from core.exceptions import DomainError
from inventory.exceptions import OutOfStock
from orders.models import Payment
from orders.services import Buyer
from storefront.accounts.forms import cep_lookup_attrs
from storefront.catalog.pricing import price_policy
from support.recovery.selectors import recovery_order_draft
from support.recovery.services import recovery_order_placed

# htmx asks for the running total again whenever the CEP changes or a customer is picked.
REQUOTE_EVENT = "telesales-requote"


def _draft(request: HttpRequest) -> dict:
    """A call from the recovery list starts from the lost sale's person, address and items."""
    if not (
        request.GET.get("recovery", "").isdigit() and request.user.has_perm("orders.work_recovery_calls")
    ):
        return {}
    return recovery_order_draft(opportunity_id=int(request.GET["recovery"]))


def _form(data=None, initial=None) -> TelesalesForm:
    form = TelesalesForm(data, initial=initial, pix_discount_percent=price_policy().pix_discount_percent)
    form.fields["cep"].widget.attrs.update(
        {
            **cep_lookup_attrs(),
            "hx-post": reverse("backoffice:telesales-quote"),
            "hx-trigger": "change",
            "hx-target": "#basket",
        }
    )
    return form


def _quote(data, lines: list[tuple[str, int]]) -> TelesalesQuote:
    return telesales_quote(
        lines=lines,
        cep=data.get("cep", ""),
        email=data.get("email", "").strip().lower(),
        cpf=data.get("cpf", ""),
        delivery_code=data.get("delivery", ""),
        voucher_code=data.get("voucher", "").strip()[:40],
        method=data.get("method", Payment.Method.PIX),
    )


class _Initial(dict):
    """A recovery draft read like posted data (its items are "SKU quantity" lines)."""

    def getlist(self, key: str) -> list:
        return []


# Where a refusal of the order is said: on the field the agent corrects.
ERROR_FIELDS = {
    "delivery_unavailable": "delivery",
    "unknown_sku": "lines",
    "quantity_unavailable": "lines",
    "variant_not_for_sale": "lines",
    "cart_empty": "lines",
    "assisted_payment_method": "method",
}


def _error_field(error: DomainError) -> str | None:
    if error.code.startswith("voucher_"):
        return "voucher"
    return ERROR_FIELDS.get(error.code)


def telesales_order_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        draft = _draft(request)
        form = _form(initial={"key": uuid.uuid4(), "method": Payment.Method.PIX, **draft})
        lines, errors = telesales_lines(_Initial(draft))
        return _order_page(request, form, _quote(draft, lines), errors)
    form = _form(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        buyer = Buyer(**{field: data[field] for field in Buyer.__dataclass_fields__})
        try:
            order = telesales_order_place(
                agent=request.user,
                buyer=buyer,
                lines=data["lines"],
                delivery_code=data["delivery"],
                voucher_code=data["voucher"],
                method=data["method"],
                key=data["key"],
            )
        except OutOfStock:
            form.add_error("lines", _("Some items are not available in that quantity."))
        except DomainError as error:
            form.add_error(_error_field(error), error.message)
        else:
            called = data["recovery"] and request.user.has_perm("orders.work_recovery_calls")
            attribution = {"opportunity_id": data["recovery"], "agent": request.user} if called else {}
            recovery_order_placed(order=order, **attribution)
            messages.success(request, _("Order %(number)s placed.") % {"number": order.number})
            return redirect("backoffice:telesales-placed", number=order.number)
    lines, errors = telesales_lines(request.POST)
    return _order_page(request, form, _quote(request.POST, lines), [], status=422)


def _order_page(
    request: HttpRequest, form: TelesalesForm, quote: TelesalesQuote, errors: list[str], status: int = 200
) -> HttpResponse:
    return render(
        request,
        "backoffice/telesales_order.html",
        {"form": form, "basket": quote, "basket_errors": errors},
        status=status,
    )


@require_GET
def telesales_product_search_view(request: HttpRequest) -> HttpResponse:
    """Products by name, SKU or EAN as the agent types (htmx)."""
    query = request.GET.get("q", "")
    return render(
        request,
        "backoffice/telesales/_product_results.html",
        {"query": query.strip(), "variants": telesales_product_search(query=query)},
    )


@require_GET
def telesales_customer_search_view(request: HttpRequest) -> HttpResponse:
    """Customers by CPF, email, phone, order number or name as the agent types (htmx)."""
    query = request.GET.get("q", "")
    return render(
        request,
        "backoffice/telesales/_customer_results.html",
        {"query": query.strip(), "customers": telesales_customer_search(query=query)},
    )


@require_GET
def telesales_customer_fill_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's details and default address in the order form (htmx), and the running
    total priced again for their CEP."""
    form = _form(initial=telesales_customer_details(customer_id=pk))
    response = render(request, "backoffice/telesales/_buyer_fields.html", {"form": form})
    response["HX-Trigger"] = REQUOTE_EVENT
    return response


def telesales_quote_view(request: HttpRequest) -> HttpResponse:
    """The running total again (htmx): after an item is added, changed or removed, or the
    CEP, delivery, voucher or way to pay changes. It only reads, so GET answers too."""
    data = request.POST if request.method == "POST" else request.GET
    lines, errors = telesales_lines(data)
    remove = data.get("remove", "")
    lines = [(sku, quantity) for sku, quantity in lines if sku != remove]
    added = data.get("add_sku", "").strip()[:64]
    if added:
        quantity = data.get("add_quantity", "1").strip() or "1"
        if quantity.isdecimal() and len(quantity) <= 7 and int(quantity) >= 1:
            lines.append((added, int(quantity)))
        else:
            errors.append(_("%(sku)s: the quantity must be a whole number above zero.") % {"sku": added})
    return render(
        request,
        "backoffice/telesales/_basket.html",
        {"basket": _quote(data, lines), "basket_errors": errors},
    )


@require_GET
def telesales_placed_view(request: HttpRequest, number: str) -> HttpResponse:
    """What the agent tells the customer once the order is placed: the Pix code to read out
    or send, the boleto, or the card payment link to send."""
    order = telesales_order_get(number=number)
    payment = order.latest_payment
    return render(
        request,
        "backoffice/telesales/placed.html",
        {
            "order": order,
            "payment": payment,
            "pix_groups": _groups(payment.pix_code) if payment and payment.pix_code else [],
            "payment_link": (
                telesales_payment_link(order=order)
                if payment is None or payment.method == Payment.Method.CARD
                else ""
            ),
            "can_send": telesales_payment_sendable(order=order),
            "whatsapp_phone": phone_display(telesales_whatsapp_phone(order=order)),
            "key": uuid.uuid4(),
        },
    )


def phone_display(phone: str) -> str:
    """(21) 99876-5432 for a Brazilian number with its area code; anything else as it is."""
    if not (phone.isdigit() and len(phone) in (10, 11)):
        return phone
    return f"({phone[:2]}) {phone[2:-4]}-{phone[-4:]}"


def _groups(code: str, size: int = 4) -> list[str]:
    """The code in groups of four characters, to read out without losing one's place."""
    return [code[start : start + size] for start in range(0, len(code), size)]


@require_POST
def telesales_payment_send_view(request: HttpRequest, number: str) -> HttpResponse:
    """Send the customer the Pix code, the boleto or the card payment link."""
    order = telesales_order_get(number=number)
    try:
        key = uuid.UUID(request.POST.get("key", ""))
    except ValueError:
        key = uuid.uuid4()
    try:
        notification = telesales_payment_send(agent=request.user, order=order, key=key)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if notification.channel == notification.Channel.WHATSAPP:
            text = _("Sent by WhatsApp to %(to)s.")
        else:
            text = _("Sent by email to %(to)s.")
        messages.success(request, text % {"to": phone_display(notification.to_address)})
    return redirect("backoffice:telesales-placed", number=order.number)
