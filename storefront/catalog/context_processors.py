from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from storefront.catalog.pricing import price_policy
from storefront.catalog.selectors import category_list_for_navigation


def navigation(request: HttpRequest) -> dict:
    # A lazy queryset: only storefront pages that draw the menu run its query.
    return {"navigation_categories": category_list_for_navigation()}


def prices(request: HttpRequest) -> dict:
    # Read once per page, and only by pages that show a price.
    return {"price_policy": SimpleLazyObject(price_policy)}
