from decimal import Decimal

import pytest
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NBSP = "\N{NO-BREAK SPACE}"


def shirt_with_sizes(category):
    """A shirt in P (in stock, R$ 59,90) and G (sold out, R$ 64,90)."""
    size_p = attribute_value_upsert(attribute_slug="tamanho", attribute_name="Tamanho", slug="p", value="P")
    size_g = attribute_value_upsert(attribute_slug="tamanho", attribute_name="Tamanho", slug="g", value="G")
    shirt = product_upsert(
        slug="camiseta-listrada",
        category=category,
        name="Camiseta listrada",
        brand=brand_upsert(slug="aurora", name="Aurora"),
        is_featured=True,
    )
    small = variant_save(
        variant=Variant(product=shirt, sku="CAM-P", price=Decimal("59.90")), attribute_values=[size_p]
    )
    variant_save(
        variant=Variant(product=shirt, sku="CAM-G", price=Decimal("64.90")), attribute_values=[size_g]
    )
    variant_set_stock_online(variant_id=small.pk, quantity=3)
    return shirt


def test_shopper_browses_filters_and_picks_a_variant(page):
    clothing = category_upsert(slug="roupas", name="Roupas", icon="bag")
    shirts = category_upsert(slug="camisetas", name="Camisetas", parent=clothing)
    shirt_with_sizes(shirts)
    other = product_upsert(
        slug="camiseta-lisa",
        category=shirts,
        name="Camiseta lisa",
        brand=brand_upsert(slug="zeta", name="Zeta"),
    )
    variant_save(variant=Variant(product=other, sku="LISA-U", price=Decimal("39.90")))

    # home -> category
    page.goto("/")
    page.get_by_role("link", name="Roupas").first.click()
    expect(page.get_by_role("heading", name="Roupas", level=1)).to_be_visible()
    expect(page.get_by_test_id("product-card")).to_have_count(2)

    # filter by brand
    page.get_by_label("Aurora").check()
    page.get_by_role("button", name="Aplicar filtros").click()
    expect(page.get_by_test_id("product-card")).to_have_count(1)
    expect(page.get_by_test_id("result-count")).to_have_text("1 produto")

    # product -> variant choice
    page.get_by_test_id("product-card").click()
    expect(page.get_by_role("heading", name="Camiseta listrada")).to_be_visible()
    expect(page.get_by_test_id("price")).to_have_text(f"R${NBSP}59,90")
    expect(page.get_by_test_id("availability")).to_contain_text("Em estoque")

    page.locator("label.btn", has_text="G").click()
    expect(page.get_by_test_id("price")).to_have_text(f"R${NBSP}64,90")
    expect(page.get_by_test_id("availability")).to_contain_text("Indisponível")

    page.locator("label.btn", has_text="P").first.click()
    expect(page.get_by_test_id("availability")).to_contain_text("Em estoque")


@pytest.mark.postgres  # typo tolerance is PostgreSQL's trigram matching
def test_shopper_finds_a_product_despite_a_typo(page):
    shirt_with_sizes(category_upsert(slug="roupas", name="Roupas"))
    page.goto("/")
    page.get_by_placeholder("Buscar produtos").fill("camizeta")
    page.get_by_placeholder("Buscar produtos").press("Enter")
    expect(page.get_by_test_id("product-card").first).to_contain_text("Camiseta listrada")
