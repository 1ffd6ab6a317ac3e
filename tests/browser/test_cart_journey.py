from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.catalog.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NBSP = "\N{NO-BREAK SPACE}"


def test_shopper_adds_to_the_cart_and_changes_the_quantity(page):
    product = ProductFactory(name="Caneca esmaltada", price=Decimal("45.00"), stock=3)

    page.goto(product.get_absolute_url())
    expect(page.get_by_test_id("mini-cart")).not_to_contain_text("1")
    page.get_by_role("button", name="Adicionar ao carrinho").click()
    expect(page.get_by_test_id("cart-feedback")).to_contain_text("Adicionado ao seu carrinho.")
    expect(page.get_by_test_id("cart-count")).to_have_text("1")

    # asking for more than the stock says so, on the page
    page.get_by_label("Quantidade").fill("5")
    page.get_by_role("button", name="Adicionar ao carrinho").click()
    expect(page.get_by_test_id("cart-feedback")).to_contain_text("Só há 3 unidades disponíveis.")

    page.get_by_test_id("mini-cart").click()
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    page.get_by_label("Quantidade").fill("2")
    page.get_by_label("Quantidade").dispatch_event("change")
    expect(page.get_by_test_id("cart-subtotal")).to_have_text(f"R${NBSP}90,00")
    expect(page.get_by_test_id("cart-count")).to_have_text("2")
