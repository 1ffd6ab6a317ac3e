"""The shopper's side of reviews: writing one for a product they received (from the order's
page or the product's), and reading every published review of a product."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainError
from storefront.catalog.cache import cache_anonymous_page
from storefront.reviews.exceptions import ReviewNotAllowed
from storefront.reviews.forms import ReviewForm
from storefront.reviews.selectors import (
    order_review_items,
    product_get_for_reviews,
    product_review_summary,
    review_get_for_customer,
    review_line_for_customer,
    review_list_for_product,
)
from storefront.reviews.services import review_submit

REVIEWS_PAGE_SIZE = 10
# Query budgets, asserted in tests/reviews/test_views.py whatever the number of reviews:
# the product, the distribution, the page's reviews with the count, and the navigation.
REVIEW_LIST_QUERIES = 6
# Session and user, the order, its products, their reviews, the navigation.
ORDER_REVIEW_QUERIES = 6


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def review_form_view(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_get_for_reviews(slug=slug)
    review = review_get_for_customer(customer=request.user, product_id=product.pk)
    if review is None and review_line_for_customer(customer=request.user, product_id=product.pk) is None:
        return render(
            request,
            "reviews/review_not_allowed.html",
            {"product": product, "message": ReviewNotAllowed.message},
            status=403,
        )
    if review is not None and not review.is_editable:
        return render(request, "reviews/review_form.html", {"product": product, "review": review})
    initial = {"rating": review.rating, "title": review.title, "comment": review.comment} if review else None
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review_submit(customer=request.user, product_id=product.pk, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Thank you! Your review will be published once our team has read it.")
            )
            return redirect("reviews:review-form", slug=product.slug)
    return render(request, "reviews/review_form.html", {"product": product, "review": review, "form": form})


@cache_anonymous_page(params=("page",))
def product_review_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_get_for_reviews(slug=slug)
    page = Paginator(review_list_for_product(product=product), REVIEWS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reviews/review_list.html",
        {
            "product": product,
            "review_summary": product_review_summary(product=product, limit=0),
            "page_obj": page,
            "reviews": page.object_list,
        },
    )


@never_cache
@login_required
def order_review_list_view(request: HttpRequest, number: str) -> HttpResponse:
    order, items = order_review_items(customer=request.user, number=number)
    return render(request, "reviews/order_review_list.html", {"order": order, "items": items})
