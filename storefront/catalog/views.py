import hashlib

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from storefront.catalog.cache import cache_anonymous_page, catalog_cached
from storefront.catalog.forms import ListingFilterForm
from storefront.catalog.models import Product
from storefront.catalog.selectors import (
    category_get,
    category_list_ancestors,
    category_list_children,
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
        {"term": term},
        facets_key=f"search:{term_digest}",
    )


@cache_anonymous_page()
def product_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_get_for_page(slug=slug)
    context = {
        "product": product,
        "ancestors": [*category_list_ancestors(category=product.category), product.category],
        "picker": product_variant_picker(product=product),
        "related_products": product_list_related(product=product),
        "review_summary": product_review_summary(product=product),
    }
    return render(request, "catalog/product_detail.html", context)
