"""Which cart a request works on: the customer's, or the one whose token the session holds."""

from datetime import datetime

from django.http import HttpRequest

from storefront.cart.models import Cart
from storefront.cart.selectors import cart_get_open
from storefront.cart.services import cart_create

SESSION_KEY = "cart_token"
# The CEP a shopper last priced delivery for, kept for the browser session: pages cached for
# everyone read it in the browser, and checkout offers it.
CEP_COOKIE = "cep"


def _customer(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def request_cart(request: HttpRequest) -> Cart | None:
    return cart_get_open(token=request.session.get(SESSION_KEY), customer=_customer(request))


def request_cart_for_update(request: HttpRequest) -> Cart:
    """The request's cart, created on the first item added."""
    cart = request_cart(request)
    if cart is None:
        cart = cart_create(customer=_customer(request))
        request.session[SESSION_KEY] = str(cart.token)
    return cart


# The reminder whose link filled the cart, so the order placed from it counts as recovered.
RECOVERY_KEY = "recovery"


def recovery_attribution_set(
    request: HttpRequest, *, opportunity_id: int, step: int, clicked_at: datetime
) -> None:
    request.session[RECOVERY_KEY] = {"o": opportunity_id, "s": step, "at": clicked_at.isoformat()}


def recovery_attribution_pop(request: HttpRequest) -> dict:
    """The reminder to credit with the order being placed, as keyword arguments of
    `recovery_order_placed` (none: empty), forgotten once read."""
    kept = request.session.pop(RECOVERY_KEY, None)
    if not kept:
        return {}
    return {"opportunity_id": kept["o"], "step": kept["s"], "clicked_at": datetime.fromisoformat(kept["at"])}
