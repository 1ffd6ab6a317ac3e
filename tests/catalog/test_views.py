import re
from decimal import Decimal

import pytest
from django.urls import reverse

from storefront.catalog import views
from storefront.catalog.cache import catalog_version_bump
from storefront.catalog.models import Category, Product, Variant
from storefront.catalog.services import (
    attribute_value_upsert,
    brand_upsert,
    category_upsert,
    product_relations_refresh,
    product_upsert,
    variant_save,
    variant_set_stock_online,
)

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"
_counter = iter(range(1, 1_000_000))


@pytest.fixture(autouse=True)
def fresh_pages():
    """Pages cached by an earlier test must not answer this one (without flushing a shared Redis)."""
    catalog_version_bump()


def make_category(name: str, parent: Category | None = None) -> Category:
    return category_upsert(slug=f"cat-{next(_counter)}", name=name, parent=parent)


def make_product(
    category: Category,
    name: str | None = None,
    *,
    price: str = "99.90",
    stock: int = 5,
    brand=None,
    values=(),
    **fields,
) -> Product:
    number = next(_counter)
    product = product_upsert(
        slug=f"produto-{number}", category=category, name=name or f"Produto {number}", brand=brand, **fields
    )
    variant = variant_save(
        variant=Variant(product=product, sku=f"SKU-{number}", price=Decimal(price)), attribute_values=values
    )
    variant_set_stock_online(variant_id=variant.pk, quantity=stock)
    product.refresh_from_db()
    return product


def get(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="pt-br")


# Home


def test_home_shows_featured_and_new_products_in_bounded_queries(client, django_assert_max_num_queries):
    category = make_category("Roupas")
    for _ in range(12):
        make_product(category, is_featured=True)
    with django_assert_max_num_queries(views.HOME_QUERIES):
        response = get(client, reverse("catalog:home"))
    assert response.status_code == 200
    assert len(response.context["featured_products"]) == 8
    assert len(response.context["new_products"]) == 8
    assert "Roupas" in response.content.decode()


# Category listing


def test_category_lists_its_subtree_paginated_in_bounded_queries(client, django_assert_max_num_queries):
    clothing = make_category("Roupas")
    shirts = make_category("Camisetas", parent=clothing)
    for _ in range(20):
        make_product(clothing)
    for _ in range(20):
        make_product(shirts)
    hidden = make_product(shirts, "Rascunho secreto", is_published=False)
    with django_assert_max_num_queries(views.CATEGORY_QUERIES):
        response = get(client, clothing.get_absolute_url())
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 40
    assert len(response.context["products"]) == views.PAGE_SIZE
    assert hidden.name not in response.content.decode()
    assert "Camisetas" in response.content.decode()  # the subcategory link


def test_category_queries_do_not_grow_with_the_page(client, django_assert_max_num_queries):
    category = make_category("Casa")
    blue = attribute_value_upsert(attribute_slug="cor", attribute_name="Cor", slug="azul", value="Azul")
    for index in range(60):
        make_product(
            category, brand=brand_upsert(slug=f"marca-{index % 5}", name=f"Marca {index % 5}"), values=[blue]
        )
    with django_assert_max_num_queries(views.CATEGORY_QUERIES):
        response = get(
            client, category.get_absolute_url(), page=2, sort="price_desc", brand="marca-1", f="cor:azul"
        )
    assert response.status_code == 200


def test_filters_combine(client):
    category = make_category("Roupas")
    acme, zeta = brand_upsert(slug="acme", name="Acme"), brand_upsert(slug="zeta", name="Zeta")
    blue = attribute_value_upsert(attribute_slug="cor", attribute_name="Cor", slug="azul", value="Azul")
    black = attribute_value_upsert(attribute_slug="cor", attribute_name="Cor", slug="preto", value="Preto")
    small = attribute_value_upsert(attribute_slug="tamanho", attribute_name="Tamanho", slug="p", value="P")
    match = make_product(category, "Alvo", price="80.00", brand=acme, values=[blue, small])
    make_product(category, "Cara demais", price="300.00", brand=acme, values=[blue, small])
    make_product(category, "Outra marca", price="80.00", brand=zeta, values=[blue, small])
    make_product(category, "Outra cor", price="80.00", brand=acme, values=[black, small])
    make_product(category, "Esgotado", price="80.00", brand=acme, values=[blue, small], stock=0)

    response = get(
        client,
        category.get_absolute_url(),
        price_min="50",
        price_max="100",
        brand="acme",
        f=["cor:azul", "tamanho:p"],
        in_stock="on",
    )

    assert [product.pk for product in response.context["products"]] == [match.pk]


def test_one_attribute_matches_any_of_its_chosen_values(client):
    category = make_category("Roupas")
    blue = attribute_value_upsert(attribute_slug="cor", attribute_name="Cor", slug="azul", value="Azul")
    black = attribute_value_upsert(attribute_slug="cor", attribute_name="Cor", slug="preto", value="Preto")
    make_product(category, "Azul", values=[blue])
    make_product(category, "Preta", values=[black])
    response = get(client, category.get_absolute_url(), f=["cor:azul", "cor:preto"])
    assert response.context["page_obj"].paginator.count == 2


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("price_asc", ["B", "C", "A"]), ("price_desc", ["A", "C", "B"]), ("newest", ["C", "B", "A"])],
)
def test_sorting(client, sort, expected):
    category = make_category("Casa")
    make_product(category, "A", price="300.00")
    make_product(category, "B", price="10.00")
    make_product(category, "C", price="50.00")
    response = get(client, category.get_absolute_url(), sort=sort)
    assert [product.name for product in response.context["products"]] == expected


@pytest.mark.parametrize(
    "params",
    [
        {"price_min": "-5"},
        {"price_min": "abc", "price_max": "1e999"},
        {"page": "99999999999"},
        {"page": "zero"},
        {"sort": "<script>"},
        {"brand": "nao-existe"},
        {"f": ["semvalor", ":", "cor:" + "x" * 500]},
    ],
)
def test_nonsense_filters_are_ignored_never_an_error(client, params):
    category = make_category("Casa")
    make_product(category)
    response = get(client, category.get_absolute_url(), **params)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 1


def test_ignored_filters_are_explained_to_the_shopper(client):
    category = make_category("Casa")
    response = get(client, category.get_absolute_url(), price_min="abc")
    assert "Alguns filtros foram ignorados" in response.content.decode()


def test_a_swapped_price_range_is_read_the_right_way(client):
    category = make_category("Casa")
    make_product(category, price="50.00")
    response = get(client, category.get_absolute_url(), price_min="100", price_max="10")
    assert response.context["page_obj"].paginator.count == 1


def test_unknown_category_and_product_are_404_pages(client):
    assert get(client, reverse("catalog:category-detail", kwargs={"slug": "nao-existe"})).status_code == 404
    response = get(client, reverse("catalog:product-detail", kwargs={"slug": "nao-existe"}))
    assert response.status_code == 404
    assert "Página não encontrada" in response.content.decode()


# Search


@pytest.mark.parametrize(
    "term", ["", "   ", "🙂🎉", "a" * 5000, "'; DROP TABLE catalog_product; --", "日本語", "%_\\"]
)
def test_search_takes_any_term(client, term):
    make_product(make_category("Casa"), "Camiseta básica")
    assert get(client, reverse("catalog:search"), q=term).status_code == 200


def test_search_ignores_accents_and_combines_with_filters(client, django_assert_max_num_queries):
    category = make_category("Roupas")
    make_product(category, "Calça térmica", price="80.00")
    make_product(category, "Calça social", price="300.00")
    with django_assert_max_num_queries(views.SEARCH_QUERIES):
        response = get(client, reverse("catalog:search"), q="calca", price_max="100")
    assert [product.name for product in response.context["products"]] == ["Calça térmica"]


# Product page


def test_product_page_shows_variants_price_and_related_in_bounded_queries(
    client, django_assert_max_num_queries
):
    category = make_category("Roupas", parent=make_category("Moda"))
    blue = attribute_value_upsert(attribute_slug="cor", attribute_name="Cor", slug="azul", value="Azul")
    size_p = attribute_value_upsert(attribute_slug="tamanho", attribute_name="Tamanho", slug="p", value="P")
    size_m = attribute_value_upsert(attribute_slug="tamanho", attribute_name="Tamanho", slug="m", value="M")
    product = make_product(category, "Camiseta", price="1234.50", values=[blue, size_p])
    sold_out = variant_save(
        variant=Variant(product=product, sku="CAM-M", price=Decimal("1300.00")),
        attribute_values=[blue, size_m],
    )
    for _ in range(6):
        make_product(category)
    product_relations_refresh()
    with django_assert_max_num_queries(views.PRODUCT_QUERIES):
        response = get(client, product.get_absolute_url())
    html = response.content.decode()
    assert f"R${NBSP}1.234,50" in html
    assert "Moda" in html  # breadcrumb
    assert len(response.context["related_products"]) == 6
    picker = response.context["picker"]
    assert [name for name, _values in picker.attributes] == ["Cor", "Tamanho"]
    assert {variant["sku"]: variant["available"] for variant in picker.variants} == {
        product.variants.get(sku__startswith="SKU").sku: True,
        sold_out.sku: False,
    }


def test_product_page_of_a_sold_out_product_says_unavailable(client):
    product = make_product(make_category("Casa"), stock=0)
    response = get(client, product.get_absolute_url())
    assert response.context["picker"].default.is_available is False
    assert 'data-when="unavailable"' in response.content.decode()


def test_unpublished_product_is_not_found(client):
    product = make_product(make_category("Casa"), is_published=False)
    assert get(client, product.get_absolute_url()).status_code == 404


# Cache


def test_anonymous_pages_are_cached_and_dropped_when_a_price_changes(
    client, django_capture_on_commit_callbacks
):
    category = make_category("Casa")
    product = make_product(category, "Panela", price="100.00")
    assert get(client, category.get_absolute_url()).get("X-Cache") is None
    assert get(client, category.get_absolute_url())["X-Cache"] == "hit"
    variant = product.variants.get()
    variant.price = Decimal("80.00")
    with django_capture_on_commit_callbacks(execute=True):
        variant_save(variant=variant)
    response = get(client, category.get_absolute_url())
    assert response.get("X-Cache") is None
    assert f"R${NBSP}80,00" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["page=junk", "page=99", "brand=nao-existe", "sort=junk", "f=cor:roxo", "price_min=abc"]
)
def test_a_listing_with_values_it_ignored_is_served_but_never_cached(client, query):
    # given
    category = make_category("Casa")
    make_product(category, "Panela")
    url = f"{category.get_absolute_url()}?{query}"
    # when
    first, second = get(client, url), get(client, url)
    # then
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.get("X-Cache") is None
    assert "Panela" in second.content.decode()


def test_a_listing_with_values_it_read_is_cached(client):
    category = make_category("Casa")
    make_product(category, "Panela")
    url = f"{category.get_absolute_url()}?page=1&sort=newest&price_min=10"
    get(client, url)
    assert get(client, url)["X-Cache"] == "hit"


def test_logged_in_shoppers_get_fresh_pages(client, customer):
    category = make_category("Casa")
    client.force_login(customer)
    get(client, category.get_absolute_url())
    assert get(client, category.get_absolute_url()).get("X-Cache") is None


# Sitemap


def test_sitemap_lists_published_products_and_categories(client, django_assert_max_num_queries):
    category = make_category("Casa")
    products = [make_product(category) for _ in range(3)]
    hidden = make_product(category, is_published=False)
    index = get(client, reverse("catalog:sitemap"))
    assert index.status_code == 200
    with django_assert_max_num_queries(3):
        section = get(client, reverse("catalog:sitemap-section", kwargs={"section": "products"}))
    xml = section.content.decode()
    assert all(product.get_absolute_url() in xml for product in products)
    assert hidden.get_absolute_url() not in xml


def test_a_cached_product_page_adds_to_the_cart_without_javascript():
    # given a product page cached by another visitor
    from django.test import Client

    from storefront.cart.models import CartLine

    product = make_product(make_category("Camisetas"))
    Client().get(product.get_absolute_url())
    shopper = Client(enforce_csrf_checks=True)
    page = shopper.get(product.get_absolute_url())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    # when the form is posted as a browser without JavaScript posts it
    response = shopper.post(
        reverse("cart:cart-add"),
        {"csrfmiddlewaretoken": token, "variant": product.variants.get().pk, "quantity": 1},
    )
    # then
    assert page["X-Cache"] == "hit"
    assert response.status_code == 302
    assert response["Location"] == reverse("cart:cart-detail")
    assert CartLine.objects.get().variant == product.variants.get()
