from decimal import Decimal

from django.db import transaction

from logistics.models import CarrierService, ShippingRate


@transaction.atomic
def carrier_service_set_rates(
    *, code: str, carrier: str, name: str, position: int, rates: list[tuple[str, int, Decimal, int]]
) -> CarrierService:
    """Create or update a delivery service and replace its rate table with
    `(state or "", max_weight_grams, price, days)` rows."""
    service, _created = CarrierService.objects.update_or_create(
        code=code, defaults={"carrier": carrier, "name": name, "position": position}
    )
    service.rates.all().delete()
    ShippingRate.objects.bulk_create(
        ShippingRate(service=service, state=state, max_weight_grams=grams, price=price, days=days)
        for state, grams, price, days in rates
    )
    return service
