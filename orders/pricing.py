"""The one function that prices an order. Its result is stored on the order at placement."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from core.money import quantize_brl

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    items: Decimal
    discount: Decimal
    shipping: Decimal
    grand: Decimal


def order_totals(
    *, lines: Iterable[tuple[Decimal, int]], shipping: Decimal = ZERO, discount: Decimal = ZERO
) -> Totals:
    """Items (unit price times quantity), minus a discount that never exceeds them, plus shipping."""
    items = quantize_brl(sum((unit_price * quantity for unit_price, quantity in lines), ZERO))
    discount = min(quantize_brl(discount), items)
    shipping = quantize_brl(shipping)
    return Totals(items=items, discount=discount, shipping=shipping, grand=items - discount + shipping)
