from decimal import Decimal

from django.db import transaction

from storefront.catalog.cache import catalog_changed
from storefront.catalog.models import PricePolicy


@transaction.atomic
def price_policy_update(*, pix_discount_percent: Decimal) -> PricePolicy:
    """Set the Pix discount every price shows and checkout applies; cached pages are dropped.
    Raises ValidationError for a discount out of range, changing nothing."""
    policy = PricePolicy.objects.select_for_update().order_by("pk").first() or PricePolicy()
    policy.pix_discount_percent = pix_discount_percent
    policy.full_clean()
    policy.save()
    catalog_changed()
    return policy
