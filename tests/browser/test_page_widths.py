"""No storefront page is wider than the screen, on a phone or a laptop: every page a shopper
reaches, anonymous and signed in, with a cart and an order to show."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from orders.models import Order
from tests.browser.screens import DESKTOP, PHONE, shoot
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def walk(page, urls: list[str], name: str) -> None:
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for index, url in enumerate(urls):
            page.goto(url)
            expect(page.locator("footer")).to_be_visible()
            shoot(page, f"width-{name}-{index}-{viewport['width']}")


def test_no_page_a_shopper_reaches_is_wider_than_the_screen(
    page, migrated_defaults, product, sign_in, customer
):
    product.category.name = "Cozinha e mesa posta"
    product.category.save()
    page.goto(product.get_absolute_url())
    page.get_by_role("button", name="Adicionar ao carrinho").click()
    expect(page.get_by_test_id("cart-count")).to_have_text("1")
    walk(
        page,
        [
            reverse("catalog:home"),
            product.category.get_absolute_url(),
            product.get_absolute_url(),
            f"{reverse('catalog:search')}?q=chaleira",
            f"{reverse('catalog:search')}?q=chaleiraa",
            reverse("cart:cart-detail"),
            reverse("checkout:checkout-details"),
            reverse("accounts:login"),
            reverse("accounts:user-sign-up"),
            reverse("accounts:password-reset"),
            reverse("support:help"),
            reverse("pages:store-page", kwargs={"slug": "termos-de-venda"}),
            reverse("pages:store-page", kwargs={"slug": "trocas-e-devolucoes"}),
        ],
        "guest",
    )

    order = OrderFactory(customer=customer, email=customer.email, status=Order.Status.DELIVERED)
    order.lines.create(
        variant=product.variants.get(),
        product_name=product.name,
        sku="SKU-1",
        unit_price=Decimal("150.00"),
        quantity=1,
        line_total=Decimal("150.00"),
    )
    sign_in(page, customer)
    walk(
        page,
        [
            reverse("accounts:account-detail"),
            reverse("accounts:profile-update"),
            reverse("accounts:address-create"),
            reverse("accounts:email-change"),
            reverse("accounts:password-change"),
            reverse("checkout:order-list"),
            reverse("checkout:order-detail", kwargs={"number": order.number}),
            reverse("support:ticket-list"),
        ],
        "customer",
    )
