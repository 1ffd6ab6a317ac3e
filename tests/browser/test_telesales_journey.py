"""A telesales agent on the phone, in Chromium at a laptop's and a phone's width: finds the
customer by CPF and a product by SKU, watches the running total follow the delivery and the
way to pay, places a Pix order and sends its code, then a card order and sends its payment
link."""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from backoffice.roles import Role
from logistics.models import CarrierService, ShippingRate
from orders.models import Order
from storefront.accounts.models import CustomerProfile
from storefront.accounts.services import address_create
from storefront.catalog.services.prices import price_policy_update
from support.notifications.models import Notification
from support.notifications.services import whatsapp_consent_set
from tests.accounts.factories import UserFactory
from tests.browser.screens import DESKTOP, shoot_widths
from tests.browser.test_recovery_journey import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NBSP = "\N{NO-BREAK SPACE}"


def brl(amount: str) -> str:
    return f"R${NBSP}{amount}"


@pytest.fixture
def customer(migrated_defaults):
    """Marina, who bought before: her CPF and phone on her profile, a default address in Rio
    de Janeiro, and her consent to hear from the store on WhatsApp."""
    marina = UserFactory(email="marina@example.com.br", full_name="Marina Lopes")
    CustomerProfile.objects.create(user=marina, cpf="52998224725", phone="21998765432")
    address_create(
        customer=marina, cep="20040020", street="Avenida Rio Branco", street_number="100",
        district="Centro", city="Rio de Janeiro", state="RJ",
    )  # fmt: skip
    whatsapp_consent_set(user=marina, phone="21998765432", consent=True)
    return marina


@pytest.fixture
def sedex(product):
    sedex = CarrierService.objects.create(code="sedex", carrier="Correios", name="SEDEX", position=2)
    ShippingRate.objects.create(service=sedex, max_weight_grams=30000, price=Decimal("45.00"), days=2)
    price_policy_update(pix_discount_percent=Decimal("5"))
    return sedex


def take_order(page, sku: str, online: int) -> None:
    """The customer found by CPF, and one unit of the product found by its SKU."""
    page.goto("/backoffice/telesales/")
    page.get_by_test_id("telesales-customer-query").fill("529.982.247-25")
    result = page.get_by_test_id("customer-result")
    expect(result).to_contain_text("Marina Lopes")
    result.get_by_test_id("customer-use").click()
    expect(page.locator("#id_cpf")).to_have_value("529.982.247-25")
    expect(page.locator("#id_cep")).to_have_value("20040020")
    expect(page.locator("#id_email")).to_have_value("marina@example.com.br")
    page.get_by_test_id("telesales-product-query").fill(sku)
    found = page.get_by_test_id("product-result")
    expect(found).to_have_count(1)
    expect(found.get_by_test_id("product-price")).to_have_text(brl("150,00"))
    expect(found.get_by_test_id("product-stock")).to_contain_text(str(online))
    found.get_by_test_id("product-add").click()
    expect(page.get_by_test_id("basket-line")).to_have_count(1)


def test_an_agent_takes_a_pix_order_and_a_card_order_on_the_phone(
    browser, live_server, product, customer, sedex
):
    sku = product.variants.get().sku
    page = staff_login(browser, live_server, Role.TELESALES, DESKTOP)

    # the customer by CPF and the product by SKU: the total with PAC and the Pix discount
    take_order(page, sku, online=4)
    total = page.get_by_test_id("total-grand")
    expect(page.get_by_test_id("total-items")).to_have_text(brl("150,00"))
    expect(page.get_by_test_id("total-delivery")).to_have_text(brl("25,00"))
    expect(page.get_by_test_id("total-pix")).to_have_text("-" + brl("7,50"))
    expect(total).to_have_text(brl("167,50"))
    expect(page.get_by_test_id("delivery-date").first).to_contain_text("chega até")
    shoot_widths(page, "telesales-order")

    # SEDEX costs more; by card there is no Pix discount
    page.get_by_test_id("delivery-option").filter(has_text="SEDEX").locator("input").check()
    expect(total).to_have_text(brl("187,50"))
    page.locator("input[name=method][value=card]").check()
    expect(page.get_by_test_id("total-pix")).to_have_count(0)
    expect(total).to_have_text(brl("195,00"))
    page.locator("input[name=method][value=pix]").check()
    expect(total).to_have_text(brl("187,50"))

    # placed by Pix: the code to read out, sent on WhatsApp
    page.get_by_test_id("place-assisted").click()
    expect(page).to_have_url(re.compile(r"/backoffice/telesales/orders/\w+/$"))
    pix_order = Order.objects.get()
    assert pix_order.grand_total == Decimal("187.50")
    expect(page.get_by_test_id("pix-code-read")).to_be_visible()
    expect(page.get_by_test_id("pix-code")).to_have_value(pix_order.payments.get().pix_code)
    shoot_widths(page, "telesales-pix")
    page.get_by_test_id("send-payment").click()
    expect(page.locator(".alert-success")).to_contain_text("(21) 99876-5432")
    sent = Notification.objects.get(dedup_key__startswith="telesales-payment")
    assert (
        sent.channel == Notification.Channel.WHATSAPP and pix_order.payments.get().pix_code in sent.body_text
    )

    # a second order, paid by card: the payment link, sent to the customer
    take_order(page, sku, online=3)  # one is held for the first order
    page.locator("input[name=method][value=card]").check()
    expect(total).to_have_text(brl("175,00"))
    page.get_by_test_id("place-assisted").click()
    expect(page.get_by_test_id("payment-link")).to_have_value(re.compile(r"/pedidos/\w+/confirmacao/\?t="))
    card_order = Order.objects.exclude(pk=pix_order.pk).get()
    assert (card_order.grand_total, card_order.payments.exists()) == (Decimal("175.00"), False)
    page.get_by_test_id("send-payment").click()
    expect(page.locator(".alert-success")).to_be_visible()
    shoot_widths(page, "telesales-card-link")
    link = Notification.objects.filter(dedup_key__startswith="telesales-payment").latest("pk")
    assert f"/pedidos/{card_order.number}/confirmacao/?t=" in link.body_text

    # the customer opens the link and finds where to type their card
    shopper = browser.new_context(base_url=live_server.url, locale="pt-BR").new_page()
    address = urlsplit(page.get_by_test_id("payment-link").input_value())
    shopper.goto(f"{address.path}?{address.query}")
    expect(shopper.get_by_test_id("pay-again-form")).to_be_visible()
