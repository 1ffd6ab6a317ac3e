"""Back-office work that spans apps: assisted sales placed by the telesales team."""

from dataclasses import asdict
from uuid import UUID

from django.db import transaction

from backoffice.exceptions import AssistedPaymentMethod, UnknownSku
from core.actor import Actor
from orders.models import Order, Payment
from orders.services import Buyer, payment_start
from storefront.accounts.services import customer_ensure
from storefront.cart.services import cart_add, cart_create
from storefront.catalog.models import Variant
from storefront.checkout.services import checkout_place_order

ASSISTED_METHODS = (Payment.Method.PIX, Payment.Method.BOLETO)


def telesales_order_place(
    *,
    agent,
    buyer: Buyer,
    lines: list[tuple[str, int]],
    delivery_code: str,
    method: str,
    key: UUID,
) -> Order:
    """Place an order for a customer on the phone: their account (made when new), the items by
    SKU, the delivery for their CEP, and a Pix or boleto whose instructions go to them by email.
    The order belongs to the telesales channel and to the agent. `key` makes a repeated submit
    return the same order.

    Raises PermissionMissing, UnknownSku, QuantityUnavailable, DeliveryUnavailable or
    OutOfStock (nothing is created), or PaymentProviderDown (the order waits for payment).
    """
    actor = Actor.staff(agent)
    actor.require_perm("orders.place_assisted_order")
    if method not in ASSISTED_METHODS:
        raise AssistedPaymentMethod()
    with transaction.atomic():
        customer = customer_ensure(email=buyer.email, full_name=buyer.full_name)
        variants = dict(
            Variant.objects.filter(sku__in=[sku for sku, _quantity in lines]).values_list("sku", "pk")
        )
        unknown = [sku for sku, _quantity in lines if sku not in variants]
        if unknown:
            raise UnknownSku(skus=unknown)
        cart = cart_create(token=key)
        if not cart.lines.exists():
            for sku, quantity in lines:
                cart_add(cart_id=cart.pk, variant_id=variants[sku], quantity=quantity)
        order = checkout_place_order(
            cart_id=cart.pk,
            buyer=Buyer(**{**asdict(buyer), "email": customer.email}),
            delivery_code=delivery_code,
            customer=customer,
            language=customer.language,
            channel=Order.Channel.TELESALES,
            sales_agent=agent,
        )
    payment_start(order_id=order.pk, method=method)
    return order
