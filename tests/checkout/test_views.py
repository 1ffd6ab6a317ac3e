import pytest
from django.urls import reverse

from orders.selectors import order_access_token
from storefront.checkout import views
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_a_customer_sees_only_their_own_orders_in_bounded_queries(client, django_assert_max_num_queries):
    ana, bia = UserFactory(), UserFactory()
    mine = [OrderFactory(customer=ana) for _ in range(12)]
    theirs = OrderFactory(customer=bia, number="999999")
    client.force_login(ana)
    with django_assert_max_num_queries(views.ORDER_LIST_QUERIES):
        response = client.get(reverse("checkout:order-list"))
    listed = [order.number for order in response.context["orders"]]
    assert len(listed) == views.ORDERS_PAGE_SIZE
    assert set(listed) <= {order.number for order in mine}
    assert theirs.number not in response.content.decode()
    # every order listed may be bought again from the list
    assert response.content.decode().count('data-testid="buy-again"') == views.ORDERS_PAGE_SIZE


def test_another_customers_order_is_not_found(client):
    ana, bia = UserFactory(), UserFactory()
    theirs = OrderFactory(customer=bia)
    client.force_login(ana)
    assert client.get(reverse("checkout:order-detail", args=[theirs.number])).status_code == 404


def test_the_order_page_shows_lines_totals_and_timeline_in_bounded_queries(
    client, django_assert_max_num_queries
):
    ana = UserFactory()
    order = OrderFactory(customer=ana)
    order.events.create(to_status=order.status, actor="customer:ana", note="placed")
    client.force_login(ana)
    with django_assert_max_num_queries(views.ORDER_DETAIL_QUERIES):
        response = client.get(
            reverse("checkout:order-detail", args=[order.number]), HTTP_ACCEPT_LANGUAGE="pt-br"
        )
    html = response.content.decode()
    assert "R$\N{NO-BREAK SPACE}120,00" in html
    assert "Aguardando pagamento" in html


def test_the_order_list_needs_login(client):
    response = client.get(reverse("checkout:order-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_guest_follows_the_order_with_the_signed_link(client):
    order = OrderFactory()
    url = reverse("checkout:order-track", args=[order.number])
    assert client.get(url, {"t": order_access_token(order=order)}).status_code == 200


@pytest.mark.parametrize("token", ["", "forged", "ZXhhbXBsZQ:1abc:def"])
def test_a_wrong_link_finds_nothing(client, token):
    order = OrderFactory()
    assert client.get(reverse("checkout:order-track", args=[order.number]), {"t": token}).status_code == 404


def test_a_link_for_one_order_does_not_open_another(client):
    first, second = OrderFactory(), OrderFactory()
    response = client.get(
        reverse("checkout:order-track", args=[second.number]), {"t": order_access_token(order=first)}
    )
    assert response.status_code == 404
