import hashlib

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError
from storefront.catalog.cache import cache_anonymous_page, catalog_cached
from storefront.catalog.exceptions import StockAlertLinkInvalid
from storefront.catalog.forms import ListingFilterForm, StockAlertForm
from storefront.catalog.models import Product, Variant
from storefront.catalog.selectors import (
    category_get,
    category_list_ancestors,
    category_list_children,
    category_size_guide,
    listing_facets,
    product_get_for_page,
    product_list_featured,
    product_list_filtered,
    product_list_for_category,
    product_list_new_arrivals,
    product_list_related,
    product_search,
    product_variant_picker,
)
from storefront.catalog.services import stock_alert_email_read, stock_alert_subscribe, stock_alerts_cancel
from storefront.catalog.suggestions import search_completion_list, search_correction_get
from storefront.reviews.selectors import product_review_summary

PAGE_SIZE = 24
# The query parameters a listing reads (ListingFilterForm and the paginator).
LISTING_PARAMS = ("price_min", "price_max", "brand", "in_stock", "sort", "f", "page")

# Query budgets, asserted in tests/catalog/test_views.py whatever the catalog size.
# Each also reads the price policy, until the cache keeps it.
HOME_QUERIES = 4  # featured, new arrivals, navigation
CATEGORY_QUERIES = 9  # category, ancestors, children, brands, attribute values, count, page, navigation
SEARCH_QUERIES = 7  # brands, attribute values, count, page, navigation, (none for the term itself)
PRODUCT_QUERIES = 9  # product, variants, their attribute values, images, ancestors, related, navigation
SEARCH_SUGGEST_QUERIES = 3  # products, category names, brand names (none once cached)
# A term whose words find nothing also looks for a correction, once per catalog version: do
# the words match, the closest vocabulary words (SQLite: the vocabulary), does the correction match.
SEARCH_CORRECTION_QUERIES = 3


@cache_anonymous_page()
def home_view(request: HttpRequest) -> HttpResponse:
    context = {"featured_products": product_list_featured(), "new_products": product_list_new_arrivals()}
    return render(request, "catalog/home.html", context)


def _render_listing(
    request: HttpRequest, template: str, products: QuerySet[Product], context: dict, *, facets_key: str
) -> HttpResponse:
    facets = catalog_cached(f"facets:{facets_key}", lambda: listing_facets(products=products))
    form = ListingFilterForm(
        request.GET,
        brand_slugs=[brand.slug for brand in facets.brands],
        attribute_tokens={
            f"{attribute_slug}:{value.slug}"
            for attribute_slug, _name, values in facets.attributes
            for value in values
        },
    )
    filters = form.listing_filters()
    page = Paginator(product_list_filtered(products=products, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context |= {
        "facets": facets,
        "filters": filters,
        "form": form,
        "ignored_filters": form.ignored_messages(),
        "selected_attribute_tokens": {
            f"{attribute}:{value}"
            for attribute, values in filters.attribute_values.items()
            for value in values
        },
        "page_obj": page,
        "products": page.object_list,
    }
    response = render(request, template, context)
    if not _reads_whole_query(request, form, page):
        # Values the page ignored (an unknown brand, a page past the end) would each make
        # a cache entry of their own: such a page is served but not cached.
        patch_cache_control(response, private=True)
    return response


def _reads_whole_query(request: HttpRequest, form: ListingFilterForm, page) -> bool:
    attribute_tokens = request.GET.getlist("f")
    chosen_tokens = sum(len(values) for values in form.attribute_filters.values())
    page_asked = request.GET.get("page")
    return (
        not form.errors
        and len(attribute_tokens) == chosen_tokens
        and (page_asked is None or page_asked == str(page.number))
    )


@cache_anonymous_page(params=LISTING_PARAMS)
def category_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    category = category_get(slug=slug)
    context = {
        "category": category,
        "ancestors": category_list_ancestors(category=category),
        "children": category_list_children(category=category),
    }
    products = product_list_for_category(category=category)
    return _render_listing(
        request, "catalog/category_detail.html", products, context, facets_key=f"category:{category.pk}"
    )


@cache_anonymous_page(params=(*LISTING_PARAMS, "q"))
def search_view(request: HttpRequest) -> HttpResponse:
    term = request.GET.get("q", "").strip()
    term_digest = hashlib.sha256(term.encode()).hexdigest()
    return _render_listing(
        request,
        "catalog/search_results.html",
        product_search(term=term),
        {"term": term, "correction": search_correction_get(term=term)},
        facets_key=f"search:{term_digest}",
    )


# The search boxes whose suggestions a page may ask for; each names its own list.
SUGGESTION_BOXES = {"header-search", "hero-search"}


@require_GET
def search_suggest_view(request: HttpRequest) -> HttpResponse:
    """Completions under a search box while the shopper types (htmx)."""
    box = request.headers.get("HX-Trigger", "")
    context = {
        "completions": search_completion_list(term=request.GET.get("q", "")),
        "box": box if box in SUGGESTION_BOXES else "search",
    }
    return render(request, "catalog/_search_suggestions.html", context)


@cache_anonymous_page()
def product_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_get_for_page(slug=slug)
    ancestors = [*category_list_ancestors(category=product.category), product.category]
    context = {
        "product": product,
        "ancestors": ancestors,
        "size_guide": category_size_guide(categories=ancestors),
        "picker": product_variant_picker(product=product),
        "related_products": product_list_related(product=product),
        "review_summary": product_review_summary(product=product),
    }
    return render(request, "catalog/product_detail.html", context)


# Avise-me


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_POST
def stock_alert_create_view(request: HttpRequest) -> HttpResponse:
    """A shopper asks to be told when a sold-out variant is back: answered in place on the
    product page (htmx), or by a notice on the page again without JavaScript."""
    form = StockAlertForm(request.POST, user=request.user)
    alert = None
    if form.is_valid():
        try:
            alert = stock_alert_subscribe(
                variant_id=form.cleaned_data["variant"],
                email=form.cleaned_data["email"],
                user=request.user,
                language=get_language(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
    variant_id = form.cleaned_data.get("variant")
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first() if variant_id else None
    if _is_htmx(request):
        context = {"variant": variant, "stock_alert_form": form, "stock_alert": alert}
        return render(request, "catalog/_stock_alert.html", context, status=200 if alert else 422)
    if alert is not None:
        messages.success(
            request, _("Done! We will email %(email)s once this option is back.") % {"email": alert.email}
        )
    else:
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    return redirect(variant.product.get_absolute_url() if variant else "catalog:home")


@never_cache
@csrf_exempt  # mail programs post the one-click unsubscribe without a form of ours
@require_http_methods(["GET", "POST"])
def stock_alert_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = stock_alert_email_read(token=token)
    except StockAlertLinkInvalid as error:
        return render(request, "catalog/stock_alert_unsubscribe.html", {"invalid": error.message}, status=404)
    stock_alerts_cancel(email=email)
    # The same answer whether or not the address was waiting for anything: nothing leaks.
    return render(request, "catalog/stock_alert_unsubscribe.html", {"stopped": True})
