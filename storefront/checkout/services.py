from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from core.actor import Actor
from core.exceptions import DomainError
from core.money import quantize_brl
from logistics.selectors import ShippingOption, delivery_dates_add, parcel_for, shipping_quote
from orders.models import Order, Payment
from orders.pricing import Totals, order_totals
from orders.services import Buyer, Delivery, installment_options, order_place
from storefront.cart.exceptions import CartClosed
from storefront.cart.locks import lock_cart
from storefront.cart.models import Cart, CartLine
from storefront.cart.services import cart_restore, cart_transition
from storefront.catalog.pricing import price_policy_current
from storefront.checkout.exceptions import CartEmpty, DeliveryUnavailable, NothingToPay, TotalChanged
from storefront.promotions.services import (
    Benefit,
    delivery_options_priced,
    voucher_benefit,
    voucher_claim,
    voucher_redemption_add,
)


def _items_total(lines: list[CartLine]) -> Decimal:
    return quantize_brl(sum((line.variant.price * line.quantity for line in lines), Decimal("0")))


def _delivery_options(*, lines: list[CartLine], cep: str, benefit: Benefit) -> list[ShippingOption]:
    return delivery_options_priced(
        options=shipping_quote(cep=cep, parcel=parcel_for((line.variant, line.quantity) for line in lines)),
        items_total=_items_total(lines),
        benefit=benefit,
    )


@dataclass(frozen=True)
class CheckoutQuote:
    """Everything the payment and review steps show, priced as the order would be now."""

    options: list[ShippingOption]
    delivery: ShippingOption | None
    benefit: Benefit
    voucher_error: str
    totals: Totals
    installments: list[tuple[int, Decimal]]  # (count, value of each), interest-free
    pix_discount_percent: Decimal  # what paying by Pix takes off the items


def checkout_quote(
    *,
    lines: list[CartLine],
    buyer: Buyer,
    delivery_code: str,
    voucher_code: str,
    payment_method: str = "",
    cheapest_by_default: bool = False,
) -> CheckoutQuote:
    """Price the cart's lines for the buyer's CEP, a delivery service, a voucher and a way to
    pay with the same rules placing the order uses, each delivery with the day it arrives. A
    voucher that does not apply is reported, not raised; a delivery code not offered (none
    chosen yet) falls back to the cheapest when asked to."""
    policy = price_policy_current()
    items_total, voucher_error = _items_total(lines), ""
    try:
        benefit = voucher_benefit(
            code=voucher_code, items_total=items_total, email=buyer.email, cpf=buyer.cpf
        )
    except DomainError as error:
        benefit, voucher_error = Benefit(), str(error.message)
    options = delivery_dates_add(_delivery_options(lines=lines, cep=buyer.cep, benefit=benefit))
    delivery = next((option for option in options if option.code == delivery_code), None)
    if delivery is None and cheapest_by_default and options:
        delivery = options[0]
    totals = order_totals(
        lines=[(line.variant.price, line.quantity) for line in lines],
        shipping=delivery.price if delivery else Decimal("0.00"),
        discount=benefit.discount,
        pix_discount_percent=policy.pix_discount_percent if payment_method == Payment.Method.PIX else 0,
    )
    card_total = totals.grand + totals.pix_discount
    return CheckoutQuote(
        options=options,
        delivery=delivery,
        benefit=benefit,
        voucher_error=voucher_error,
        totals=totals,
        installments=installment_options(card_total) if card_total > 0 else [],
        pix_discount_percent=policy.pix_discount_percent,
    )


@transaction.atomic
def checkout_place_order(
    *,
    cart_id: int,
    buyer: Buyer,
    delivery_code: str,
    voucher_code: str = "",
    payment_method: str = "",
    expected_total: Decimal | None = None,
    customer=None,
    language: str = "pt-br",
    channel: str = Order.Channel.WEB,
    sales_agent=None,
) -> Order:
    """Place the order of a cart: price it again on the server (the browser's figures are only
    compared, never used), use the voucher and, for Pix, the Pix discount, hold the stock,
    close the cart. Submitting the same cart again (a double click) returns the same order.

    Raises CartEmpty, CartClosed, DeliveryUnavailable, TotalChanged, a voucher error or
    OutOfStock, creating nothing.
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
    benefit = voucher_claim(
        code=voucher_code, items_total=_items_total(lines), email=buyer.email, cpf=buyer.cpf
    )
    option = next(
        (
            option
            for option in _delivery_options(lines=lines, cep=buyer.cep, benefit=benefit)
            if option.code == delivery_code
        ),
        None,
    )
    if option is None:
        raise DeliveryUnavailable()
    pix_discount_percent = (
        price_policy_current().pix_discount_percent if payment_method == Payment.Method.PIX else Decimal("0")
    )
    totals = order_totals(
        lines=[(line.variant.price, line.quantity) for line in lines],
        shipping=option.price,
        discount=benefit.discount,
        pix_discount_percent=pix_discount_percent,
    )
    if expected_total is not None and totals.grand != expected_total:
        raise TotalChanged()
    if totals.grand <= 0:
        raise NothingToPay()
    order = order_place(
        cart_token=cart.token,
        lines=[(line.variant_id, line.quantity) for line in lines],
        buyer=buyer,
        delivery=Delivery(service=option.code, label=option.label, price=option.price, days=option.days),
        discount=benefit.discount,
        pix_discount_percent=pix_discount_percent,
        voucher_code=benefit.voucher.code if benefit.voucher else "",
        customer=customer,
        language=language,
        channel=channel,
        sales_agent=sales_agent,
        actor=Actor.staff(sales_agent) if sales_agent else Actor.customer(customer),
    )
    voucher_redemption_add(benefit=benefit, order=order)
    cart_transition(cart=cart, to=Cart.Status.ORDERED)
    return order


@dataclass(frozen=True)
class BoughtAgain:
    """What "buy again" put back in the cart, and the order's items it could not."""

    added: list[str]  # product names, as on the order
    gone: list[str]  # no longer for sale or out of stock
    short: list[str]  # back in the cart, fewer units than ordered


def order_buy_again(*, cart_id: int, order: Order) -> BoughtAgain:
    """Put the order's variants still for sale back in the cart, as many as were ordered and
    stock allows, at today's prices (the cart prices them now, never the old order).

    Raises CartClosed.
    """
    wanted = [(line.variant_id, line.quantity) for line in order.lines.all()]
    cart_restore(cart_id=cart_id, lines=wanted)
    in_cart = dict(CartLine.objects.filter(cart_id=cart_id).values_list("variant_id", "quantity"))
    added, gone, short = [], [], []
    for line in order.lines.all():
        name = f"{line.product_name} ({line.variant_label})" if line.variant_label else line.product_name
        kept = in_cart.get(line.variant_id, 0)
        if kept == 0:
            gone.append(name)
        else:
            added.append(name)
            if kept < line.quantity:
                short.append(name)
    return BoughtAgain(added=added, gone=gone, short=short)
