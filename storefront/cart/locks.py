from core.locks import for_update
from storefront.cart.models import Cart


def lock_cart(cart_id: int) -> Cart:
    return for_update(Cart.objects.filter(pk=cart_id)).get()
