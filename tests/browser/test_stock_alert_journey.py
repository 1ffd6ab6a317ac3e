"""Avise-me in a real browser: on a sold-out size a shopper leaves their email (a bad one is
refused on the field), the email arrives once the stock is received, and its link stops the
rest; at a phone's width and a laptop's."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from core.actor import Actor
from inventory.services import stock_receive
from storefront.catalog.models import StockAlert, Variant
from storefront.catalog.services import (
    attribute_value_upsert,
    category_upsert,
    product_upsert,
    variant_save,
    variant_set_stock_online,
)
from tests.browser.screens import DESKTOP, PHONE, shoot, shoot_widths
from tests.inventory.factories import WarehouseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pt(text: str, **values) -> str:
    with override("pt-br"):
        return gettext(text) % values if values else gettext(text)


@pytest.fixture
def sneaker():
    """Running shoes: number 38 in stock, number 40 sold out."""
    shoes = category_upsert(slug="calcados", name="Calçados")
    sneaker = product_upsert(slug="tenis-de-corrida", category=shoes, name="Tênis de corrida")
    variants = {}
    for number, stock in (("38", 2), ("40", 0)):
        value = attribute_value_upsert(
            attribute_slug="numeracao", attribute_name="Numeração", slug=number, value=number
        )
        variants[number] = variant_save(
            variant=Variant(product=sneaker, sku=f"TENIS-{number}", price=Decimal("299.90")),
            attribute_values=[value],
        )
        variant_set_stock_online(variant_id=variants[number].pk, quantity=stock)
    return sneaker, variants


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_a_shopper_asks_for_a_sold_out_size_and_is_told_when_it_is_back(page, sneaker, viewport):
    product, variants = sneaker
    width = viewport["width"]
    page.set_viewport_size(viewport)
    page.goto(product.get_absolute_url())
    alert_box = page.get_by_test_id("stock-alert")

    # a size in stock offers the cart, not the request
    expect(page.get_by_test_id("availability")).to_contain_text("Em estoque")
    expect(alert_box).to_be_hidden()

    # the sold-out size offers the request
    page.locator("label", has_text="40").click()
    expect(alert_box).to_be_visible()
    shoot(page, f"stock-alert-form-{width}")

    # a bad email is refused on the field, and nothing is kept
    page.locator("#stock-alert-email").fill("ana@exemplo")
    page.get_by_test_id("stock-alert-submit").click()
    expect(page.get_by_test_id("stock-alert-error")).to_have_text(
        pt("Write a valid email address, like nome@exemplo.com.br.")
    )
    expect(page.locator("#stock-alert-email")).to_have_attribute("aria-invalid", "true")
    assert not StockAlert.objects.exists()
    shoot(page, f"stock-alert-error-{width}")

    # a good one is kept, and asking again changes nothing
    page.locator("#stock-alert-email").fill("ana@exemplo.com.br")
    page.get_by_test_id("stock-alert-submit").click()
    done = pt("Done! We will email %(email)s once this option is back.", email="ana@exemplo.com.br")
    expect(page.get_by_test_id("stock-alert-done")).to_have_text(done)
    shoot(page, f"stock-alert-done-{width}")
    page.reload()
    page.locator("label", has_text="40").click()
    page.locator("#stock-alert-email").fill("ANA@exemplo.com.br")
    page.get_by_test_id("stock-alert-submit").click()
    expect(page.get_by_test_id("stock-alert-done")).to_be_visible()
    alert = StockAlert.objects.get()
    assert (alert.variant_id, alert.email) == (variants["40"].pk, "ana@exemplo.com.br")

    # back to a size in stock, the request hides; to the one asked for, it says so
    page.locator("label", has_text="38").click()
    expect(page.get_by_test_id("stock-alert")).to_be_hidden()
    page.locator("label", has_text="40").click()
    expect(page.get_by_test_id("stock-alert-done")).to_be_visible()

    # when the stock is received, one email goes
    stock_receive(
        variant_id=variants["40"].pk, warehouse=WarehouseFactory(), quantity=4, actor=Actor.job("test")
    )
    stock_receive(
        variant_id=variants["40"].pk, warehouse=WarehouseFactory(), quantity=1, actor=Actor.job("test")
    )
    [message] = mail.outbox
    assert message.to == ["ana@exemplo.com.br"]
    assert message.subject == pt("It's back: %(product_name)s", product_name="Tênis de corrida")
    link = next(word for word in message.body.split() if word.endswith(product.get_absolute_url()))
    unsubscribe = next(word for word in message.body.split() if "/avise-me/sair/" in word)

    # its link opens the product, now in stock
    page.goto(link.removeprefix("http://testserver"))
    page.locator("label", has_text="40").click()
    expect(page.get_by_test_id("availability")).to_contain_text("Em estoque")
    expect(page.get_by_test_id("stock-alert")).to_be_hidden()

    # and the unsubscribe link says no more will come
    page.goto(unsubscribe.removeprefix("http://testserver"))
    expect(page.get_by_test_id("stock-alert-unsubscribe")).to_contain_text(pt("No more back-in-stock emails"))
    shoot(page, f"stock-alert-unsubscribe-{width}")


def test_a_signed_in_shopper_asks_with_one_click(page, live_server, sneaker, customer):
    # given: signed in through a session made on the server (the login form is not the point)
    product, _variants = sneaker
    client = Client()
    client.force_login(customer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    page.goto(product.get_absolute_url())
    # when
    page.locator("label", has_text="40").click()
    expect(page.locator("#stock-alert-email")).to_have_count(0)
    shoot_widths(page, "stock-alert-signed-in")
    page.get_by_test_id("stock-alert-submit").click()
    # then
    expect(page.get_by_test_id("stock-alert-done")).to_contain_text(customer.email)
    alert = StockAlert.objects.get()
    assert (alert.user, alert.email) == (customer, customer.email.lower())
