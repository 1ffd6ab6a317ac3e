import json

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.cep import format_cep, normalize_cep
from core.exceptions import DomainError
from core.itf import itf_svg
from inventory.exceptions import OutOfStock
from logistics.selectors import order_arrival_estimate, shipment_list_for_order
from orders.exceptions import CardInvalid, PaymentNotAllowed, PaymentProviderDown
from orders.models import Order, Payment
from orders.selectors import (
    order_access_token,
    order_get_for_customer,
    order_get_for_guest,
    order_last_for_customer,
    order_list_for_customer,
)
from orders.services.cancellation import order_cancel_by_customer
from orders.services.payments import card_tokenise, payment_start
from returns.selectors import return_list_for_order, returnable_lines, units_returned
from storefront.accounts.forms import cep_lookup_attrs
from storefront.accounts.models import ADDRESS_FIELDS
from storefront.accounts.selectors import address_list_for_customer, profile_get
from storefront.accounts.services import address_remember, profile_fill_blanks
from storefront.cart.selectors import CartView, cart_view
from storefront.cart.services import cart_contact_set
from storefront.cart.session import (
    CEP_COOKIE,
    recovery_attribution_pop,
    request_cart,
    request_cart_for_update,
)
from storefront.checkout.forms import CheckoutDetailsForm, CheckoutPaymentForm, PlaceOrderForm
from storefront.checkout.services import (
    CheckoutQuote,
    checkout_place_order,
    checkout_quote,
    installment_options,
    order_buy_again,
)
from storefront.checkout.session import (
    checkout_buyer,
    checkout_state,
    checkout_state_clear,
    checkout_state_update,
)
from support.notifications.models import MarketingConsent
from support.notifications.services import marketing_consent_give
from support.recovery.services import recovery_order_placed

ORDERS_PAGE_SIZE = 10
# Query budgets, asserted in tests/checkout/test_views.py.
ORDER_LIST_QUERIES = 7  # session, user, count, page, lines, navigation, (cart)
ORDER_DETAIL_QUERIES = (
    11  # session, user, order, lines, timeline, payments, shipments, tracking, refunds, navigation, (cart)
    + 2  # the store's closed days and opening hours, for the arrival day until the order ships
)
# A delivered order also reads what may still be returned and its return requests.
DELIVERED_ORDER_DETAIL_QUERIES = ORDER_DETAIL_QUERIES + 6  # delivery, policy, claimed, lines, returns, lines
# Orders whose page offers returns: a hidden defect may still be reported after completion.
RETURNS_SHOWN = frozenset({Order.Status.DELIVERED, Order.Status.COMPLETED})
CHECKOUT_STEP_QUERIES = (
    12  # session, user, cart, lines, attributes, rates, voucher checks, navigation
    + 3  # price policy, the store's closed days and opening hours (arrival days)
)

# Where the last placed order is remembered, so a repeated "place order" finds it.
PLACED_KEY = "checkout_placed"


def _customer(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _checkout_cart(request: HttpRequest) -> CartView | None:
    """The cart being checked out, or None (with a message) when it cannot be."""
    view = cart_view(cart=request_cart(request))
    if not view.lines:
        messages.info(request, _("Your cart is empty."))
        return None
    if view.has_stock_problems:
        messages.error(
            request,
            _("Some items are no longer available in the quantity you chose. Please check your cart."),
        )
        return None
    return view


def _quote(
    view: CartView,
    state: dict,
    *,
    delivery: str | None = None,
    voucher: str | None = None,
    method: str | None = None,
) -> CheckoutQuote:
    return checkout_quote(
        lines=view.lines,
        buyer=checkout_buyer(state),
        delivery_code=state.get("delivery", "") if delivery is None else delivery,
        voucher_code=state.get("voucher", "") if voucher is None else voucher,
        payment_method=(
            state.get("payment_choice", {}).get("method", CheckoutPaymentForm.base_fields["method"].initial)
            if method is None
            else method
        ),
        cheapest_by_default=delivery is None,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def checkout_details_view(request: HttpRequest) -> HttpResponse:
    view = _checkout_cart(request)
    if view is None:
        return redirect("cart:cart-detail")
    state = checkout_state(request, view.cart)
    addresses = address_list_for_customer(customer=request.user) if request.user.is_authenticated else []
    if request.method == "POST":
        form = CheckoutDetailsForm(request.POST)
        if form.is_valid():
            checkout_state_update(request, view.cart, details=form.cleaned_data)
            details = form.cleaned_data
            cart_contact_set(
                cart_id=view.cart.pk,
                email=details["email"],
                name=details["full_name"],
                phone=details["phone"],
                language=get_language(),
            )
            _remember_for_customer(request, details, save_address=bool(request.POST.get("save_address")))
            return redirect("checkout:checkout-payment")
    else:
        form = CheckoutDetailsForm(initial=state.get("details") or _customer_initial(request, addresses))
    # The email is kept as soon as it is typed: a cart left halfway through the form can still be recalled.
    form.fields["email"].widget.attrs.update(
        {"hx-post": reverse("checkout:checkout-contact"), "hx-trigger": "change", "hx-swap": "none"}
    )
    form.fields["cep"].widget.attrs.update(cep_lookup_attrs())
    return render(
        request,
        "checkout/checkout_details.html",
        {"form": form, "view": view, "step": 1, **_saved_addresses(form, addresses)},
    )


def _saved_addresses(form: CheckoutDetailsForm, addresses: list) -> dict:
    """The customer's addresses to pick from, the one the form holds picked (the default at
    first), and whether the address typed may be saved."""
    shown = form.data if form.is_bound else form.initial
    typed = {
        field: normalize_cep(str(shown.get(field, ""))) if field == "cep" else str(shown.get(field, ""))
        for field in ADDRESS_FIELDS
    }
    picked = next((address.pk for address in addresses if address.checkout_fields() == typed), None)
    return {
        "saved_addresses": [(address, json.dumps(address.checkout_fields())) for address in addresses],
        "picked_address": picked,
        "save_address_checked": bool(form.data.get("save_address")) if form.is_bound else not addresses,
    }


def _remember_for_customer(request: HttpRequest, details: dict, *, save_address: bool) -> None:
    """A logged-in customer's CPF and phone go to their profile where it has none, and the
    address when they ask; neither ever stops the checkout."""
    customer = _customer(request)
    if customer is None:
        return
    profile_fill_blanks(user=customer, cpf=details["cpf"], phone=details["phone"])
    if not save_address:
        return
    try:
        address_remember(customer=customer, **{field: details[field] for field in ADDRESS_FIELDS})
    except ValidationError:
        messages.warning(request, _("We could not save this address in your account."))
    except DomainError as error:
        messages.warning(request, error.message)


@never_cache
@require_POST
def checkout_contact_view(request: HttpRequest) -> HttpResponse:
    """The email typed at checkout's first step, sent as soon as it is typed."""
    cart = request_cart(request)
    field = forms.EmailField(max_length=254)
    try:
        email = field.clean(request.POST.get("email", "")).strip().lower()
    except ValidationError:
        return HttpResponse(status=204)  # the form shows the error when it is sent
    if cart is not None:
        cart_contact_set(cart_id=cart.pk, email=email, language=get_language())
    return HttpResponse(status=204)


def _customer_initial(request: HttpRequest, addresses: list) -> dict:
    """A logged-in customer starts from their account: the CPF and phone on their profile and
    their default address, else what their last order had. Anyone starts from the CEP they
    priced delivery for on the product page or the cart."""
    customer = _customer(request)
    remembered_cep = request.COOKIES.get(CEP_COOKIE, "")
    if customer is None:
        return {"cep": format_cep(remembered_cep)} if remembered_cep else {}
    initial = {"email": customer.email, "full_name": customer.full_name}
    if remembered_cep:
        initial["cep"] = format_cep(remembered_cep)
    last = order_last_for_customer(customer=customer)
    if last is not None:
        fields = ("cpf", "phone", "cep", "street", "street_number", "complement", "district", "city", "state")
        initial.update({field: getattr(last, field) for field in fields})
    profile = profile_get(user=customer)
    if profile is not None:
        initial.update(
            {field: value for field, value in (("cpf", profile.cpf), ("phone", profile.phone)) if value}
        )
    default = next((address for address in addresses if address.is_default), None)
    if default is not None:
        initial.update(default.checkout_fields())
    return initial


@never_cache
@require_http_methods(["GET", "POST"])
def checkout_payment_view(request: HttpRequest) -> HttpResponse:
    view = _checkout_cart(request)
    if view is None:
        return redirect("cart:cart-detail")
    state = checkout_state(request, view.cart)
    if checkout_buyer(state) is None:
        return redirect("checkout:checkout-details")
    posted = request.POST if request.method == "POST" else None
    quote = _quote(
        view,
        state,
        delivery=posted.get("delivery") if posted else None,
        voucher=posted.get("voucher") if posted else None,
        method=posted.get("method", "") if posted else None,
    )
    options = {
        "delivery_options": quote.options,
        "installment_options": quote.installments,
        "pix_discount_percent": quote.pix_discount_percent,
    }
    if posted is None or posted.get("action") == "quote":
        initial = {
            "delivery": quote.delivery.code if quote.delivery else "",
            "voucher": state.get("voucher", ""),
        }
        initial.update(state.get("payment_choice", {}))
        if posted is not None:
            initial.update(
                {key: posted.get(key, "") for key in ("delivery", "voucher", "method", "installments")}
            )
        form = CheckoutPaymentForm(initial=initial, **options)
        return _payment_page(request, form, view, quote)
    form = CheckoutPaymentForm(posted, **options)
    if form.is_valid() and quote.voucher_error:
        form.add_error("voucher", quote.voucher_error)
    if form.is_valid():
        payment = _payment_choice(form)
        if payment is not None:
            checkout_state_update(
                request,
                view.cart,
                delivery=form.cleaned_data["delivery"],
                voucher=form.cleaned_data["voucher"],
                payment=payment,
                payment_choice={"method": payment["method"], "installments": payment["installments"]},
            )
            return redirect("checkout:checkout-review")
    return _payment_page(request, form, view, quote)


def _payment_choice(form: CheckoutPaymentForm) -> dict | None:
    """How the shopper pays, with a card swapped for the provider's token; None (and the
    error on the form) when the provider refuses the card."""
    data = form.cleaned_data
    if data["method"] != Payment.Method.CARD:
        return {"method": data["method"], "installments": 1}
    try:
        token = card_tokenise(
            number=data["card_number"],
            holder=data["card_holder"],
            expiry_month=data["expiry_month"],
            expiry_year=data["expiry_year"],
            cvv=data["card_cvv"],
        )
    except CardInvalid as error:
        form.add_error("card_number", error.message)
        return None
    except PaymentProviderDown as error:
        form.add_error(None, error.message)
        return None
    return {
        "method": data["method"],
        "installments": data["installments"],
        "card_token": token.token,
        "card_brand": token.brand,
        "card_last4": token.last4,
        "card_holder": token.holder,
    }


def _payment_terms() -> dict:
    return {
        "pix_minutes": settings.STORE_PIX_EXPIRY_MINUTES,
        "boleto_days": settings.STORE_BOLETO_DUE_BUSINESS_DAYS,
    }


def _payment_page(
    request: HttpRequest, form: CheckoutPaymentForm, view: CartView, quote: CheckoutQuote
) -> HttpResponse:
    return render(
        request,
        "checkout/checkout_payment.html",
        {"form": form, "view": view, "quote": quote, "step": 2, "payment_terms": _payment_terms()},
    )


@never_cache
@require_POST
def checkout_quote_view(request: HttpRequest) -> HttpResponse:
    """The order summary again for another delivery service, voucher or way to pay (htmx)."""
    view = _checkout_cart(request)
    if view is None or checkout_buyer(checkout_state(request, view.cart)) is None:
        return HttpResponse(status=409)
    state = checkout_state(request, view.cart)
    quote = _quote(
        view,
        state,
        delivery=request.POST.get("delivery", ""),
        voucher=request.POST.get("voucher", ""),
        method=request.POST.get("method", ""),
    )
    installments = CheckoutPaymentForm(
        initial={"installments": request.POST.get("installments")}, installment_options=quote.installments
    )["installments"]
    return render(
        request, "checkout/_quote.html", {"view": view, "quote": quote, "installments_field": installments}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def checkout_review_view(request: HttpRequest) -> HttpResponse:
    placed = request.session.get(PLACED_KEY)
    if request.method == "POST" and placed and request_cart(request) is None:
        return redirect(placed)  # "place order" sent again after the order was placed
    view = _checkout_cart(request)
    if view is None:
        return redirect("cart:cart-detail")
    state = checkout_state(request, view.cart)
    buyer = checkout_buyer(state)
    if buyer is None:
        return redirect("checkout:checkout-details")
    if "payment" not in state:
        return redirect("checkout:checkout-payment")
    quote = _quote(view, state, delivery=state["delivery"])
    if quote.delivery is None or quote.voucher_error:
        messages.warning(
            request,
            quote.voucher_error or _("The delivery you chose is no longer available. Please choose again."),
        )
        return redirect("checkout:checkout-payment")
    form = PlaceOrderForm(request.POST or None, initial={"expected_total": quote.totals.grand})
    if request.method == "POST" and form.is_valid():
        try:
            order = checkout_place_order(
                cart_id=view.cart.pk,
                buyer=buyer,
                delivery_code=state["delivery"],
                voucher_code=state.get("voucher", ""),
                payment_method=state["payment"]["method"],
                expected_total=form.cleaned_data["expected_total"],
                customer=_customer(request),
                language=get_language(),
            )
        except OutOfStock:
            messages.error(
                request, _("Some items sold out while you were checking out. Please check your cart.")
            )
            return redirect("cart:cart-detail")
        except DomainError as error:
            messages.warning(request, error.message)
            return redirect("checkout:checkout-review")
        recovery_order_placed(order=order, **recovery_attribution_pop(request))
        if form.cleaned_data["marketing"]:
            marketing_consent_give(
                email=order.email,
                channel=MarketingConsent.Channel.EMAIL,
                source=MarketingConsent.Source.CHECKOUT,
                user=order.customer,
                recorded_by=order.email,
            )
        return _pay_and_confirm(request, order, state["payment"])
    return render(
        request,
        "checkout/checkout_review.html",
        {"form": form, "view": view, "quote": quote, "buyer": buyer, "payment": state["payment"], "step": 3},
    )


def _confirmation_url(order: Order) -> str:
    """The confirmation page of an order, reachable by a guest too."""
    query = urlencode({"t": order_access_token(order=order)})
    return f"{reverse('checkout:order-confirmation', kwargs={'number': order.number})}?{query}"


def _pay_and_confirm(request: HttpRequest, order: Order, payment: dict) -> HttpResponse:
    """Ask the provider for the payment of a placed order and show how it went."""
    confirmation = _confirmation_url(order)
    request.session[PLACED_KEY] = confirmation
    checkout_state_clear(request)
    _payment_request(request, order, payment, after_placing=True)
    return redirect(confirmation)


def _payment_request(
    request: HttpRequest, order: Order, payment: dict, *, after_placing: bool = False
) -> None:
    """Start the payment; when it cannot start, the reason goes in a message."""
    try:
        payment_start(
            order_id=order.pk,
            method=payment["method"],
            card_token=payment.get("card_token", ""),
            card_brand=payment.get("card_brand", ""),
            card_last4=payment.get("card_last4", ""),
            card_holder=payment.get("card_holder", ""),
            installments=payment["installments"],
        )
    except PaymentNotAllowed as error:
        if not after_placing:  # after placing, the order was paid by an earlier click
            messages.warning(request, error.message)
    except DomainError as error:
        messages.warning(request, error.message)


# The customer's orders


def _order_for_request(request: HttpRequest, number: str) -> Order:
    """An order the visitor may see: theirs when logged in, or the one a signed link names."""
    token = request.GET.get("t") or request.POST.get("t")
    if token:
        return order_get_for_guest(number=number, token=token)
    if request.user.is_authenticated:
        return order_get_for_customer(customer=request.user, number=number)
    raise Http404("No such order.")


def _order_returns(order: Order) -> dict:
    """Whether anything of the order may still be asked back, its return requests, and on
    each line how many units came back."""
    if order.status not in RETURNS_SHOWN:
        return {"can_return": False, "return_requests": []}
    requests = return_list_for_order(order=order)
    returned = units_returned(requests)
    for line in order.lines.all():  # the lines the page's selector loaded
        line.returned_quantity = returned.get(line.pk, 0)
    return {
        "can_return": any(row.returnable for row in returnable_lines(order=order)),
        "return_requests": requests,
    }


def _order_page(request: HttpRequest, order: Order, template: str, **context) -> HttpResponse:
    payment = order.latest_payment
    is_payable = (
        payment is not None
        and payment.status == Payment.Status.PENDING
        and order.status == Order.Status.AWAITING_PAYMENT
    )
    return render(
        request,
        template,
        {
            "order": order,
            "payment": payment,
            "pix_qr": segno.make(payment.pix_code, error="m").svg_data_uri(scale=5)
            if is_payable and payment.pix_code
            else "",
            "pay_form": _pay_again_form(order) if order.can_pay_again else None,
            "access_token": request.GET.get("t") or request.POST.get("t", ""),
            "payment_terms": _payment_terms(),
            "shipments": shipment_list_for_order(order=order),
            "arrival_estimate": order_arrival_estimate(order=order),
            **_order_returns(order),
            **context,
        },
    )


@never_cache
@login_required
def order_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(order_list_for_customer(customer=request.user), ORDERS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "checkout/order_list.html", {"page_obj": page, "orders": page.object_list})


@login_required
@require_POST
def order_buy_again_view(request: HttpRequest, number: str) -> HttpResponse:
    """The customer's earlier order back in the cart, as far as its items are still for sale."""
    order = order_list_for_customer(customer=request.user).filter(number=number).first()
    if order is None:
        raise Http404("No such order.")
    try:
        result = order_buy_again(cart_id=request_cart_for_update(request).pk, order=order)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("accounts:account-detail")
    if result.added:
        messages.success(
            request,
            _("Back in your cart at today's prices: %(items)s.") % {"items": ", ".join(result.added)},
        )
    if result.short:
        messages.info(
            request,
            _("Fewer units than before, as many as we have: %(items)s.") % {"items": ", ".join(result.short)},
        )
    if result.gone:
        messages.warning(
            request, _("No longer available, left out: %(items)s.") % {"items": ", ".join(result.gone)}
        )
    return redirect("cart:cart-detail")


@never_cache
@login_required
def order_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    return _order_page(
        request, order_get_for_customer(customer=request.user, number=number), "checkout/order_detail.html"
    )


@never_cache
def order_track_view(request: HttpRequest, number: str) -> HttpResponse:
    """A guest follows an order with the signed link from their email."""
    order = order_get_for_guest(number=number, token=request.GET.get("t", ""))
    return _order_page(request, order, "checkout/order_detail.html")


@never_cache
def order_confirmation_view(request: HttpRequest, number: str) -> HttpResponse:
    return _order_page(request, _order_for_request(request, number), "checkout/order_confirmation.html")


def _pay_again_form(order: Order, data=None) -> CheckoutPaymentForm:
    """How a placed order may still be paid: by Pix alone when priced with the Pix discount."""
    return CheckoutPaymentForm(
        data,
        installment_options=installment_options(order.grand_total),
        with_delivery=False,
        pix_only=bool(order.pix_discount),
    )


@never_cache
@require_POST
def order_pay_view(request: HttpRequest, number: str) -> HttpResponse:
    """Pay again after a declined card or a provider that did not answer."""
    order = _order_for_request(request, number)
    form = _pay_again_form(order, request.POST)
    if form.is_valid():
        payment = _payment_choice(form)
        if payment is not None:
            _payment_request(request, order, payment)
            return redirect(_confirmation_url(order))
    return _order_page(request, order, "checkout/order_confirmation.html", pay_form=form)


@never_cache
@require_POST
def order_cancel_view(request: HttpRequest, number: str) -> HttpResponse:
    """The customer cancels their order before it ships. An account's order needs its owner
    logged in; the signed link of the emails cancels only a guest's order."""
    order = _order_for_request(request, number)
    if order.customer_id is not None and order.customer_id != request.user.pk:
        raise Http404("No such order.")
    try:
        order_cancel_by_customer(order_id=order.pk, customer=order.customer)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Order %(number)s is cancelled.") % {"number": order.number})
    token = request.POST.get("t", "")
    if token:
        return redirect(
            f"{reverse('checkout:order-track', kwargs={'number': number})}?{urlencode({'t': token})}"
        )
    return redirect("checkout:order-detail", number=number)


@never_cache
def order_boleto_view(request: HttpRequest, number: str) -> HttpResponse:
    """The boleto to print or pay from a banking app, while its order waits for it."""
    order = _order_for_request(request, number)
    if order.status != Order.Status.AWAITING_PAYMENT:
        raise Http404("No boleto to pay for this order.")
    boleto = next(
        (
            payment
            for payment in order.payment_list
            if payment.method == Payment.Method.BOLETO and payment.status == Payment.Status.PENDING
        ),
        None,
    )
    if boleto is None:
        raise Http404("No boleto to pay for this order.")
    return render(
        request,
        "checkout/order_boleto.html",
        {
            "order": order,
            "boleto": boleto,
            "barcode_svg": itf_svg(boleto.boleto_barcode),
        },
    )
