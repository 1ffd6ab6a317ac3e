"""Prices as Brazilian shoppers read them: the most interest-free instalments a card allows
and the price paid by Pix, from the store's price policy."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from core.money import format_brl, format_percent, installment_options, percent_of
from storefront.catalog.cache import catalog_cached
from storefront.catalog.models import PricePolicy


def price_policy() -> PricePolicy:
    """The price policy, kept with the cached catalog (saving it drops the cached pages)."""
    return catalog_cached("price-policy", price_policy_current)


def price_policy_current() -> PricePolicy:
    """The price policy as stored now, for the prices an order is placed at."""
    return PricePolicy.objects.order_by("pk").first() or PricePolicy()


@dataclass(frozen=True)
class PriceOffer:
    price: Decimal
    compare_at: Decimal | None
    pix_price: Decimal | None  # None when Pix has no discount
    pix_discount_percent: Decimal
    installments: int
    installment_value: Decimal

    @property
    def installments_label(self) -> str:
        """ "10x de R$ 10,49 sem juros"; empty when the card takes it in one go only."""
        if self.installments < 2:
            return ""
        return gettext("%(count)sx of %(value)s interest-free") % {
            "count": self.installments,
            "value": format_brl(self.installment_value),
        }

    @property
    def pix_label(self) -> str:
        """ "R$ 99,65 no Pix (5% de desconto)"; empty without a Pix discount."""
        if self.pix_price is None:
            return ""
        return gettext("%(price)s with Pix (%(percent)s%% off)") % {
            "price": format_brl(self.pix_price),
            "percent": format_percent(self.pix_discount_percent),
        }


def price_offer(price: Decimal, *, compare_at: Decimal | None = None, policy: PricePolicy) -> PriceOffer:
    """How a price reads on the shelf: what it was, its Pix price and its longest instalment plan."""
    installments, installment_value = installment_options(price)[-1] if price > 0 else (1, price)
    percent = policy.pix_discount_percent
    return PriceOffer(
        price=price,
        compare_at=compare_at if compare_at and compare_at > price else None,
        pix_price=price - percent_of(price, percent) if percent > 0 else None,
        pix_discount_percent=percent,
        installments=installments,
        installment_value=installment_value,
    )
