from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from core.money import quantize_brl
from logistics.selectors import ShippingOption, delivery_dates_add, parcel_for, shipping_quote
from storefront.cart.models import Cart, CartLine
from storefront.catalog.models import Variant
from storefront.promotions.services import Benefit, delivery_options_priced


@dataclass(frozen=True)
class CartView:
    """A cart as its page draws it: lines with product and picture, and what changed."""

    cart: Cart | None
    lines: list[CartLine]
    item_count: int
    subtotal: Decimal
    has_price_changes: bool
    has_stock_problems: bool


def cart_get_open(*, token: str | None = None, customer=None) -> Cart | None:
    """The open cart of a customer, or of the session's token."""
    if customer is not None:
        return Cart.objects.filter(customer=customer, status=Cart.Status.OPEN).first()
    if token:
        return Cart.objects.filter(token=token, status=Cart.Status.OPEN, customer__isnull=True).first()
    return None


def cart_item_count(*, cart: Cart | None) -> int:
    if cart is None:
        return 0
    return cart.lines.aggregate(total=Sum("quantity"))["total"] or 0


def cart_view(*, cart: Cart | None) -> CartView:
    if cart is None:
        return CartView(None, [], 0, Decimal("0.00"), has_price_changes=False, has_stock_problems=False)
    lines = list(
        cart.lines.select_related("variant__product__main_image")
        .prefetch_related("variant__attribute_values__attribute")
        .order_by("pk")
    )
    for line in lines:
        line.unit_price = line.variant.price
        line.total = quantize_brl(line.variant.price * line.quantity)
        line.price_changed = line.variant.price != line.price_when_added
        line.stock_short = line.quantity > line.variant.stock_online or not line.variant.is_active
    return CartView(
        cart=cart,
        lines=lines,
        item_count=sum(line.quantity for line in lines),
        subtotal=quantize_brl(sum((line.total for line in lines), Decimal("0.00"))),
        has_price_changes=any(line.price_changed for line in lines),
        has_stock_problems=any(line.stock_short for line in lines),
    )


def freight_estimate(*, cep: str, items: list[tuple[Variant, int]]) -> list[ShippingOption]:
    """What delivering `(variant, quantity)` items to a CEP costs with each service (free
    delivery included, before any voucher) and the day each arrives, for an order paid today."""
    items_total = quantize_brl(sum((variant.price * quantity for variant, quantity in items), Decimal("0")))
    options = shipping_quote(cep=cep, parcel=parcel_for(items))
    return delivery_dates_add(
        delivery_options_priced(options=options, items_total=items_total, benefit=Benefit())
    )


def freight_items(
    *, variant_id: int | None, quantity: int | None, cart: Cart | None
) -> list[tuple[Variant, int]]:
    """What a freight estimate prices: a variant on sale (one unit unless told), or else the
    cart's lines; nothing when neither is there."""
    if variant_id:
        variant = Variant.objects.filter(pk=variant_id, is_active=True, product__is_published=True).first()
        return [(variant, quantity or 1)] if variant else []
    if cart is None:
        return []
    return [(line.variant, line.quantity) for line in cart.lines.select_related("variant").order_by("pk")]
