from decimal import Decimal

import pytest
from django.urls import reverse

from core.calendar import add_business_days
from logistics.models import CarrierService, ShippingRate
from logistics.selectors import dispatch_date
from storefront.cart import views
from storefront.cart.services import cart_add, cart_create
from storefront.cart.session import CEP_COOKIE, SESSION_KEY
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db

PT = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "pt-br"}


@pytest.fixture
def services():
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC", position=1)
    sedex = CarrierService.objects.create(code="sedex", carrier="Correios", name="SEDEX", position=2)
    ShippingRate.objects.create(service=pac, max_weight_grams=30000, price=Decimal("25.00"), days=7)
    ShippingRate.objects.create(service=sedex, max_weight_grams=30000, price=Decimal("45.00"), days=2)
    return pac, sedex


def quote(client, **params):
    return client.get(reverse("cart:freight-quote"), params, **PT)


def test_a_product_page_quote_lists_each_service_with_price_and_the_day_it_arrives(client, services):
    kettle = ProductFactory(price=Decimal("150.00"), stock=3).variants.get()

    response = quote(client, cep="01310-100", variant=kettle.pk, quantity=1)

    page = response.content.decode()
    sedex_day = add_business_days(dispatch_date(), 2)
    assert response.status_code == 200
    assert "R$\xa025,00" in page and "R$\xa045,00" in page
    assert f"chega até {sedex_day:%d/%m}" not in page  # the weekday comes first
    assert f", {sedex_day:%d/%m}" in page
    assert page.index("PAC") < page.index("SEDEX")  # cheapest first
    assert response.cookies[CEP_COOKIE].value == "01310100"


def test_items_reaching_the_free_delivery_value_ship_free_with_the_cheapest(client, services, settings):
    settings.STORE_FREE_SHIPPING_FROM = Decimal("299.00")
    kettle = ProductFactory(price=Decimal("150.00"), stock=3).variants.get()

    page = quote(client, cep="01310100", variant=kettle.pk, quantity=2).content.decode()

    assert "Grátis" in page and "R$\xa025,00" not in page and "R$\xa045,00" in page


def test_the_cart_is_priced_when_no_variant_is_named(client, services):
    cart = cart_create()
    cart_add(
        cart_id=cart.pk,
        variant_id=ProductFactory(price=Decimal("20.00"), stock=3).variants.get().pk,
        quantity=1,
    )
    session = client.session
    session[SESSION_KEY] = str(cart.token)
    session.save()

    page = quote(client, cep="01310100").content.decode()

    assert 'data-testid="freight-options"' in page


@pytest.mark.parametrize("cep", ["", "123", "00000-000", "abcdefgh"])
def test_a_bad_cep_is_refused_on_the_field_and_not_remembered(client, services, cep):
    kettle = ProductFactory(stock=3).variants.get()

    response = quote(client, cep=cep, variant=kettle.pk)

    page = response.content.decode()
    assert "is-invalid" in page
    assert "Informe seu CEP." in page or "Informe um CEP válido" in page
    assert 'data-testid="freight-options"' not in page
    assert CEP_COOKIE not in response.cookies


def test_nothing_to_deliver_says_so(client, services):
    page = quote(client, cep="01310100").content.decode()
    assert "Ainda não há nada para entregar." in page


def test_a_variant_not_for_sale_is_not_priced(client, services):
    hidden = ProductFactory(stock=3, is_published=False).variants.get()
    page = quote(client, cep="01310100", variant=hidden.pk).content.decode()
    assert 'data-testid="freight-options"' not in page


def test_a_cep_no_service_reaches_says_so(client):
    kettle = ProductFactory(stock=3).variants.get()
    page = quote(client, cep="69900000", variant=kettle.pk).content.decode()
    assert 'data-testid="freight-none"' in page


def test_a_quote_runs_a_bounded_number_of_queries(client, services, django_assert_max_num_queries):
    cart = cart_create()
    for _index in range(10):
        cart_add(cart_id=cart.pk, variant_id=ProductFactory(stock=3).variants.get().pk, quantity=1)
    session = client.session
    session[SESSION_KEY] = str(cart.token)
    session.save()

    with django_assert_max_num_queries(views.FREIGHT_QUOTE_QUERIES):
        response = quote(client, cep="01310100")

    assert response.status_code == 200
