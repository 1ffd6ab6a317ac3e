"""The one function that prices an order. Its result is stored on the order at placement."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from core.money import percent_of, quantize_brl

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    items: Decimal
    discount: Decimal  # every discount, the Pix one included
    shipping: Decimal
    grand: Decimal
    pix_discount: Decimal = ZERO

    @property
    def discount_before_pix(self) -> Decimal:
        """The vouchers' part of the discounts."""
        return self.discount - self.pix_discount


def order_totals(
    *,
    lines: Iterable[tuple[Decimal, int]],
    shipping: Decimal = ZERO,
    discount: Decimal = ZERO,
    pix_discount_percent: Decimal = ZERO,
) -> Totals:
    """Items (unit price times quantity), minus a discount that never exceeds them, minus the
    Pix discount on what is left of the items (never on shipping), plus shipping."""
    items = quantize_brl(sum((unit_price * quantity for unit_price, quantity in lines), ZERO))
    discount = min(quantize_brl(discount), items)
    pix_discount = percent_of(items - discount, pix_discount_percent)
    discount += pix_discount
    shipping = quantize_brl(shipping)
    return Totals(
        items=items,
        discount=discount,
        shipping=shipping,
        grand=items - discount + shipping,
        pix_discount=pix_discount,
    )
