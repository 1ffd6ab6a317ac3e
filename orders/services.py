from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from core.actor import Actor
from core.sequences import sequence_next
from inventory.exceptions import OutOfStock
from inventory.services import stock_reserve
from orders.exceptions import PaymentTransitionNotAllowed, TransitionNotAllowed
from orders.locks import lock_order
from orders.models import (
    ORDER_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    TRANSITION_PERMISSIONS,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
)
from orders.pricing import order_totals
from storefront.catalog.models import Variant
from storefront.catalog.services import product_relations_set_bought_together, product_sales_counts_set


def order_transition(*, order_id: int, to: str, actor: Actor, note: str = "") -> Order:
    """Move an order along ORDER_TRANSITIONS, writing its event. The one place that assigns
    `Order.status`; callers add the move's own effects.

    Must run inside the caller's transaction (it takes the order lock). Raises
    TransitionNotAllowed or PermissionMissing, changing nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("order_transition must run inside a transaction")
    order = lock_order(order_id)
    if to not in ORDER_TRANSITIONS[order.status]:
        raise TransitionNotAllowed(order=order, to=to)
    actor.require_perm(TRANSITION_PERMISSIONS[to])
    OrderEvent.objects.create(
        order=order, from_status=order.status, to_status=to, actor=actor.label, note=note
    )
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    return order


def payment_transition(*, payment: Payment, to: str, update_fields: tuple[str, ...] = ()) -> Payment:
    """The one way to change `Payment.status`. Caller must hold the payment lock.

    Raises PaymentTransitionNotAllowed, changing nothing.
    """
    if to not in PAYMENT_TRANSITIONS[payment.status]:
        raise PaymentTransitionNotAllowed()
    payment.status = to
    payment.save(update_fields=["status", "updated_at", *update_fields])
    return payment


@transaction.atomic
def order_note_add(*, order_id: int, actor: Actor, note: str) -> OrderEvent:
    """An internal note on the order's timeline (no status change)."""
    actor.require_perm("orders.view_order")
    order = lock_order(order_id)
    return OrderEvent.objects.create(order=order, actor=actor.label, note=note)


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
    voucher_code: str = "",
    actor: Actor,
) -> Order:
    """Turn a cart's `(variant_id, quantity)` lines into an order at today's prices, holding
        their stock until the payment window closes. `discount` comes off the items (promotions
    are worked out by the caller). One order per cart: placing the same cart
        again returns the first order.

        Caller must hold the cart lock. Raises OutOfStock (nothing is created) or InvalidQuantity.
    """
    existing = Order.objects.filter(cart_token=cart_token).first()
    if existing is not None:
        return existing
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
    priced = [(variants[variant_id], quantity) for variant_id, quantity in lines]
    totals = order_totals(
        lines=[(variant.price, quantity) for variant, quantity in priced],
        shipping=delivery.price,
        discount=discount,
    )
    order = Order.objects.create(
        number=f"~{cart_token.hex}",  # the real number comes last, see below
        cart_token=cart_token,
        customer=customer,
        channel=channel,
        language=language,
        items_total=totals.items,
        discount_total=totals.discount,
        shipping_total=totals.shipping,
        grand_total=totals.grand,
        voucher_code=voucher_code,
        placed_at=timezone.now(),
        delivery_service=delivery.service,
        delivery_label=delivery.label,
        delivery_days=delivery.days,
        **asdict(buyer),
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant=variant,
            product_name=variant.product.name,
            variant_label=" / ".join(value.value for value in variant.attribute_values.all()),
            sku=variant.sku,
            unit_price=variant.price,
            quantity=quantity,
            line_total=variant.price * quantity,
        )
        for variant, quantity in priced
    )
    stock_reserve(
        lines=[(variant.pk, quantity) for variant, quantity in priced],
        reference=f"order:{order.pk}",
        actor=actor,
        expires_at=timezone.now() + payment_window,
    )
    # Numbers come from one shared counter, locked until commit: take it last.
    order.number = str(sequence_next("order-number", start=ORDER_NUMBER_START))
    order.save(update_fields=["number"])
    OrderEvent.objects.create(order=order, to_status=order.status, actor=actor.label, note="placed")
    return order


# What the catalog learns from sales

# Orders whose items count as sold, for best sellers and "customers also bought".
SOLD_STATUSES = (
    Order.Status.PAID,
    Order.Status.ON_HOLD,
    Order.Status.VALIDATED,
    Order.Status.PICKING,
    Order.Status.PACKED,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
    Order.Status.COMPLETED,
)
SALES_WINDOW = timedelta(days=180)

_CO_PURCHASES_SQL = """
    SELECT first_variant.product_id, other_variant.product_id, COUNT(DISTINCT first_line.order_id)
    FROM {line} first_line
    JOIN {line} other_line ON other_line.order_id = first_line.order_id
    JOIN {variant} first_variant ON first_variant.id = first_line.variant_id
    JOIN {variant} other_variant ON other_variant.id = other_line.variant_id
    JOIN {order} placed ON placed.id = first_line.order_id
    WHERE placed.placed_at >= %s AND placed.status IN ({statuses})
      AND first_variant.product_id <> other_variant.product_id
    GROUP BY first_variant.product_id, other_variant.product_id
"""


def product_sales_refresh(*, now=None) -> int:
    """Recompute, from the last 180 days of sales, the units sold per product and which
    products were bought together; return how many products got a "bought together" list."""
    since = (now or timezone.now()) - SALES_WINDOW
    sold_lines = OrderLine.objects.filter(order__status__in=SOLD_STATUSES, order__placed_at__gte=since)
    units = dict(sold_lines.values_list("variant__product_id").annotate(units=Sum("quantity")).order_by())
    sql = _CO_PURCHASES_SQL.format(
        line=OrderLine._meta.db_table,
        variant=Variant._meta.db_table,
        order=Order._meta.db_table,
        statuses=", ".join(["%s"] * len(SOLD_STATUSES)),
    )
    together: dict[int, list[tuple[int, int]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, *SOLD_STATUSES])
        for product_id, other_id, times in cursor.fetchall():
            together[product_id].append((other_id, times))
    lists = {
        product_id: sorted(pairs, key=lambda pair: (-pair[1], -units.get(pair[0], 0), pair[0]))
        for product_id, pairs in together.items()
    }
    with transaction.atomic():
        product_sales_counts_set(counts=units)
        product_relations_set_bought_together(lists=lists)
    return len(lists)
