"""The product page on a phone and a laptop: the buy bar that stays in reach of the thumb,
the picture zoom, controls big enough to tap, and the pages the law asks for."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.screens import DESKTOP, PHONE, shoot, shoot_widths
from tests.catalog.factories import CategoryFactory, ProductFactory, product_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THUMB = 44  # CSS pixels: the smallest target a thumb hits reliably


GUIDE = (
    "<table><tr><th>Tamanho</th><th>Tórax (cm)</th><th>Cintura (cm)</th><th>Quadril (cm)</th>"
    "<th>Comprimento (cm)</th></tr><tr><td>P</td><td>88-92</td><td>74-78</td><td>92-96</td><td>70</td></tr>"
    "<tr><td>M</td><td>96-100</td><td>80-84</td><td>98-102</td><td>72</td></tr></table>"
)


@pytest.fixture
def shirt(migrated_defaults):
    clothes = CategoryFactory(name="Roupas", size_guide=GUIDE)
    product = ProductFactory(
        name="Camisa de linho", price=Decimal("189.90"), stock=5, category=CategoryFactory(parent=clothes)
    )
    product_image(product)
    product_image(product)
    return product


def test_on_a_phone_the_buy_bar_follows_the_shopper_and_the_picture_zooms(page, shirt):
    page.set_viewport_size(PHONE)
    page.goto(shirt.get_absolute_url())
    sticky = page.get_by_test_id("sticky-buy")
    expect(sticky).to_be_hidden()

    page.get_by_role("heading", name="Descrição").scroll_into_view_if_needed()
    page.mouse.wheel(0, 1500)
    expect(sticky).to_be_visible()
    expect(sticky).to_contain_text("R$\N{NO-BREAK SPACE}189,90")
    launcher = page.get_by_test_id("chat-launcher").bounding_box()
    assert launcher["y"] + launcher["height"] <= sticky.bounding_box()["y"]
    shoot(page, "product-sticky-buy-390")

    sticky.get_by_role("button", name="Adicionar ao carrinho").click()
    expect(page.get_by_test_id("cart-count")).to_have_text("1")

    page.mouse.wheel(0, -5000)
    expect(sticky).to_be_hidden()
    page.get_by_test_id("zoom").first.click()
    expect(page.get_by_test_id("zoom-modal")).to_be_visible()
    assert page.locator("[data-role=zoom-image]").get_attribute("src")
    page.get_by_role("button", name="Fechar").last.click()
    expect(page.get_by_test_id("zoom-modal")).to_be_hidden()

    page.goto("/carrinho/")
    for control in page.locator("#cart-body input[type=number], #cart-body button").all():
        box = control.bounding_box()
        assert box["height"] >= THUMB - 0.5, control.evaluate("element => element.outerHTML")


def test_on_a_laptop_the_picture_grows_under_the_mouse_and_no_bar_hides_the_page(page, shirt):
    page.set_viewport_size(DESKTOP)
    page.goto(shirt.get_absolute_url())
    zoom = page.get_by_test_id("zoom").first
    zoom.hover()
    expect(zoom).to_have_class("gallery__zoom btn p-0 border-0 w-100 rounded-4 is-zoomed")
    page.mouse.wheel(0, 1500)
    expect(page.get_by_test_id("sticky-buy")).to_be_hidden()
    shoot_widths(page, "product-page")


def test_the_pages_the_law_asks_for_are_linked_from_every_page(page, shirt):
    page.goto(shirt.get_absolute_url())
    footer = page.get_by_test_id("store-footer")
    expect(footer).to_contain_text("Loja Aurora Comércio Eletrônico Ltda")
    expect(footer).to_contain_text("11.222.333/0001-81")
    footer.get_by_role("link", name="Trocas e devoluções").click()
    expect(page.get_by_test_id("return-terms")).to_contain_text("7 dias após a entrega")
    shoot_widths(page, "page-returns")
    page.get_by_test_id("store-footer").get_by_role("link", name="Política de privacidade").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Política de privacidade")
    shoot_widths(page, "page-privacy")


def test_the_size_guide_of_the_category_opens_from_the_product_page(page, shirt):
    page.goto(shirt.get_absolute_url())
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.get_by_test_id("size-guide-link").click()
        guide = page.get_by_test_id("size-guide")
        expect(guide).to_be_visible()
        expect(guide).to_contain_text("96-100")
        shoot(page, f"product-size-guide-{viewport['width']}")
        guide.get_by_role("button", name="Fechar").click()
        expect(guide).to_be_hidden()
