from collections.abc import Iterable

from core.locks import for_update
from storefront.catalog.models import Product


def lock_products(*, ids: Iterable[int]) -> list[Product]:
    """Catalog writes lock the product before its variants, so a stock change and a staff
    edit of the same product never wait on each other in opposite orders."""
    return list(for_update(Product.objects.filter(pk__in=list(ids))).only("pk"))
