from collections.abc import Iterable

from core.locks import for_update
from storefront.catalog.models import Product, StockAlert


def lock_products(*, ids: Iterable[int]) -> list[Product]:
    """Catalog writes lock the product before its variants, so a stock change and a staff
    edit of the same product never wait on each other in opposite orders."""
    return list(for_update(Product.objects.filter(pk__in=list(ids))).only("pk"))


def lock_stock_alerts(*, ids: Iterable[int], skip_locked: bool = False) -> list[StockAlert]:
    """Back-in-stock requests, locked in primary-key order; with `skip_locked`, requests
    another worker is already sending are left to it."""
    return list(for_update(StockAlert.objects.filter(pk__in=list(ids)), skip_locked=skip_locked))
