from decimal import Decimal

import pytest
from django.urls import reverse

from storefront.cart import views
from storefront.cart.models import Cart, CartLine
from storefront.cart.services import cart_add, cart_create
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "pt-br"}


def variant(stock: int = 5, price: str = "50.00"):
    return ProductFactory(price=Decimal(price), stock=stock).variants.get()


def add(client, variant_id, quantity=1, **extra):
    return client.post(
        reverse("cart:cart-add"), {"variant": variant_id, "quantity": quantity, **extra}, **HTMX
    )


def test_adding_answers_htmx_with_a_confirmation_and_refreshes_the_mini_cart(client):
    response = add(client, variant().pk, 2)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "cart-changed"
    assert "Adicionado ao seu carrinho." in response.content.decode()
    mini = client.get(reverse("cart:mini-cart"))
    assert (
        '<span class="badge rounded-pill text-bg-primary" data-testid="cart-count">2</span>'
        in mini.content.decode()
    )


def test_adding_more_than_the_stock_says_why_in_the_shoppers_language(client):
    response = add(client, variant(stock=1).pk, 3)
    assert response.status_code == 422
    assert "Só há 1 unidade disponível." in response.content.decode()
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("quantity", ["-1", "0", "100", "abc", "1.5"])
def test_nonsense_quantities_are_refused(client, quantity):
    response = add(client, variant().pk, quantity)
    assert response.status_code == 422
    assert not CartLine.objects.exists()


def test_a_price_posted_by_the_browser_is_ignored(client):
    shirt = variant(price="80.00")
    add(client, shirt.pk, 1, price="0.01")
    assert CartLine.objects.get().price_when_added == Decimal("80.00")


def test_changing_a_line_of_another_cart_is_refused(client):
    theirs = cart_create()
    their_line = cart_add(cart_id=theirs.pk, variant_id=variant().pk)
    add(client, variant().pk)  # this visitor's own cart
    response = client.post(reverse("cart:cart-line-update", args=[their_line.pk]), {"quantity": 9}, **HTMX)
    assert "Este item não está mais no seu carrinho." in response.content.decode()
    their_line.refresh_from_db()
    assert their_line.quantity == 1


def test_the_cart_page_runs_bounded_queries(client, django_assert_max_num_queries):
    for _ in range(10):
        add(client, variant().pk)
    with django_assert_max_num_queries(views.CART_PAGE_QUERIES):
        response = client.get(reverse("cart:cart-detail"), HTTP_ACCEPT_LANGUAGE="pt-br")
    assert len(response.context["view"].lines) == 10
    with django_assert_max_num_queries(views.MINI_CART_QUERIES):
        client.get(reverse("cart:mini-cart"))


def test_updating_a_quantity_redraws_the_cart(client):
    add(client, variant(price="10.00").pk)
    line = CartLine.objects.get()
    response = client.post(reverse("cart:cart-line-update", args=[line.pk]), {"quantity": 3}, **HTMX)
    assert response["HX-Trigger"] == "cart-changed"
    assert "R$\N{NO-BREAK SPACE}30,00" in response.content.decode()


def test_logging_in_keeps_what_the_visitor_put_in_the_cart(client):
    customer = UserFactory()
    add(client, variant().pk, 2)
    client.post(reverse("accounts:login"), {"username": customer.email, "password": TEST_PASSWORD})
    cart = Cart.objects.get(customer=customer, status=Cart.Status.OPEN)
    assert cart.lines.get().quantity == 2
    assert client.get(reverse("cart:cart-detail")).context["view"].item_count == 2
