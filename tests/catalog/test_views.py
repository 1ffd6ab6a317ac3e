from decimal import Decimal

import pytest
from django.urls import reverse

from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"


def test_home_shows_categories_and_featured_products(client, django_assert_max_num_queries):
    categories = CategoryFactory.create_batch(4)
    for category in categories:
        ProductFactory.create_batch(5, category=category, is_featured=True)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("catalog:home"), HTTP_ACCEPT_LANGUAGE="pt-br")
    assert response.status_code == 200
    assert len(response.context["featured_products"]) == 8
    assert all(category.name in response.content.decode() for category in categories)


def test_category_lists_its_published_products_paginated(client, django_assert_max_num_queries):
    category = CategoryFactory()
    ProductFactory.create_batch(30, category=category)
    hidden = ProductFactory(category=category, is_published=False, name="Rascunho secreto")
    with django_assert_max_num_queries(4):
        response = client.get(reverse("catalog:category-detail", kwargs={"slug": category.slug}))
    assert response.status_code == 200
    assert len(response.context["products"]) == 24
    assert response.context["page_obj"].paginator.count == 30
    assert hidden.name not in response.content.decode()
    second = client.get(reverse("catalog:category-detail", kwargs={"slug": category.slug}), {"page": 2})
    assert len(second.context["products"]) == 6


def test_product_page_shows_the_price_in_reais(client, django_assert_max_num_queries):
    product = ProductFactory(price=Decimal("1234.5"))
    with django_assert_max_num_queries(3):
        response = client.get(product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="pt-br")
    assert f"R${NBSP}1.234,50" in response.content.decode()


def test_unpublished_products_and_unknown_pages_are_not_found(client):
    product = ProductFactory(is_published=False)
    assert client.get(product.get_absolute_url()).status_code == 404
    assert client.get(reverse("catalog:category-detail", kwargs={"slug": "nao-existe"})).status_code == 404
