import pytest
from django.urls import reverse

from storefront.catalog.selectors import category_size_guide
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

GUIDE = "<table><tr><th>Tamanho</th><th>Tórax (cm)</th></tr><tr><td>M</td><td>96-100</td></tr></table>"


def test_a_product_shows_the_size_guide_of_its_nearest_category_that_has_one(client):
    clothes = CategoryFactory(name="Roupas", size_guide=GUIDE)
    shirts = CategoryFactory(name="Camisas", parent=clothes)
    shirt = ProductFactory(category=shirts)

    page = client.get(reverse("catalog:product-detail", kwargs={"slug": shirt.slug})).content.decode()

    assert 'data-testid="size-guide-link"' in page
    assert "<td>96-100</td>" in page


def test_a_subcategory_with_its_own_guide_shows_its_own():
    clothes = CategoryFactory(size_guide=GUIDE)
    shoes = CategoryFactory(parent=clothes, size_guide="<p>Meça o pé</p>")

    assert category_size_guide(categories=[clothes, shoes]) == "<p>Meça o pé</p>"
    assert category_size_guide(categories=[clothes]) == GUIDE


def test_a_product_without_a_guide_offers_none(client):
    product = ProductFactory()
    page = client.get(reverse("catalog:product-detail", kwargs={"slug": product.slug})).content.decode()
    assert "size-guide" not in page


def test_a_guide_keeps_its_table_and_loses_any_script():
    category = CategoryFactory(size_guide=f"{GUIDE}<script>alert(1)</script><img src=x onerror=alert(1)>")
    category.refresh_from_db()
    assert category.size_guide == GUIDE
