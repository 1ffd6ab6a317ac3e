from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError
from orders.models import Order
from orders.selectors import order_get_for_guest
from storefront.cart.forms import CartAddForm, CartLineQuantityForm, FreightQuoteForm
from storefront.cart.selectors import cart_item_count, cart_view, freight_estimate, freight_items
from storefront.cart.services import cart_add, cart_restore, cart_set_quantity
from storefront.cart.session import (
    CEP_COOKIE,
    recovery_attribution_set,
    request_cart,
    request_cart_for_update,
)
from support.recovery.exceptions import RecoveryLinkInvalid
from support.recovery.services import recovery_click_record, recovery_lines_for_sale, recovery_link_read

# Query budgets, asserted in tests/cart/test_views.py.
CART_PAGE_QUERIES = 8  # session, cart, lines with products, attribute values, navigation, (user)
MINI_CART_QUERIES = 4
FREIGHT_QUOTE_QUERIES = 6  # variant (or session, cart, lines), rates, closed days, opening hours


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@never_cache
@require_GET
def cart_detail_view(request: HttpRequest) -> HttpResponse:
    return render(request, "cart/cart_detail.html", {"view": cart_view(cart=request_cart(request))})


@never_cache
@require_GET
def mini_cart_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "cart/_mini_cart.html", {"item_count": cart_item_count(cart=request_cart(request))}
    )


@never_cache
@require_GET
def freight_quote_view(request: HttpRequest) -> HttpResponse:
    """Delivery services, prices and dates for a CEP, from a product page or the cart (htmx).
    The CEP is remembered for the browser session, for the next page that asks."""
    form = FreightQuoteForm(request.GET)
    options = None
    if form.is_valid():
        items = freight_items(
            variant_id=form.cleaned_data["variant"],
            quantity=form.cleaned_data["quantity"],
            cart=None if form.cleaned_data["variant"] else request_cart(request),
        )
        if not items:
            form.add_error(None, _("There is nothing to deliver yet."))
        else:
            options = freight_estimate(cep=form.cleaned_data["cep"], items=items)
    response = render(request, "cart/_freight_quote.html", {"freight_form": form, "options": options})
    if options is not None:
        response.set_cookie(CEP_COOKIE, form.cleaned_data["cep"], samesite="Lax", secure=request.is_secure())
    return response


@require_POST
def cart_add_view(request: HttpRequest) -> HttpResponse:
    form = CartAddForm(request.POST)
    error = None
    if not form.is_valid():
        error = " ".join(message for errors in form.errors.values() for message in errors)
    else:
        try:
            cart_add(
                cart_id=request_cart_for_update(request).pk,
                variant_id=form.cleaned_data["variant"],
                quantity=form.cleaned_data["quantity"],
            )
        except DomainError as domain_error:
            error = domain_error.message
    if _is_htmx(request):
        response = render(request, "cart/_add_feedback.html", {"error": error}, status=422 if error else 200)
        if not error:
            response["HX-Trigger"] = "cart-changed"
        return response
    if error:
        messages.error(request, error)
        back = request.META.get("HTTP_REFERER", "")
        if url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(back)
        return redirect("cart:cart-detail")
    messages.success(request, _("Added to your cart."))
    return redirect("cart:cart-detail")


@require_POST
def cart_line_update_view(request: HttpRequest, line_id: int) -> HttpResponse:
    form = CartLineQuantityForm(request.POST)
    cart = request_cart(request)
    if cart is None:
        messages.error(request, _("Your cart is empty."))
    elif not form.is_valid():
        messages.error(request, " ".join(form.errors["quantity"]))
    else:
        try:
            cart_set_quantity(cart_id=cart.pk, line_id=line_id, quantity=form.cleaned_data["quantity"])
        except DomainError as error:
            messages.error(request, error.message)
    if _is_htmx(request):
        response = render(request, "cart/_cart_body.html", {"view": cart_view(cart=request_cart(request))})
        response["HX-Trigger"] = "cart-changed"
        return response
    return redirect("cart:cart-detail")


@never_cache
@require_http_methods(["GET", "POST"])
def cart_restore_view(request: HttpRequest, number: str) -> HttpResponse:
    """The link in a "payment expired" message: asks, then puts the cancelled order's items
    back in the cart."""
    order = order_get_for_guest(number=number, token=request.GET.get("t", ""))
    if order.status != Order.Status.CANCELLED:
        raise Http404("Only a cancelled order's items come back to the cart.")
    if request.method == "GET":
        return render(request, "cart/cart_restore.html", {"order": order})
    missing = cart_restore(
        cart_id=request_cart_for_update(request).pk,
        lines=[(line.variant_id, line.quantity) for line in order.lines.all()],
    )
    if missing:
        messages.warning(request, _("Some items of your order are no longer available and were left out."))
    else:
        messages.success(
            request, _("The items of order %(number)s are back in your cart.") % {"number": order.number}
        )
    return redirect("cart:cart-detail")


@never_cache
@require_GET
def cart_recover_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a recovery reminder: puts the lost sale's items back in the cart at
    today's prices, as far as they are in stock, and remembers the reminder so the order
    counts as recovered. A changed link, or items no longer for sale, change nothing."""
    try:
        opened = recovery_link_read(token=token)
    except RecoveryLinkInvalid as error:
        return render(request, "cart/cart_recover_failed.html", {"message": error.message}, status=404)
    lines = recovery_lines_for_sale(opportunity=opened.opportunity)
    if not lines:
        message = _("The items of this link are no longer for sale. Have a look at what is new in the store.")
        return render(request, "cart/cart_recover_failed.html", {"message": message}, status=410)
    missing = cart_restore(
        cart_id=request_cart_for_update(request).pk,
        lines=[(variant.pk, quantity) for variant, quantity in lines],
    )
    now = timezone.now()
    recovery_click_record(opportunity_id=opened.opportunity.pk, step=opened.step, now=now)
    recovery_attribution_set(request, opportunity_id=opened.opportunity.pk, step=opened.step, clicked_at=now)
    gone = len(opened.opportunity.lines) > len(lines) or missing
    if gone:
        messages.warning(request, _("Some of the items are no longer available and were left out."))
    else:
        messages.success(request, _("Your items are back in your cart, at today's prices."))
    return redirect("cart:cart-detail")
