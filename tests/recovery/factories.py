"""Lost sales made the way the store makes them: a cart left behind and recorded by the
cart's job, or an order cancelled through the cancellation service."""

from datetime import datetime, timedelta
from decimal import Decimal

import time_machine
from django.db import transaction

from core.actor import Actor
from orders.models import Order, RecoveryOpportunity
from orders.services.cancellation import order_cancel
from storefront.cart.services import cart_add, cart_contact_set, cart_create, carts_abandoned_record
from tests.logistics.factories import stocked_variant


def variant_in_stock(*, price: str = "89.90", units: int = 10, name: str = "Camiseta básica"):
    variant = stocked_variant(units=units)
    variant.price = Decimal(price)
    variant.save(update_fields=["price"])
    variant.product.name = name
    variant.product.save(update_fields=["name"])
    return variant


def lost_cart(
    *,
    lost_at: datetime,
    customer=None,
    email: str = "",
    name: str = "Rita Alves",
    phone: str = "11987654321",
    language: str = "pt-br",
    variant=None,
    quantity: int = 2,
) -> RecoveryOpportunity:
    """A cart with items left at `lost_at`, by a customer or by a shopper who gave their email
    at checkout, recorded half an hour later by the cart's job."""
    variant = variant or variant_in_stock()
    with time_machine.travel(lost_at, tick=False):
        cart = cart_create(customer=customer)
        cart_add(cart_id=cart.pk, variant_id=variant.pk, quantity=quantity)
        if email:
            cart_contact_set(cart_id=cart.pk, email=email, name=name, phone=phone, language=language)
    with time_machine.travel(lost_at + timedelta(minutes=31), tick=False):
        assert carts_abandoned_record() == 1
    return RecoveryOpportunity.objects.get(cart_token=cart.token)


def lost_order(*, order: Order, reason: str = Order.CancelReason.PAYMENT_EXPIRED) -> RecoveryOpportunity:
    with transaction.atomic():
        order_cancel(order_id=order.pk, actor=Actor.job("test"), reason=reason)
    return RecoveryOpportunity.objects.get(order=order)
