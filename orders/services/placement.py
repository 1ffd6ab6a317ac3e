from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.sequences import sequence_next
from inventory.exceptions import OutOfStock
from inventory.services import stock_reserve
from orders.models import (
    Order,
    OrderEvent,
    OrderLine,
)
from orders.pricing import order_totals
from orders.services.payments import order_paid
from storefront.catalog.models import Variant

# Placement

ORDER_NUMBER_START = 100001
# Stock stays held this long for an unpaid order. Expired Pix and boleto payments cancel
# their order (and free its stock) much sooner; this is the safety net behind them.
PAYMENT_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Buyer:
    """Who buys and where it goes, as checked by the checkout forms."""

    email: str
    full_name: str
    cpf: str
    phone: str
    cep: str
    street: str
    street_number: str
    district: str
    city: str
    state: str
    complement: str = ""
    # A company buying (the invoice is made out to it); empty for a person.
    cnpj: str = ""
    company_name: str = ""
    state_registration: str = ""  # ISENTO when exempt

    @property
    def is_company(self) -> bool:
        return bool(self.cnpj)


@dataclass(frozen=True)
class Delivery:
    """The delivery service chosen at checkout, with the price and days quoted for it."""

    service: str
    label: str
    price: Decimal
    days: int


@transaction.atomic
def order_place(
    *,
    cart_token: UUID,
    lines: list[tuple[int, int]],
    buyer: Buyer,
    delivery: Delivery,
    customer=None,
    language: str = "pt-br",
    channel: str = Order.Channel.WEB,
    payment_window: timedelta = PAYMENT_WINDOW,
    discount: Decimal = Decimal("0.00"),
    pix_discount_percent: Decimal = Decimal("0.00"),
    voucher_code: str = "",
    sales_agent=None,
    actor: Actor,
) -> Order:
    """Turn a cart's `(variant_id, quantity)` lines into an order at today's prices, holding
    their stock until the payment window closes. `discount` comes off the items (promotions
    are worked out by the caller), and `pix_discount_percent` of the rest when the order is
    to be paid by Pix. One order per cart: placing the same cart again returns the first order.

    Caller must hold the cart lock. Raises OutOfStock (nothing is created) or InvalidQuantity.
    """
    existing = Order.objects.filter(cart_token=cart_token).first()
    if existing is not None:
        return existing
    priced = _variants_for_sale(lines)
    totals = order_totals(
        lines=[(variant.price, quantity) for variant, quantity in priced],
        shipping=delivery.price,
        discount=discount,
        pix_discount_percent=pix_discount_percent,
    )
    order = Order.objects.create(
        number=f"~{cart_token.hex}",  # the real number comes last, see below
        cart_token=cart_token,
        customer=customer,
        channel=channel,
        sales_agent=sales_agent,
        language=language,
        items_total=totals.items,
        discount_total=totals.discount,
        pix_discount=totals.pix_discount,
        shipping_total=totals.shipping,
        grand_total=totals.grand,
        voucher_code=voucher_code,
        placed_at=timezone.now(),
        delivery_service=delivery.service,
        delivery_label=delivery.label,
        delivery_days=delivery.days,
        **{**asdict(buyer), "email": buyer.email.strip().lower()},
    )
    _lines_hold(order=order, priced=priced, actor=actor, expires_at=timezone.now() + payment_window)
    OrderEvent.objects.create(order=order, to_status=order.status, actor=actor.label, note=_("Order placed"))
    return order


def _variants_for_sale(lines: list[tuple[int, int]]) -> list[tuple[Variant, int]]:
    """The lines' variants with their quantities; raises OutOfStock naming any not on sale."""
    variants = (
        Variant.objects.select_related("product")
        .prefetch_related("attribute_values")
        .in_bulk([variant_id for variant_id, _quantity in lines])
    )
    not_for_sale = [
        variant_id
        for variant_id, _quantity in lines
        if variant_id not in variants
        or not (variants[variant_id].is_active and variants[variant_id].product.is_published)
    ]
    if not_for_sale:
        raise OutOfStock(variant_ids=not_for_sale)
    return [(variants[variant_id], quantity) for variant_id, quantity in lines]


def _lines_hold(
    *, order: Order, priced: list[tuple[Variant, int]], actor: Actor, expires_at: datetime
) -> None:
    """The order's lines at today's prices and their stock held, then its real number."""
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant=variant,
            product_name=variant.product.name,
            variant_label=variant.options_label,
            sku=variant.sku,
            unit_price=variant.price,
            quantity=quantity,
            line_total=variant.price * quantity,
            unit_cost=variant.cost_price,
        )
        for variant, quantity in priced
    )
    stock_reserve(
        lines=[(variant.pk, quantity) for variant, quantity in priced],
        reference=f"order:{order.pk}",
        actor=actor,
        expires_at=expires_at,
    )
    # Numbers come from one shared counter, locked until commit: take it last.
    order.number = str(sequence_next("order-number", start=ORDER_NUMBER_START))
    order.save(update_fields=["number"])


# The order's delivery and contact, copied onto its replacement.
COPIED_FROM_ORIGINAL = (
    "customer_id",
    "language",
    "email",
    "full_name",
    "cpf",
    "phone",
    "cep",
    "street",
    "street_number",
    "complement",
    "district",
    "city",
    "state",
    "delivery_service",
    "delivery_label",
    "delivery_days",
)


@transaction.atomic
def order_place_replacement(
    *,
    original_order_id: int,
    lines: list[tuple[int, int]],
    credit: Decimal,
    awaits_return: bool,
    note: str,
    actor: Actor,
) -> Order:
    """An exchange's replacement: `(variant_id, quantity)` lines at today's prices, sent to
    the original order's address at no shipping cost, `credit` (what the units it replaces
    were paid) taken off. Its stock is held at once; with nothing left to pay it is paid now,
    otherwise the customer pays the difference on its page. While `awaits_return`, it is held
    after payment instead of going to the warehouse (see `order_release_after_return`).

    Raises OutOfStock (nothing is created)."""
    original = Order.objects.get(pk=original_order_id)
    priced = _variants_for_sale(lines)
    totals = order_totals(lines=[(variant.price, quantity) for variant, quantity in priced], discount=credit)
    order = Order.objects.create(
        number=f"~{uuid4().hex}",  # the real number comes last
        channel=Order.Channel.EXCHANGE,
        items_total=totals.items,
        discount_total=totals.discount,
        shipping_total=totals.shipping,
        grand_total=totals.grand,
        placed_at=timezone.now(),
        awaits_return=awaits_return,
        **{field: getattr(original, field) for field in COPIED_FROM_ORIGINAL},
    )
    # Unpaid, its stock waits as long as any order's; paid, it is held until it ships.
    _lines_hold(order=order, priced=priced, actor=actor, expires_at=timezone.now() + PAYMENT_WINDOW)
    OrderEvent.objects.create(order=order, to_status=order.status, actor=actor.label, note=note)
    if not order.grand_total:
        order_paid(order_id=order.pk, actor=actor, note=note)
    return order
