"""What the shopper has told the checkout so far, kept in the session beside their cart.

Only the provider's card token, brand and last four digits are kept, never card data. The
state belongs to one cart: another cart starts the checkout afresh.
"""

from django.http import HttpRequest

from orders.services import Buyer
from storefront.cart.models import Cart

SESSION_KEY = "checkout"


def checkout_state(request: HttpRequest, cart: Cart) -> dict:
    state = request.session.get(SESSION_KEY) or {}
    return state if state.get("cart") == str(cart.token) else {"cart": str(cart.token)}


def checkout_state_update(request: HttpRequest, cart: Cart, **values) -> dict:
    state = {**checkout_state(request, cart), **values}
    request.session[SESSION_KEY] = state
    return state


def checkout_state_clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def checkout_buyer(state: dict) -> Buyer | None:
    """The buyer of the details step (which keeps the form's other choices beside them)."""
    details = state.get("details")
    if not details:
        return None
    return Buyer(**{field: details[field] for field in Buyer.__dataclass_fields__ if field in details})
