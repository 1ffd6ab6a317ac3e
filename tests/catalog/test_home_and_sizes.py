"""Sold-out products never on the home page, and size filters per kind of product:
clothes sizes apart from shoe sizes, each read by an index."""

from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils.text import slugify

from storefront.catalog import views
from storefront.catalog.cache import catalog_version_bump
from storefront.catalog.forms import ListingFilterForm
from storefront.catalog.models import Product, Variant
from storefront.catalog.selectors import (
    ListingFilters,
    listing_facets,
    product_list_featured,
    product_list_filtered,
    product_list_for_category,
    product_list_new_arrivals,
)
from storefront.catalog.services import (
    attribute_value_upsert,
    category_upsert,
    product_upsert,
    variant_save,
    variant_set_stock_online,
)
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_pages():
    catalog_version_bump()


def get(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="pt-br")


# Home


def test_sold_out_products_are_never_featured_nor_new_on_the_home_page(client):
    # given
    in_stock = ProductFactory(name="Chaleira em estoque", is_featured=True, stock=3)
    sold_out = ProductFactory(name="Chaleira esgotada", is_featured=True, stock=0)
    # when
    response = get(client, reverse("catalog:home"))
    # then
    assert list(product_list_featured()) == [in_stock]
    assert list(product_list_new_arrivals()) == [in_stock]
    assert "Chaleira em estoque" in response.text
    assert "Chaleira esgotada" not in response.text
    assert sold_out.pk


def test_a_featured_product_that_sells_out_leaves_the_cached_home_page(client):
    # given: the home page cached with the product on it
    product = ProductFactory(name="Chaleira em destaque", is_featured=True, stock=1)
    assert "Chaleira em destaque" in get(client, reverse("catalog:home")).text
    # when
    variant_set_stock_online(variant_id=product.variants.get().pk, quantity=0)
    catalog_version_bump()  # what the commit of the stock change does
    # then
    assert "Chaleira em destaque" not in get(client, reverse("catalog:home")).text


def test_the_home_page_stays_in_bounded_queries_with_sold_out_products(client, django_assert_max_num_queries):
    # given
    for number in range(20):
        ProductFactory(is_featured=True, stock=number % 2)
    # when
    with django_assert_max_num_queries(views.HOME_QUERIES):
        response = get(client, reverse("catalog:home"))
    # then
    assert response.status_code == 200


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("selector", "index"),
    [
        (product_list_featured, "product_featured_idx"),
        (product_list_new_arrivals, "product_new_in_stock_idx"),
    ],
)
def test_the_home_page_lists_are_read_from_their_partial_indexes(selector, index):
    # given
    ProductFactory(is_featured=True)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    # when
    plan = selector().explain()
    # then
    assert index in plan


# Sizes per kind of product


def size(slug: str, value: str, *, shoes: bool = False):
    if shoes:
        return attribute_value_upsert(
            attribute_slug="numeracao", attribute_name="Numeração", slug=slug, value=value
        )
    return attribute_value_upsert(attribute_slug="tamanho", attribute_name="Tamanho", slug=slug, value=value)


def product_in(category, name: str, values) -> Product:
    product = product_upsert(slug=slugify(name), category=category, name=name)
    for number, value in enumerate(values):
        variant = variant_save(
            variant=Variant(product=product, sku=f"{product.slug}-{number}", price=Decimal("99.90")),
            attribute_values=[value],
        )
        variant_set_stock_online(variant_id=variant.pk, quantity=2)
    return product


@pytest.fixture
def clothes_and_shoes():
    """Roupas holds trousers sized 38 and 40 and shoes numbered 38 and 40: the same numbers,
    different sizes."""
    clothes = category_upsert(slug="roupas", name="Roupas")
    trousers = category_upsert(slug="calcas", name="Calças", parent=clothes)
    shoes = category_upsert(slug="calcados", name="Calçados", parent=clothes)
    product_in(trousers, "Calça jeans", [size("38", "38"), size("40", "40")])
    product_in(trousers, "Calça de sarja", [size("m", "M")])
    product_in(shoes, "Tênis de corrida", [size("38", "38", shoes=True), size("40", "40", shoes=True)])
    return clothes, trousers, shoes


def facet_values(category) -> list[tuple[str, list[str]]]:
    facets = listing_facets(products=product_list_for_category(category=category))
    return [(name, [value.value for value in values]) for _slug, name, values in facets.attributes]


def test_a_shoe_category_offers_only_shoe_sizes(clothes_and_shoes):
    # given
    _clothes, _trousers, shoes = clothes_and_shoes
    # when / then
    assert facet_values(shoes) == [("Numeração", ["38", "40"])]


def test_a_clothes_category_offers_only_clothes_sizes(clothes_and_shoes):
    # given
    _clothes, trousers, _shoes = clothes_and_shoes
    # when / then
    assert facet_values(trousers) == [("Tamanho", ["38", "40", "M"])]


def test_a_mixed_category_groups_sizes_by_kind_of_product(clothes_and_shoes):
    # given
    clothes, _trousers, _shoes = clothes_and_shoes
    # when / then
    assert facet_values(clothes) == [("Numeração", ["38", "40"]), ("Tamanho", ["38", "40", "M"])]


def test_a_shoe_size_filter_in_a_mixed_category_finds_shoes_only(client, clothes_and_shoes):
    # given
    clothes, _trousers, _shoes = clothes_and_shoes
    # when
    response = get(client, clothes.get_absolute_url(), f="numeracao:38")
    trousers_38 = get(client, clothes.get_absolute_url(), f="tamanho:38")
    # then
    assert [product.name for product in response.context["products"]] == ["Tênis de corrida"]
    assert [product.name for product in trousers_38.context["products"]] == ["Calça jeans"]
    assert '<legend class="h6">Numeração</legend>' in response.text
    assert '<legend class="h6">Tamanho</legend>' in response.text


def test_a_size_filter_of_a_kind_the_listing_lacks_is_ignored(client, clothes_and_shoes):
    # given
    _clothes, _trousers, shoes = clothes_and_shoes
    # when: a clothes size asked of the shoe category
    response = get(client, shoes.get_absolute_url(), f="tamanho:m")
    # then
    assert [product.name for product in response.context["products"]] == ["Tênis de corrida"]


def test_a_mixed_category_with_size_filters_stays_in_bounded_queries(
    client, clothes_and_shoes, django_assert_max_num_queries
):
    # given
    clothes, trousers, _shoes = clothes_and_shoes
    for number in range(20):
        product_in(trousers, f"Bermuda {number}", [size("38", "38"), size("m", "M")])
    # when
    with django_assert_max_num_queries(views.CATEGORY_QUERIES):
        response = get(client, clothes.get_absolute_url(), f=["tamanho:38", "numeracao:40"])
    # then
    assert response.status_code == 200


@pytest.mark.postgres
@pytest.mark.parametrize(
    "filters",
    [
        ListingFilters(attribute_values={"numeracao": ("38",)}),
        ListingFilters(attribute_values={"tamanho": ("38", "m"), "numeracao": ("40",)}),
        ListingFilters(price_min=Decimal("10.00"), price_max=Decimal("200.00")),
        ListingFilters(brand_slugs=("aurora",), in_stock=True),
    ],
)
def test_every_listing_filter_is_read_by_an_index(clothes_and_shoes, filters):
    # given
    clothes, _trousers, _shoes = clothes_and_shoes
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET LOCAL enable_seqscan = off")
    products = product_list_filtered(products=product_list_for_category(category=clothes), filters=filters)
    # when
    plan = products.explain()
    # then
    assert "Seq Scan" not in plan, plan


def test_the_filter_form_reads_sizes_of_both_kinds(clothes_and_shoes):
    # given
    clothes, _trousers, _shoes = clothes_and_shoes
    form = ListingFilterForm(
        QueryDict("f=tamanho:38&f=numeracao:38&f=numeracao:99"),
        brand_slugs=[],
        attribute_tokens={"tamanho:38", "numeracao:38"},
    )
    # when
    filters = form.listing_filters()
    # then
    assert filters.attribute_values == {"tamanho": ("38",), "numeracao": ("38",)}
    assert clothes.pk
