from django.http import HttpRequest

from storefront.catalog.selectors import category_list_for_navigation


def navigation(request: HttpRequest) -> dict:
    # A lazy queryset: only storefront pages that draw the menu run its query.
    return {"navigation_categories": category_list_for_navigation()}
