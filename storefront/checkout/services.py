from decimal import Decimal

from django.db import transaction

from core.actor import Actor
from logistics.selectors import Parcel, ShippingOption, shipping_quote
from orders.models import Order
from orders.services import Buyer, Delivery, order_place
from storefront.cart.exceptions import CartClosed
from storefront.cart.locks import lock_cart
from storefront.cart.models import Cart, CartLine
from storefront.cart.services import cart_transition
from storefront.checkout.exceptions import CartEmpty, DeliveryUnavailable


def cart_parcel(*, lines: list[CartLine]) -> Parcel:
    """The parcel a cart makes: weights and volumes of its items added up."""
    return Parcel(
        weight_grams=sum(line.variant.weight_grams * line.quantity for line in lines),
        volume_cm3=sum(
            (
                line.variant.length_cm * line.variant.width_cm * line.variant.height_cm * line.quantity
                for line in lines
            ),
            Decimal("0"),
        ),
    )


def checkout_delivery_options(*, cart: Cart, cep: str) -> list[ShippingOption]:
    """What the shopper may choose for this cart and CEP, cheapest first."""
    return shipping_quote(cep=cep, parcel=cart_parcel(lines=list(cart.lines.select_related("variant"))))


@transaction.atomic
def checkout_place_order(
    *, cart_id: int, buyer: Buyer, delivery_code: str, customer=None, language: str = "pt-br"
) -> Order:
    """Place the order of a cart: re-quote the chosen delivery on the server, hold the stock,
    close the cart. Submitting the same cart again (a double click) returns the same order.

    Raises CartEmpty, CartClosed, DeliveryUnavailable or OutOfStock, creating nothing.
    """
    cart = lock_cart(cart_id)
    existing = Order.objects.filter(cart_token=cart.token).first()
    if existing is not None:
        return existing
    if cart.status != Cart.Status.OPEN:
        raise CartClosed()
    lines = list(cart.lines.select_related("variant").order_by("pk"))
    if not lines:
        raise CartEmpty()
    option = next(
        (
            option
            for option in shipping_quote(cep=buyer.cep, parcel=cart_parcel(lines=lines))
            if option.code == delivery_code
        ),
        None,
    )
    if option is None:
        raise DeliveryUnavailable()
    order = order_place(
        cart_token=cart.token,
        lines=[(line.variant_id, line.quantity) for line in lines],
        buyer=buyer,
        delivery=Delivery(service=option.code, label=option.label, price=option.price, days=option.days),
        customer=customer,
        language=language,
        actor=Actor.customer(customer),
    )
    cart_transition(cart=cart, to=Cart.Status.ORDERED)
    return order
