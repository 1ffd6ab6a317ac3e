"""Telesales as agents work: products found by name, SKU or EAN, the customer by CPF, email,
phone or order number, a running total with delivery, voucher and Pix discount, and after
placing the Pix code or the card payment link sent on WhatsApp (with consent) or by email."""

import uuid
from dataclasses import asdict
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from backoffice.exceptions import AssistedOrderNotPayable
from backoffice.roles import Role
from backoffice.selectors import (
    telesales_customer_details,
    telesales_customer_search,
    telesales_order_get,
    telesales_product_search,
)
from backoffice.services import (
    telesales_order_place,
    telesales_payment_link,
    telesales_payment_send,
    telesales_quote,
)
from core.actor import Actor, PermissionMissing
from core.cpf import format_cpf
from inventory.services import stock_receive
from logistics.models import CarrierService, ShippingRate
from orders.models import Order
from orders.services import Buyer
from storefront.accounts.models import CustomerProfile, User
from storefront.accounts.services import address_create
from storefront.catalog.services.prices import price_policy_update
from storefront.promotions.models import Voucher
from support.notifications.models import Notification
from support.notifications.services import whatsapp_consent_set
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import BUYER, OrderFactory
from tests.promotions.factories import VoucherFactory

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"
CPF = "52998224725"


@pytest.fixture
def variant():
    """A product at R$ 50,00 with 5 units online, PAC (R$ 20,00) and SEDEX (R$ 35,00) to
    deliver it, and 10% off by Pix."""
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC", position=1)
    sedex = CarrierService.objects.create(code="sedex", carrier="Correios", name="SEDEX", position=2)
    ShippingRate.objects.create(service=pac, max_weight_grams=30000, price=Decimal("20.00"), days=8)
    ShippingRate.objects.create(service=sedex, max_weight_grams=30000, price=Decimal("35.00"), days=2)
    price_policy_update(pix_discount_percent=Decimal("10"))
    variant = ProductFactory(name="Cafeteira italiana", price=Decimal("50.00"), stock=0).variants.get()
    variant.ean = "7891234567895"
    variant.save(update_fields=["ean"])
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=5, actor=Actor.job("test"))
    variant.refresh_from_db()
    return variant


def form_data(variant, **changes):
    return {
        **asdict(BUYER),
        "cpf": format_cpf(BUYER.cpf),
        "email": "novo.cliente@example.com.br",
        "sku": [variant.sku],
        "quantity": ["2"],
        "delivery": "pac",
        "method": "pix",
        "key": str(uuid.uuid4()),
        **changes,
    }


def place(agent, variant, method="pix", quantity=2, **changes):
    return telesales_order_place(
        agent=agent,
        buyer=Buyer(**{**asdict(BUYER), "email": "cliente@example.com.br", **changes}),
        lines=[(variant.sku, quantity)],
        delivery_code="pac",
        method=method,
        key=uuid.uuid4(),
    )


# Finding products


def test_products_are_found_by_sku_ean_and_name_with_price_and_online_stock(variant):
    ProductFactory(name="Chaleira elétrica")
    assert telesales_product_search(query=variant.sku.lower()) == [variant]
    assert telesales_product_search(query=variant.ean) == [variant]
    [found] = telesales_product_search(query="cafeteira")
    assert (found, found.price, found.stock_online) == (variant, Decimal("50.00"), 5)
    assert telesales_product_search(query="   ") == []


def test_product_search_is_bounded_whatever_the_catalog(variant, django_assert_max_num_queries):
    ProductFactory.create_batch(30, name="Cafeteira de pressão")
    with django_assert_max_num_queries(4):
        found = telesales_product_search(query="cafeteira")
        [str(item.product) + item.options_label for item in found]
    assert len(found) == 10


# Finding the customer


def test_the_customer_is_found_by_profile_cpf_phone_email_and_order_number():
    customer = UserFactory(email="marina@example.com.br", full_name="Marina Lopes")
    CustomerProfile.objects.create(user=customer, cpf=CPF, phone="21998765432")
    order = OrderFactory(customer=customer, cpf="11144477735")
    UserFactory(email="outra@example.com.br")
    for query in (format_cpf(CPF), "(21) 99876-5432", "marina@", order.number, "111.444.777-35"):
        assert telesales_customer_search(query=query) == [customer], query


def test_the_customer_fills_name_cpf_phone_and_the_default_address():
    customer = UserFactory(email="marina@example.com.br", full_name="Marina Lopes")
    CustomerProfile.objects.create(user=customer, cpf=CPF, phone="21998765432")
    fields = {"cep": "20040002", "street": "Rua do Ouvidor", "street_number": "50", "district": "Centro"}
    address_create(customer=customer, city="Rio de Janeiro", state="RJ", **fields)
    address_create(
        customer=customer, cep="01310100", street="Avenida Paulista", street_number="9",
        district="Bela Vista", city="São Paulo", state="SP", is_default=True,
    )  # fmt: skip
    details = telesales_customer_details(customer_id=customer.pk)
    assert details == {
        "email": "marina@example.com.br",
        "full_name": "Marina Lopes",
        "cpf": format_cpf(CPF),
        "phone": "21998765432",
        "cep": "01310100",
        "street": "Avenida Paulista",
        "street_number": "9",
        "complement": "",
        "district": "Bela Vista",
        "city": "São Paulo",
        "state": "SP",
    }
    staff = UserFactory(is_staff=True)
    assert telesales_customer_details(customer_id=staff.pk) == {}


# The running total


def test_the_running_total_prices_items_delivery_voucher_and_pix(variant):
    VoucherFactory(code="DEZ", kind=Voucher.Kind.FIXED, value=Decimal("10.00"))
    lines = [(variant.sku, 1), (variant.sku, 1), ("NOPE", 1)]

    without_cep = telesales_quote(lines=lines)
    assert without_cep.quote is None and without_cep.unknown_skus == ["NOPE"]

    by_card = telesales_quote(lines=lines, cep="01310-100", method="card")
    assert [(line.variant, line.quantity) for line in by_card.lines] == [(variant, 2)]
    assert by_card.quote.delivery.code == "pac"  # the cheapest until another is chosen
    assert by_card.quote.delivery.arrives_by is not None
    assert (by_card.quote.totals.items, by_card.quote.totals.grand) == (Decimal("100.00"), Decimal("120.00"))

    by_pix = telesales_quote(lines=lines, cep="01310-100", delivery_code="sedex", voucher_code="DEZ")
    totals = by_pix.quote.totals
    assert (totals.shipping, totals.discount_before_pix, totals.pix_discount) == (
        Decimal("35.00"),
        Decimal("10.00"),
        Decimal("9.00"),
    )
    assert totals.grand == Decimal("116.00")


# Placing


def test_a_pix_order_gets_the_pix_discount_and_its_code(make_staff, variant):
    order = place(make_staff(Role.TELESALES), variant)
    assert (order.channel, order.grand_total, order.pix_discount) == (
        Order.Channel.TELESALES,
        Decimal("110.00"),
        Decimal("10.00"),
    )
    payment = order.payments.get()
    assert (payment.method, payment.status, payment.amount) == ("pix", "pending", Decimal("110.00"))
    assert payment.pix_code


def test_a_card_order_waits_for_the_customer_on_its_signed_page(client, make_staff, variant):
    order = place(make_staff(Role.MANAGER), variant, method="card")
    assert (order.grand_total, order.pix_discount, order.payments.exists()) == (
        Decimal("120.00"),
        Decimal("0.00"),
        False,
    )
    link = telesales_payment_link(order=order)
    response = client.get(link.removeprefix(settings.SITE_URL))
    assert response.status_code == 200
    assert response.context["pay_form"] is not None
    assert "card" in dict(response.context["pay_form"].fields["method"].choices)


def test_only_telesales_and_managers_place_assisted_orders(make_staff, variant):
    with pytest.raises(PermissionMissing):
        place(make_staff(Role.WAREHOUSE), variant)
    assert not Order.objects.exists()


# Sending how to pay


def test_the_pix_code_goes_by_whatsapp_when_the_customer_agreed(
    make_staff, variant, django_capture_on_commit_callbacks
):
    agent = make_staff(Role.TELESALES)
    order = place(agent, variant)
    whatsapp_consent_set(user=order.customer, phone="21998765432", consent=True)
    order = telesales_order_get(number=order.number)
    with django_capture_on_commit_callbacks(execute=True):
        notification = telesales_payment_send(agent=agent, order=order, key=uuid.uuid4())
    assert (notification.channel, notification.to_address, notification.template) == (
        Notification.Channel.WHATSAPP,
        "21998765432",
        "order_update",
    )
    assert order.latest_payment.pix_code in notification.body_text
    assert notification.status == Notification.Status.PENDING or notification.external_id


def test_without_consent_the_card_link_goes_by_email_once_per_click(
    make_staff, variant, django_capture_on_commit_callbacks
):
    agent = make_staff(Role.TELESALES)
    order = telesales_order_get(number=place(agent, variant, method="card").number)
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        telesales_payment_send(agent=agent, order=order, key=key)
        telesales_payment_send(agent=agent, order=order, key=key)  # a double click
    [email] = mail.outbox
    assert email.to == ["cliente@example.com.br"]
    assert telesales_payment_link(order=order).split("?")[0] in email.body


def test_nothing_is_sent_for_an_order_no_longer_waiting_for_payment(make_staff, variant):
    agent = make_staff(Role.TELESALES)
    order = place(agent, variant)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    with pytest.raises(AssistedOrderNotPayable):
        telesales_payment_send(agent=agent, order=telesales_order_get(number=order.number), key=uuid.uuid4())
    assert not Notification.objects.filter(dedup_key__startswith="telesales-payment").exists()


# Pages


def test_an_agent_places_an_order_for_a_new_customer_and_sees_the_pix_code(
    staff_client, variant, django_capture_on_commit_callbacks
):
    client = staff_client(Role.TELESALES)
    data = form_data(variant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("backoffice:telesales-order"), data)
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("backoffice:telesales-placed", args=[order.number])
    customer = User.objects.get(email="novo.cliente@example.com.br")
    assert not customer.has_usable_password()
    assert (order.customer, order.grand_total) == (customer, Decimal("110.00"))
    assert order.sales_agent.groups.filter(name=Role.TELESALES).exists()
    payment = order.payments.get()
    [email] = mail.outbox
    assert email.to == [customer.email] and payment.pix_code in email.body

    page = client.get(response.url)
    assert page.context["payment"] == payment
    assert "".join(page.context["pix_groups"]) == payment.pix_code

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("backoffice:telesales-order"), data)  # the same form sent again
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cpf": "111.111.111-12"}, "cpf", None),
        ({"sku": [], "quantity": []}, "lines", "Inclua pelo menos um item."),
        ({"quantity": ["0"]}, "lines", None),
        ({"sku": ["NOPE"]}, "lines", "SKU desconhecido: NOPE."),
        ({"quantity": ["9"]}, "lines", None),
        ({"delivery": ""}, "delivery", None),
        ({"voucher": "NAOEXISTE"}, "voucher", None),
        ({"method": "cash"}, "method", None),
    ],
)
def test_bad_input_is_said_on_its_field_and_nothing_is_placed(staff_client, variant, changes, field, message):
    client = staff_client(Role.TELESALES)
    response = client.post(reverse("backoffice:telesales-order"), form_data(variant, **changes))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert message in errors[field]
    assert not Order.objects.exists()
    assert not User.objects.filter(email="novo.cliente@example.com.br").exists()


def test_the_htmx_pages_search_fill_and_total(staff_client, variant):
    client = staff_client(Role.TELESALES)
    customer = UserFactory(email="marina@example.com.br", full_name="Marina Lopes")
    CustomerProfile.objects.create(user=customer, cpf=CPF, phone="21998765432")

    products = client.get(reverse("backoffice:telesales-products"), {"q": variant.sku})
    assert products.context["variants"] == [variant]
    assert "R$" + NBSP + "50,00" in products.content.decode()

    found = client.get(reverse("backoffice:telesales-customers"), {"q": CPF})
    assert found.context["customers"] == [customer]
    filled = client.get(reverse("backoffice:telesales-customer-fill", args=[customer.pk]))
    assert filled["HX-Trigger"] == "telesales-requote"
    assert filled.context["form"].initial["cpf"] == format_cpf(CPF)

    quote = client.post(
        reverse("backoffice:telesales-quote"),
        {
            "sku": [variant.sku],
            "quantity": ["1"],
            "add_sku": variant.sku,
            "add_quantity": "1",
            "cep": "01310-100",
        },
    )
    html = quote.content.decode()
    assert quote.context["basket"].quote.totals.grand == Decimal("110.00")
    assert 'data-testid="total-pix"' in html and 'data-testid="delivery-date"' in html
    removed = client.post(
        reverse("backoffice:telesales-quote"),
        {"sku": [variant.sku], "quantity": ["2"], "remove": variant.sku},
    )
    assert removed.context["basket"].lines == []


def test_the_placed_page_and_sending_it(staff_client, variant, django_capture_on_commit_callbacks):
    client = staff_client(Role.TELESALES)
    order = place(UserFactory(is_staff=True, is_superuser=True), variant, method="card")
    page = client.get(reverse("backoffice:telesales-placed", args=[order.number]))
    # the same signed page (the signature carries the second it was made in)
    assert page.context["payment_link"].split("?t=")[0] == telesales_payment_link(order=order).split("?t=")[0]
    assert page.context["can_send"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("backoffice:telesales-payment-send", args=[order.number]), {"key": str(uuid.uuid4())}
        )
    assert response.status_code == 302 and len(mail.outbox) == 1
    web_order = OrderFactory()
    assert client.get(reverse("backoffice:telesales-placed", args=[web_order.number])).status_code == 404


def new_urls(order_number="700000"):
    return [
        ("get", reverse("backoffice:telesales-order")),
        ("get", reverse("backoffice:telesales-products") + "?q=x"),
        ("get", reverse("backoffice:telesales-customers") + "?q=x"),
        ("get", reverse("backoffice:telesales-customer-fill", args=[1])),
        ("post", reverse("backoffice:telesales-quote")),
        ("get", reverse("backoffice:telesales-placed", args=[order_number])),
        ("post", reverse("backoffice:telesales-payment-send", args=[order_number])),
    ]


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.SUPPORT_AGENT, Role.ORDER_ANALYST])
def test_other_roles_are_refused_every_telesales_page(staff_client, role):
    order = OrderFactory(channel=Order.Channel.TELESALES)
    client = staff_client(role)
    for method, url in new_urls(order.number):
        assert getattr(client, method)(url).status_code == 403, url
    assert not Notification.objects.exists()


def test_the_manager_may_use_them(staff_client, variant):
    client = staff_client(Role.MANAGER)
    assert client.get(reverse("backoffice:telesales-products") + "?q=x").status_code == 200


# Query budgets


def test_the_pages_run_a_bounded_number_of_queries(staff_client, variant, django_assert_max_num_queries):
    client = staff_client(Role.TELESALES)
    skus = [ProductFactory(name=f"Cafeteira {n}").variants.get().sku for n in range(12)]
    for n in range(15):
        customer = UserFactory(full_name=f"Cliente Silva {n}")
        CustomerProfile.objects.create(user=customer, cpf="", phone=f"2199876{n:04d}")
        address_create(
            customer=customer, cep="01310100", street="Avenida Paulista", street_number=str(n),
            district="Bela Vista", city="São Paulo", state="SP",
        )  # fmt: skip
        whatsapp_consent_set(user=customer, phone=f"2199876{n:04d}", consent=True)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("backoffice:telesales-order")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("backoffice:telesales-products"), {"q": "cafeteira"}).status_code == 200
    with django_assert_max_num_queries(10):
        response = client.get(reverse("backoffice:telesales-customers"), {"q": "silva"})
    assert len(response.context["customers"]) == 8
    with django_assert_max_num_queries(16):
        response = client.post(
            reverse("backoffice:telesales-quote"),
            {"sku": skus, "quantity": ["1"] * len(skus), "cep": "01310-100", "voucher": "NADA"},
        )
    assert len(response.context["basket"].lines) == 12
    order = place(UserFactory(is_staff=True, is_superuser=True), variant)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("backoffice:telesales-placed", args=[order.number])).status_code == 200
