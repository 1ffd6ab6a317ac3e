import re

import pytest
from playwright.sync_api import expect

from storefront.accounts.models import User
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shopper_switches_language_signs_up_and_logs_in(page):
    # given a store with a featured product
    ProductFactory(category=CategoryFactory(name="Roupas"), name="Camiseta básica", is_featured=True)

    # the home page speaks Portuguese to a Brazilian browser
    page.goto("/")
    expect(page.get_by_role("heading", name="Produtos em destaque")).to_be_visible()
    expect(page.get_by_text("Camiseta básica").first).to_be_visible()

    # switching the language reloads the page in English
    page.get_by_label("Idioma").select_option("en")
    expect(page.get_by_role("heading", name="Featured products")).to_be_visible()

    # sign up
    page.get_by_role("link", name="Create account").click()
    page.get_by_label("Full name").fill("Carla Mendes")
    page.get_by_label("Email").fill("carla@example.com.br")
    page.locator("#id_password").fill("s3nha-longa-2026")
    page.get_by_label("Confirm password").fill("s3nha-longa-2026")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.get_by_test_id("account-email")).to_have_text("carla@example.com.br")
    assert User.objects.get(email="carla@example.com.br").language == "en"

    # log out, then log in again
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("carla@example.com.br")
    page.get_by_label("Password").fill("s3nha-longa-2026")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("account-email")).to_have_text("carla@example.com.br")


def test_sign_up_errors_show_on_the_field_in_portuguese(page):
    page.goto("/account/sign-up/")
    page.get_by_label("Nome completo").fill("Davi Lima")
    page.get_by_label("E-mail").fill("davi@")
    page.locator("#id_password").fill("12345678")
    page.get_by_label("Confirme a senha").fill("12345678")
    page.get_by_role("button", name="Criar conta").click()
    expect(
        page.locator("#id_email").locator("..").get_by_text("Informe um endereço de email válido.")
    ).to_be_visible()
    assert not User.objects.exists()
