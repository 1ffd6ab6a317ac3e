"""A shopper's account remembers them, in a real browser at a phone's and a laptop's width:
sign up, keep the CPF and phone, save two addresses from their CEPs, change the default,
check out from the profile (a new address filled by its CEP and corrected by hand), buy the
order again, and reset a forgotten password through the emailed link."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from orders.models import Order
from storefront.accounts.adapters.sandbox import UNAVAILABLE_CEP
from storefront.accounts.models import Address, CustomerProfile, User
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.screens import DESKTOP, PHONE, shoot_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_up(page) -> None:
    page.goto("/account/sign-up/")
    page.get_by_label("Nome completo").fill("Beatriz Lima")
    page.get_by_label("E-mail").fill("bia@example.com.br")
    page.locator("#id_password").fill("s3nha-longa-2026")
    page.get_by_label("Confirme a senha").fill("s3nha-longa-2026")
    page.get_by_role("button", name="Criar conta").click()
    expect(page.get_by_test_id("account-email")).to_have_text("bia@example.com.br")


def add_address(page, *, label: str, cep: str, number: str, street: str) -> None:
    """A new address from its CEP: the lookup fills street, district, city and state."""
    page.get_by_test_id("add-address").click()
    page.locator("#id_label").fill(label)
    page.locator("#id_cep").fill(cep)
    expect(page.locator("#id_street")).to_have_value(street)
    page.locator("#id_street_number").fill(number)


def test_a_shopper_keeps_details_and_addresses_and_checks_out_from_them(page, product):
    page.set_viewport_size(PHONE)
    sign_up(page)

    # the CPF and phone, kept on the profile
    page.get_by_test_id("edit-profile").click()
    page.locator("#id_cpf").fill("529.982.247-25")
    page.locator("#id_phone").fill("(21) 99876-5432")
    shoot_widths(page, "account-profile-form")
    page.locator("[data-testid=profile-form] button[type=submit]").click()
    expect(page.get_by_test_id("account-cpf")).to_have_text("529.982.247-25")

    # two addresses from their CEPs; the shopper corrects the district the CEP gave
    add_address(page, label="Casa", cep="01310-100", number="1000", street="Avenida Paulista")
    expect(page.locator("#id_district")).to_have_value("Bela Vista")
    expect(page.locator("#id_city")).to_have_value("São Paulo")
    expect(page.locator("#id_state")).to_have_value("SP")
    page.locator("#id_district").fill("Jardim Paulista")
    shoot_widths(page, "account-address-form-filled")
    page.locator("[data-testid=address-form] button[type=submit]").click()
    add_address(page, label="Trabalho", cep="20040-020", number="100", street="Avenida Rio Branco")
    page.locator("[data-testid=address-form] button[type=submit]").click()
    expect(page.get_by_test_id("address-row")).to_have_count(2)
    home = Address.objects.get(label="Casa")
    assert (home.district, home.is_default) == ("Jardim Paulista", True)

    # the second becomes the default
    page.get_by_test_id("address-row").filter(has_text="Trabalho").get_by_test_id("make-default").click()
    expect(page.get_by_test_id("address-row").first).to_contain_text("Trabalho")
    expect(page.get_by_test_id("address-row").first.get_by_test_id("default-badge")).to_be_visible()
    assert Address.objects.get(is_default=True).label == "Trabalho"
    shoot_widths(page, "account-detail-addresses")

    # checkout starts from the profile and the default address
    page.set_viewport_size(DESKTOP)
    page.goto(product.get_absolute_url())
    page.get_by_role("button", name="Adicionar ao carrinho").click()
    expect(page.get_by_test_id("cart-count")).to_have_text("1")
    page.goto("/carrinho/")
    page.get_by_test_id("checkout").click()
    expect(page.locator("#id_cpf")).to_have_value("52998224725")
    expect(page.locator("#id_phone")).to_have_value("21998765432")
    expect(page.locator("#id_cep")).to_have_value("20040020")
    expect(page.locator("#id_street")).to_have_value("Avenida Rio Branco")
    expect(page.get_by_test_id("saved-address").filter(has_text="Trabalho").locator("input")).to_be_checked()
    shoot_widths(page, "checkout-details-saved-addresses")

    # picking the other saved address fills it; another address is typed from its CEP and corrected
    page.get_by_test_id("saved-address").filter(has_text="Casa").click()
    expect(page.locator("#id_street")).to_have_value("Avenida Paulista")
    expect(page.locator("#id_district")).to_have_value("Jardim Paulista")
    page.locator("[data-saved-address-new]").check()
    expect(page.locator("#id_street")).to_have_value("")
    page.locator("#id_cep").fill("30130-010")
    expect(page.locator("#id_street")).to_have_value("Praça Sete de Setembro")
    expect(page.locator("#id_city")).to_have_value("Belo Horizonte")
    expect(page.locator("#id_state")).to_have_value("MG")
    page.locator("#id_street").fill("Avenida Afonso Pena")
    page.locator("#id_street_number").fill("1500")
    page.get_by_test_id("save-address").check()
    shoot_widths(page, "checkout-details-cep-filled")
    page.get_by_role("button", name="Continuar para entrega e pagamento").click()
    expect(page.get_by_test_id("summary-total")).to_be_visible()
    kept = Address.objects.get(cep="30130010")
    assert (kept.street, kept.city, kept.is_default) == ("Avenida Afonso Pena", "Belo Horizonte", False)

    page.get_by_role("button", name="Revisar o pedido").click()
    page.get_by_test_id("place-order").click()
    expect(page.get_by_test_id("confirmation-title")).to_contain_text("Obrigado!")
    order = Order.objects.get()
    assert (order.street, order.cpf, order.phone) == ("Avenida Afonso Pena", "52998224725", "21998765432")

    # the order on the account page, with its status, bought again into a new cart
    page.goto("/account/")
    expect(page.get_by_test_id("account-order")).to_have_count(1)
    expect(page.get_by_test_id("order-status")).to_have_text("Aguardando pagamento")
    shoot_widths(page, "account-detail-orders")
    page.get_by_test_id("buy-again").click()
    expect(page).to_have_url(re.compile(r"/carrinho/$"))
    expect(page.get_by_test_id("cart-count")).to_have_text("1")
    expect(page.locator(".alert-success")).to_contain_text(product.name)
    shoot_widths(page, "cart-after-buy-again")
    assert CustomerProfile.objects.get(user__email="bia@example.com.br").cpf == "52998224725"


def test_an_unknown_cep_is_said_on_the_field_and_an_outage_leaves_the_form_to_type(page, live_server):
    user = UserFactory(email="leo@example.com.br", password=TEST_PASSWORD)
    page.goto("/account/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.goto("/account/enderecos/novo/")

    page.locator("#id_cep").fill("00000-000")
    feedback = page.locator("[data-cep-feedback]")
    expect(feedback).to_have_attribute("data-cep-feedback", "error")
    expect(page.locator("#id_cep")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#id_cep")).to_have_value("00000-000")
    shoot_widths(page, "address-form-unknown-cep")

    page.locator("#id_cep").fill(UNAVAILABLE_CEP)
    expect(feedback).to_have_attribute("data-cep-feedback", "unavailable")
    expect(page.locator("#id_cep")).not_to_have_class(re.compile("is-invalid"))
    page.locator("#id_street").fill("Rua Sete de Setembro")
    page.locator("#id_street_number").fill("10")
    page.locator("#id_district").fill("Centro")
    page.locator("#id_city").fill("Porto Alegre")
    page.locator("#id_state").select_option("RS")
    page.locator("[data-testid=address-form] button[type=submit]").click()
    expect(page.get_by_test_id("address-row")).to_have_count(1)
    assert Address.objects.get().city == "Porto Alegre"


def test_a_forgotten_password_is_reset_through_the_emailed_link(page):
    UserFactory(email="ana@example.com.br", password=TEST_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto("/account/login/")
    page.get_by_test_id("forgot-password").click()
    page.locator("#id_email").fill("ana@example.com.br")
    shoot_widths(page, "password-reset-form")
    page.locator("[data-testid=password-reset-form] button[type=submit]").click()
    expect(page.get_by_test_id("password-reset-sent")).to_be_visible()
    shoot_widths(page, "password-reset-sent")

    [email] = mail.outbox
    link = re.search(r"https?://\S+/account/senha/nova/\S+", email.body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.locator("#id_new_password1").fill("nova-senha-forte-88")
    page.locator("#id_new_password2").fill("nova-senha-forte-88")
    shoot_widths(page, "password-reset-confirm")
    page.locator("[data-testid=password-reset-confirm] button[type=submit]").click()
    expect(page.get_by_test_id("password-reset-complete")).to_be_visible()

    page.goto("/account/login/")
    page.get_by_label("E-mail").fill("ana@example.com.br")
    page.get_by_label("Senha").fill("nova-senha-forte-88")
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_test_id("account-email")).to_have_text("ana@example.com.br")
    assert User.objects.get(email="ana@example.com.br").check_password("nova-senha-forte-88")
