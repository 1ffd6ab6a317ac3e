from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from storefront.cart.selectors import cart_get_open
from storefront.cart.services import cart_merge
from storefront.cart.session import SESSION_KEY


@receiver(user_logged_in, dispatch_uid="cart_merge_on_login")
def merge_visitor_cart(sender, request, user, **kwargs) -> None:
    """What a visitor put in the cart before logging in stays in the cart after."""
    visitor_cart = cart_get_open(token=request.session.get(SESSION_KEY)) if request else None
    if visitor_cart is not None:
        cart = cart_merge(source_id=visitor_cart.pk, customer=user)
        request.session[SESSION_KEY] = str(cart.token)
