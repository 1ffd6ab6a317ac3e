"""Product cards are drawn once per catalog version and language and kept with the cached
catalog, for signed-in shoppers too (whose pages are never cached whole)."""

import pytest
from django.core.cache import cache

from storefront.catalog.models import Product
from storefront.catalog.services import product_save
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(client):
    cache.clear()
    client.force_login(UserFactory())
    return client


@pytest.fixture
def kettle():
    return ProductFactory(name="Chaleira de inox", category=CategoryFactory(name="Cozinha"))


def page_of(client, product: Product, language: str = "pt-br") -> str:
    return client.get(product.category.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_signed_in_shopper_gets_the_card_drawn_for_the_catalog_as_it_is(shopper, kettle):
    # given the card drawn once, and the row changed behind the catalog's back (no version bump)
    assert "Chaleira de inox" in page_of(shopper, kettle)
    Product.objects.filter(pk=kettle.pk).update(name="Chaleira elétrica")
    # when
    page = page_of(shopper, kettle)
    # then the kept card is shown: cards change with the catalog's version
    assert "Chaleira de inox" in page and "Chaleira elétrica" not in page


def test_a_catalog_change_draws_the_card_again(shopper, kettle, django_capture_on_commit_callbacks):
    # given
    page_of(shopper, kettle)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        kettle.name = "Chaleira elétrica"
        product_save(product=kettle)
    # then
    assert "Chaleira elétrica" in page_of(shopper, kettle)


def test_each_language_has_its_own_cards(shopper):
    # given a sold-out product's card drawn in Portuguese
    sold_out = ProductFactory(stock=0)
    assert "Esgotado" in page_of(shopper, sold_out)
    # when
    page = page_of(shopper, sold_out, language="en")
    # then
    assert "Sold out" in page and "Esgotado" not in page


def test_a_page_drawn_again_draws_none_of_its_kept_cards(shopper, kettle):
    # given a category of twelve products whose cards were drawn once
    for _ in range(11):
        ProductFactory(category=kettle.category)
    first = shopper.get(kettle.category.get_absolute_url())
    # when
    again = shopper.get(kettle.category.get_absolute_url())
    # then the cards are on the page, and the card template was not drawn for it
    card = "catalog/_product_card.html"
    assert [template.name for template in first.templates].count(card) == 12
    assert card not in [template.name for template in again.templates]
    assert again.content.decode().count('data-testid="product-card"') == 12
