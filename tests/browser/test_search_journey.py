"""Search that helps, in a real browser at a phone's width and a laptop's: a misspelt word
offers the right one and its link runs the search; suggestions while typing, walked with
the keyboard or a tap; and the sizes of a shoe category."""

import re
from decimal import Decimal

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from storefront.catalog.models import Variant
from storefront.catalog.services import (
    attribute_value_upsert,
    brand_upsert,
    category_upsert,
    product_upsert,
    variant_save,
    variant_set_stock_online,
)
from tests.browser.screens import DESKTOP, PHONE, shoot, shoot_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pt(text: str) -> str:
    with override("pt-br"):
        return gettext(text)


def product(category, name: str, *, values=(), stock: int = 3, brand=None) -> None:
    item = product_upsert(slug=re.sub(r"\W+", "-", name.lower()), category=category, name=name, brand=brand)
    for number, value in enumerate(values or [None]):
        variant = variant_save(
            variant=Variant(product=item, sku=f"{item.slug}-{number}", price=Decimal("79.90")),
            attribute_values=[value] if value else [],
        )
        variant_set_stock_online(variant_id=variant.pk, quantity=stock)


@pytest.fixture
def store():
    """Clothes and shoes: shirts, trousers numbered 38 and 40, and running shoes numbered 38 to 40."""
    clothes = category_upsert(slug="roupas", name="Roupas", icon="bag")
    shirts = category_upsert(slug="camisetas", name="Camisetas", parent=clothes)
    trousers = category_upsert(slug="calcas", name="Calcas", parent=clothes)
    shoes = category_upsert(slug="calcados", name="Calcados", parent=clothes)
    brand = brand_upsert(slug="pindorama", name="Pindorama")
    product(shirts, "Camiseta basica de algodao", brand=brand)
    product(shirts, "Camiseta estampada tropical")

    def size(slug, attribute="tamanho", name="Tamanho"):
        return attribute_value_upsert(attribute_slug=attribute, attribute_name=name, slug=slug, value=slug)

    product(trousers, "Calca jeans reta", values=[size("38"), size("40")])
    numbers = [size(str(number), "numeracao", "Numeração") for number in (38, 39, 40)]
    product(shoes, "Tenis de corrida leve", values=numbers)
    product(shoes, "Tenis casual de lona", values=numbers[:1])
    return {"shoes": shoes, "clothes": clothes}


def test_a_misspelt_search_offers_the_word_meant_and_its_results(page, store):
    # given
    page.goto("/")
    page.set_viewport_size(DESKTOP)
    # when
    page.get_by_placeholder(pt("Search products")).fill("camizeta")
    page.get_by_placeholder(pt("Search products")).press("Enter")
    # then
    correction = page.get_by_test_id("search-correction")
    expect(correction).to_contain_text("camiseta")
    shoot_widths(page, "search-correction")

    correction.get_by_role("link", name="camiseta").click()
    expect(page).to_have_url(re.compile(r"/busca/\?q=camiseta$"))
    expect(page.get_by_test_id("product-card")).to_have_count(2)
    expect(page.get_by_test_id("result-count")).to_have_text("2 produtos")
    expect(page.get_by_test_id("search-correction")).to_have_count(0)
    shoot_widths(page, "search-corrected")


def test_a_search_that_finds_nothing_says_so(page, store):
    # given / when
    page.goto("/busca/?q=xyzxyz")
    # then
    expect(page.get_by_test_id("result-count")).to_have_text(pt("No products found"))
    shoot_widths(page, "search-nothing")


def test_suggestions_while_typing_are_walked_with_the_keyboard(page, store):
    # given
    page.set_viewport_size(DESKTOP)
    page.goto("/c/roupas/")
    box = page.get_by_role("combobox", name=pt("Search the store"))
    # when
    box.press_sequentially("cami", delay=30)
    listbox = page.locator("#header-search-listbox")
    expect(listbox.get_by_role("option")).to_have_count(3)  # two shirts and their category
    expect(box).to_have_attribute("aria-expanded", "true")
    shoot(page, "search-suggestions-1366")
    box.press("ArrowDown")
    box.press("ArrowDown")
    # then
    expect(listbox.get_by_role("option").nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "header-search-product-2")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")  # nothing open, nothing chosen
    box.press_sequentially("s", delay=30)
    expect(listbox.get_by_role("option")).to_have_count(3)
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/p/camiseta-basica-de-algodao/$"))


def test_suggestions_on_a_phone_are_tapped(page, store):
    # given
    page.set_viewport_size(PHONE)
    page.goto("/")
    box = page.locator("#hero-search")
    # when
    box.press_sequentially("pindo", delay=30)
    listbox = page.locator("#hero-search-listbox")
    expect(listbox.get_by_role("option", name="Pindorama")).to_be_visible()
    shoot(page, "search-suggestions-390")
    listbox.get_by_role("option", name="Pindorama").click()
    # then
    expect(page).to_have_url(re.compile(r"/busca/\?q=Pindorama$"))
    expect(page.get_by_test_id("product-card")).to_have_count(1)


def test_a_shoe_category_filters_by_shoe_sizes_only(page, store):
    # given
    page.set_viewport_size(DESKTOP)
    page.goto("/c/calcados/")
    filters = page.get_by_role("form", name=pt("Filters"))
    # then: only shoe numbers, none of the trousers'
    expect(filters.locator("legend", has_text="Numeração")).to_be_visible()
    expect(filters.locator("legend", has_text="Tamanho")).to_have_count(0)
    # when
    filters.get_by_text("39", exact=True).click()
    filters.get_by_role("button", name=pt("Apply filters")).click()
    # then
    expect(page.get_by_test_id("product-card")).to_have_count(1)
    expect(page.get_by_test_id("product-card")).to_contain_text("Tenis de corrida leve")
    shoot_widths(page, "shoe-size-filter")

    # and the parent category groups the sizes by kind of product
    page.goto("/c/roupas/")
    filters = page.get_by_role("form", name=pt("Filters"))
    expect(filters.locator("legend", has_text="Numeração")).to_be_visible()
    expect(filters.locator("legend", has_text="Tamanho")).to_be_visible()
    shoot_widths(page, "mixed-size-filters")
