"""A company buys: its CNPJ (the alphanumeric kind too), legal name and state registration,
on a phone and on a laptop, and the invoice is made out to it."""

import pytest
from playwright.sync_api import expect

from orders.models import Order
from tests.browser.screens import PHONE, shoot, shoot_widths
from tests.browser.test_checkout_journey import fill_address

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_company_buys_with_its_cnpj(page, product):
    page.set_viewport_size(PHONE)
    page.goto(product.get_absolute_url())
    page.get_by_role("button", name="Adicionar ao carrinho").click()
    expect(page.get_by_test_id("cart-count")).to_have_text("1")
    page.goto("/checkout/")
    company = page.get_by_test_id("company-fields")
    expect(company).to_be_hidden()
    page.get_by_label("Pessoa jurídica").check()
    expect(company).to_be_visible()
    page.get_by_label("CNPJ").fill("12.ABC.345/01DE-36")  # a wrong check digit
    page.get_by_label("Razão social").fill("Ateliê Aurora Ltda")
    page.get_by_label("Isento de inscrição estadual").check()
    page.get_by_label("E-mail").fill("compras@atelie.example")
    page.get_by_label("Nome completo").fill("Beatriz Lima")
    page.get_by_label("Celular").fill("(21) 99876-5432")
    fill_address(page)
    page.get_by_role("button", name="Continuar para entrega e pagamento").click()
    expect(page.locator("#id_cnpj")).to_have_class("textinput form-control is-invalid")
    expect(page.get_by_test_id("company-fields")).to_contain_text("Informe um CNPJ válido")
    shoot_widths(page, "checkout-company-error")

    page.get_by_label("CNPJ").fill("12.ABC.345/01DE-35")
    page.get_by_role("button", name="Continuar para entrega e pagamento").click()
    page.get_by_role("button", name="Revisar o pedido").click()
    expect(page.get_by_test_id("review-company")).to_contain_text("12.ABC.345/01DE-35")
    shoot(page, "checkout-company-review-390")
    page.get_by_test_id("place-order").click()
    expect(page.get_by_test_id("pix-qr")).to_be_visible()
    order = Order.objects.get()
    assert (order.cnpj, order.company_name, order.state_registration) == (
        "12ABC34501DE35",
        "Ateliê Aurora Ltda",
        "ISENTO",
    )
