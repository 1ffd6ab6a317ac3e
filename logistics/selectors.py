from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from core.cep import state_for_cep
from logistics.models import ShippingRate

# Correios' cubic factor: a parcel weighs at least its volume in cm3 / 6000, in kg.
CUBIC_DIVISOR = 6000


@dataclass(frozen=True)
class Parcel:
    """What goes in the box: the items' real weight and their volume added up."""

    weight_grams: int
    volume_cm3: Decimal

    @property
    def billable_grams(self) -> int:
        return max(self.weight_grams, int(self.volume_cm3 * 1000 / CUBIC_DIVISOR))


@dataclass(frozen=True)
class ShippingOption:
    code: str
    label: str
    price: Decimal
    days: int


def shipping_quote(*, cep: str, parcel: Parcel) -> list[ShippingOption]:
    """Every active service that delivers this parcel to this CEP, cheapest first. A rate
    for the CEP's own state wins over the rate for every state."""
    state = state_for_cep(cep)
    if state is None:
        return []
    rates = (
        ShippingRate.objects.filter(
            Q(state=state) | Q(state=""), service__is_active=True, max_weight_grams__gte=parcel.billable_grams
        )
        .select_related("service")
        .order_by("service__position", "service_id", "-state", "max_weight_grams")
    )
    chosen: dict[int, ShippingRate] = {}
    for rate in rates:
        chosen.setdefault(rate.service_id, rate)  # own state first, then the lightest band that fits
    options = [
        ShippingOption(code=rate.service.code, label=str(rate.service), price=rate.price, days=rate.days)
        for rate in chosen.values()
    ]
    return sorted(options, key=lambda option: (option.price, option.days))
