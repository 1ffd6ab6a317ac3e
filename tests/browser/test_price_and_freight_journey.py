"""A shopper reads prices the Brazilian way (Pix price, instalments, de/por) and prices the
delivery by CEP on the product page and in the cart, on a phone and on a laptop."""

from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from logistics.models import CarrierService, ShippingRate
from logistics.selectors import ShippingOption, delivery_dates_add
from logistics.templatetags.delivery import arrival_day
from storefront.catalog.services.prices import price_policy_update
from tests.browser.screens import DESKTOP, PHONE, shoot_widths
from tests.browser.test_checkout_journey import fill_address
from tests.catalog.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NBSP = "\N{NO-BREAK SPACE}"


@pytest.fixture
def on_sale(migrated_defaults):
    """A lamp down from R$ 199,90 to R$ 150,00, PAC and SEDEX to deliver it, 5% off by Pix."""
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC", position=1)
    sedex = CarrierService.objects.create(code="sedex", carrier="Correios", name="SEDEX", position=2)
    ShippingRate.objects.create(service=pac, max_weight_grams=30000, price=Decimal("25.00"), days=7)
    ShippingRate.objects.create(service=sedex, max_weight_grams=30000, price=Decimal("45.00"), days=2)
    price_policy_update(pix_discount_percent=Decimal("5"))
    return ProductFactory(
        name="Luminária articulada", price=Decimal("150.00"), compare_at_price=Decimal("199.90"), stock=4
    )


def arrives_by(days: int) -> str:
    [option] = delivery_dates_add([ShippingOption(code="x", label="x", price=Decimal("0"), days=days)])
    with translation.override("pt-br"):
        return f"chega até {arrival_day(option.arrives_by)}"


def test_prices_read_the_brazilian_way_and_delivery_is_dated_by_cep(page, on_sale):
    page.goto(on_sale.category.get_absolute_url())
    card = page.get_by_test_id("product-card")
    expect(card).to_contain_text(f"de R${NBSP}199,90 por")
    expect(card.get_by_test_id("card-price")).to_have_text(f"R${NBSP}150,00")
    expect(card.get_by_test_id("card-pix")).to_have_text(f"R${NBSP}142,50 no Pix (5% de desconto)")
    expect(card.get_by_test_id("card-installments")).to_have_text(f"12x de R${NBSP}12,50 sem juros")
    shoot_widths(page, "price-card")

    page.goto(on_sale.get_absolute_url())
    expect(page.get_by_test_id("pix-price")).to_contain_text(f"R${NBSP}142,50 no Pix")
    expect(page.get_by_test_id("installments")).to_contain_text("12x de")
    page.get_by_label("CEP").fill("01310-100")
    page.get_by_role("button", name="Calcular").click()
    options = page.get_by_test_id("freight-options")
    expect(options).to_contain_text("PAC")
    expect(options).to_contain_text(arrives_by(2))
    expect(options).to_contain_text(f"R${NBSP}45,00")
    shoot_widths(page, "product-freight")

    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Adicionar ao carrinho").click()
    expect(page.get_by_test_id("cart-count")).to_have_text("1")
    page.goto("/carrinho/")
    # The CEP priced on the product page is priced again for the cart, untyped.
    expect(page.get_by_test_id("freight-options")).to_contain_text(arrives_by(7))
    expect(page.get_by_label("CEP")).to_have_value("01310-100")
    shoot_widths(page, "cart-freight")

    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("checkout").click()
    page.get_by_label("E-mail").fill("bia@example.com.br")
    page.get_by_label("Nome completo").fill("Beatriz Lima")
    page.get_by_label("Celular").fill("(21) 99876-5432")
    fill_address(page)
    page.get_by_role("button", name="Continuar para entrega e pagamento").click()
    page.get_by_label("Pix (5% de desconto)").check()
    expect(page.get_by_test_id("summary-pix-discount")).to_have_text(f"-R${NBSP}7,50")
    expect(page.get_by_test_id("summary-total")).to_have_text(f"R${NBSP}167,50")
    expect(page.get_by_test_id("delivery-date").first).to_contain_text("chega até")
    shoot_widths(page, "checkout-pix-discount")
    page.get_by_label("Cartão de crédito").check()
    expect(page.get_by_test_id("summary-pix-discount")).to_have_count(0)
    expect(page.get_by_test_id("summary-total")).to_have_text(f"R${NBSP}175,00")
