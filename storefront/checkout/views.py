from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from orders.selectors import order_get_for_customer, order_get_for_guest, order_list_for_customer

ORDERS_PAGE_SIZE = 10
# Query budgets, asserted in tests/checkout/test_views.py.
ORDER_LIST_QUERIES = 7  # session, user, count, page, lines, navigation, (cart)
ORDER_DETAIL_QUERIES = 7  # session, user, order, lines, timeline, navigation, (cart)


@never_cache
@login_required
def order_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(order_list_for_customer(customer=request.user), ORDERS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "checkout/order_list.html", {"page_obj": page, "orders": page.object_list})


@never_cache
@login_required
def order_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    order = order_get_for_customer(customer=request.user, number=number)
    return render(request, "checkout/order_detail.html", {"order": order})


@never_cache
def order_track_view(request: HttpRequest, number: str) -> HttpResponse:
    """A guest follows an order with the signed link from their email."""
    order = order_get_for_guest(number=number, token=request.GET.get("t", ""))
    return render(request, "checkout/order_detail.html", {"order": order})
