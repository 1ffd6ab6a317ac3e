"""Rows for the sales, payments, fraud and margin indicators' tests, at chosen São Paulo times."""

from datetime import date, datetime, time
from decimal import Decimal
from itertools import count

from django.utils import timezone

from orders.models import Order, OrderEvent, OrderLine, Payment, RecoveryOpportunity, Refund
from storefront.cart.models import Cart
from tests.catalog.factories import ProductFactory
from tests.orders.factories import OrderFactory

DAY = date(2026, 11, 10)
REFERENCES = count(1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An instant of São Paulo time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def order(
    *,
    placed_at: datetime,
    items: str = "100.00",
    shipping: str = "20.00",
    discount: str = "0.00",
    status: str = Order.Status.PAID,
    channel: str = Order.Channel.WEB,
    lines: tuple[tuple[str, int, str | None], ...] = (),
) -> Order:
    """An order row; `lines` as (unit price, quantity, unit cost or None)."""
    items_total, shipping_total, discount_total = Decimal(items), Decimal(shipping), Decimal(discount)
    row = OrderFactory(
        placed_at=placed_at,
        items_total=items_total,
        shipping_total=shipping_total,
        discount_total=discount_total,
        grand_total=items_total + shipping_total - discount_total,
        status=status,
        channel=channel,
    )
    for unit_price, quantity, unit_cost in lines:
        variant = ProductFactory(stock=0).variants.get()
        OrderLine.objects.create(
            order=row,
            variant=variant,
            product_name="x",
            sku=variant.sku,
            unit_price=Decimal(unit_price),
            quantity=quantity,
            line_total=Decimal(unit_price) * quantity,
            unit_cost=None if unit_cost is None else Decimal(unit_cost),
        )
    return row


def payment(
    order_row: Order,
    *,
    method: str,
    status: str,
    created_at: datetime,
    paid_at: datetime | None = None,
    amount: Decimal | None = None,
    issued: bool = True,
) -> Payment:
    row = Payment.objects.create(
        order=order_row,
        method=method,
        status=status,
        amount=amount or order_row.grand_total,
        gateway="sandbox",
        gateway_reference=f"ref_{next(REFERENCES)}" if issued else None,
        paid_at=paid_at,
    )
    Payment.objects.filter(pk=row.pk).update(created_at=created_at)
    return row


def refund(
    order_row: Order, *, amount: str, done_at: datetime | None, status: str = Refund.Status.DONE
) -> Refund:
    return Refund.objects.create(
        order=order_row,
        source=f"test:{next(REFERENCES)}",
        method=Refund.Method.STORE_CREDIT,
        amount=Decimal(amount),
        status=status,
        done_at=done_at,
    )


def event(
    order_row: Order, *, to: str, frm: str, actor: str, when: datetime, hold_reason: str = ""
) -> OrderEvent:
    row = OrderEvent.objects.create(
        order=order_row, from_status=frm, to_status=to, actor=actor, hold_reason=hold_reason
    )
    OrderEvent.objects.filter(pk=row.pk).update(created_at=when)
    return row


def carts(how_many: int, *, created_at: datetime) -> None:
    ids = [Cart.objects.create().pk for _ in range(how_many)]
    Cart.objects.filter(pk__in=ids).update(created_at=created_at)


def recovered(order_row: Order) -> RecoveryOpportunity:
    return RecoveryOpportunity.objects.create(
        kind=RecoveryOpportunity.Kind.ABANDONED_CART,
        status=RecoveryOpportunity.Status.RECOVERED,
        email=order_row.email,
        value=order_row.grand_total,
        recovered_order=order_row,
        recovered_at=order_row.placed_at,
        recovered_value=order_row.grand_total,
    )
