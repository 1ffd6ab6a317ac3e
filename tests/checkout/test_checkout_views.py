"""The checkout pages, step by step, as a shopper's browser posts them."""

from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.actor import Actor
from core.cpf import format_cpf
from inventory.models import Warehouse
from inventory.services import stock_receive
from logistics.models import CarrierService, ShippingRate
from logistics.templatetags.delivery import arrival_day
from orders.adapters.base import GatewayUnavailable
from orders.locks import lock_payment
from orders.models import Order, Payment
from orders.services import payment_mark_expired
from orders.services.notifications import order_links
from storefront.cart.models import Cart
from storefront.catalog.models import PricePolicy
from storefront.checkout import views
from storefront.promotions.models import Voucher
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import BUYER
from tests.promotions.factories import VoucherFactory

pytestmark = pytest.mark.django_db


def online_warehouse():
    return Warehouse.objects.first() or WarehouseFactory()


DETAILS = {**asdict(BUYER), "cpf": format_cpf(BUYER.cpf), "cep": "69005-070"}
CARD = {
    "card_number": "4111 1111 1111 1111",
    "card_holder": "ANA SOUZA",
    "card_expiry": "12/39",
    "card_cvv": "123",
}
DECLINED_CARD = {**CARD, "card_number": "4000 0000 0000 0002"}


@pytest.fixture
def variant():
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC", position=1)
    sedex = CarrierService.objects.create(code="sedex", carrier="Correios", name="SEDEX", position=2)
    ShippingRate.objects.create(service=pac, max_weight_grams=30000, price=Decimal("30.00"), days=9)
    ShippingRate.objects.create(service=sedex, max_weight_grams=30000, price=Decimal("60.00"), days=3)
    return stocked(ProductFactory(name="Luminária de mesa", price=Decimal("100.00"), stock=0))


def stocked(product, quantity=5):
    variant = product.variants.get()
    stock_receive(
        variant_id=variant.pk, warehouse=online_warehouse(), quantity=quantity, actor=Actor.job("test")
    )
    return variant


@pytest.fixture
def shopper(client, variant):
    """A visitor with one lamp in the cart."""
    client.get(reverse("cart:cart-detail"))  # a session
    client.post(reverse("cart:cart-add"), {"variant": variant.pk, "quantity": 1})
    return client


def to_review(client, *, payment=None, details=DETAILS):
    assert client.post(reverse("checkout:checkout-details"), details).status_code == 302
    response = client.post(
        reverse("checkout:checkout-payment"), {"delivery": "pac", "method": "pix", **(payment or {})}
    )
    assert response.status_code == 302, response.context["form"].errors
    return client.get(reverse("checkout:checkout-review"))


def place(client):
    review = client.get(reverse("checkout:checkout-review"))
    return client.post(
        reverse("checkout:checkout-review"), {"expected_total": review.context["quote"].totals.grand}
    )


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["t"][0]


def test_a_guest_buys_with_pix_and_sees_the_code_and_gets_the_email(
    shopper, settings, django_capture_on_commit_callbacks
):
    review = to_review(shopper)
    assert review.context["quote"].totals.grand == Decimal("130.00")

    with django_capture_on_commit_callbacks(execute=True):
        response = place(shopper)
    order = Order.objects.get()
    assert response.status_code == 302 and response.url.startswith(
        reverse("checkout:order-confirmation", args=[order.number])
    )
    assert (order.email, order.cpf, order.cep, order.grand_total) == (
        BUYER.email,
        BUYER.cpf,
        BUYER.cep,
        Decimal("130.00"),
    )
    payment = order.payments.get()
    assert (payment.method, payment.status) == (Payment.Method.PIX, Payment.Status.PENDING)

    page = shopper.get(response.url).content.decode()
    assert payment.pix_code in page
    assert 'data-testid="pix-qr"' in page and "data:image/svg+xml" in page
    [email] = mail.outbox
    assert email.to == [BUYER.email] and order.number in email.subject
    assert payment.pix_code in email.body
    assert email.alternatives[0][0].count(payment.pix_code) == 1
    assert f"{settings.SITE_URL}/pedidos/{order.number}/acompanhar/?t=" in email.body


def test_a_card_approved_at_checkout_pays_the_order(shopper):
    to_review(shopper, payment={"method": "card", "installments": 3, **CARD})
    response = place(shopper)
    order = Order.objects.get()
    payment = order.payments.get()
    assert (order.status, payment.status) == (Order.Status.PAID, Payment.Status.AUTHORISED)
    assert (payment.card_brand, payment.card_last4, payment.installments) == ("visa", "1111", 3)
    assert 'data-testid="payment-approved"' in shopper.get(response.url).content.decode()
    assert "4111111111111111" not in str(shopper.session.items())


def test_a_declined_card_leaves_the_order_waiting_and_the_shopper_pays_again_with_pix(shopper):
    to_review(shopper, payment={"method": "card", "installments": 1, **DECLINED_CARD})
    confirmation = place(shopper).url
    order = Order.objects.get()
    assert (order.status, order.payments.get().status) == (
        Order.Status.AWAITING_PAYMENT,
        Payment.Status.FAILED,
    )
    page = shopper.get(confirmation).content.decode()
    assert 'data-testid="payment-failed"' in page and 'data-testid="pay-again-form"' in page

    token = token_of(confirmation)
    response = shopper.post(reverse("checkout:order-pay", args=[order.number]), {"method": "pix", "t": token})
    assert response.status_code == 302
    assert order.payments.filter(method=Payment.Method.PIX, status=Payment.Status.PENDING).exists()


def test_a_boleto_has_a_printable_page(shopper):
    to_review(shopper, payment={"method": "boleto"})
    confirmation = place(shopper).url
    order = Order.objects.get()
    boleto = order.payments.get()
    assert boleto.boleto_due_date > timezone.localdate()
    page = shopper.get(confirmation).content.decode()
    assert 'data-testid="boleto-print"' in page
    printable = shopper.get(
        reverse("checkout:order-boleto", args=[order.number]), {"t": token_of(confirmation)}
    )
    html = printable.content.decode()
    assert boleto.boleto_line[:5] in html and "<svg" in html and "<rect" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cpf", "123.456.789-00", "Informe um CPF válido"),
        ("cep", "00000-000", "Informe um CEP válido"),
        ("email", "ana@", "Informe um endereço de email válido."),
        ("state", "SP", "Este CEP pertence a AM, não a SP."),
        ("phone", "1234", "Informe o telefone com DDD"),
    ],
)
def test_bad_details_are_shown_on_the_field_in_portuguese_and_nothing_is_kept(shopper, field, value, message):
    response = shopper.post(
        reverse("checkout:checkout-details"), {**DETAILS, field: value}, HTTP_ACCEPT_LANGUAGE="pt-br"
    )
    assert response.status_code == 200
    error_field = "cep" if field == "state" else field
    assert any(message in error for error in response.context["form"].errors[error_field])
    assert "checkout" not in shopper.session


def test_a_bad_card_number_is_refused_on_the_field_and_creates_nothing(shopper):
    shopper.post(reverse("checkout:checkout-details"), DETAILS)
    response = shopper.post(
        reverse("checkout:checkout-payment"),
        {
            "delivery": "pac",
            "method": "card",
            "installments": 1,
            **CARD,
            "card_number": "4111 1111 1111 1112",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["card_number"]
    assert not Payment.objects.exists() and not Order.objects.exists()


def test_installments_show_their_value_and_never_go_below_the_minimum(shopper, settings):
    settings.STORE_MIN_INSTALLMENT = Decimal("20.00")
    shopper.post(reverse("checkout:checkout-details"), DETAILS)
    response = shopper.get(reverse("checkout:checkout-payment"))
    assert response.context["quote"].installments[:3] == [
        (1, Decimal("130.00")),
        (2, Decimal("65.00")),
        (3, Decimal("43.33")),
    ]
    assert [count for count, _value in response.context["quote"].installments] == [1, 2, 3, 4, 5, 6]
    assert "3× R$\N{NO-BREAK SPACE}43,33" in response.content.decode()


def test_a_voucher_takes_its_discount_and_is_recorded_on_the_order(shopper):
    Voucher.objects.create(
        code="BEMVINDO10",
        kind=Voucher.Kind.PERCENTAGE,
        value=10,
        starts_at=timezone.now() - timedelta(days=1),
    )
    to_review(shopper, payment={"voucher": "bemvindo10"})
    place(shopper)
    order = Order.objects.get()
    assert (order.discount_total, order.grand_total, order.voucher_code) == (
        Decimal("10.00"),
        Decimal("120.00"),
        "BEMVINDO10",
    )
    assert order.voucher_redemption.email == BUYER.email


def test_an_unknown_voucher_is_shown_on_the_field(shopper):
    shopper.post(reverse("checkout:checkout-details"), DETAILS)
    response = shopper.post(
        reverse("checkout:checkout-payment"), {"delivery": "pac", "method": "pix", "voucher": "NOPE"}
    )
    assert response.context["form"].errors["voucher"] == ["Não existe cupom com este código."]


def test_the_summary_follows_the_chosen_delivery_and_voucher_over_htmx(shopper):
    shopper.post(reverse("checkout:checkout-details"), DETAILS)
    response = shopper.post(reverse("checkout:checkout-quote"), {"delivery": "sedex"}, HTTP_HX_REQUEST="true")
    assert response.context["quote"].totals.grand == Decimal("160.00")
    assert 'id="installments-field" hx-swap-oob="true"' in response.content.decode()


def test_free_delivery_above_the_stores_value(shopper, variant, settings):
    settings.STORE_FREE_SHIPPING_FROM = Decimal("150.00")
    shopper.post(reverse("cart:cart-add"), {"variant": variant.pk, "quantity": 1})
    review = to_review(shopper)
    assert review.context["quote"].totals.shipping == Decimal("0.00")
    assert review.context["quote"].totals.grand == Decimal("200.00")


def test_a_price_changed_after_adding_is_flagged_on_review(shopper, variant):
    variant.price = Decimal("110.00")
    variant.save(update_fields=["price"])
    review = to_review(shopper)
    assert 'data-testid="price-changes"' in review.content.decode()
    assert review.context["quote"].totals.items == Decimal("110.00")


def test_a_total_that_changed_after_review_needs_another_look(shopper, variant):
    review = to_review(shopper)
    variant.price = Decimal("90.00")
    variant.save(update_fields=["price"])
    response = shopper.post(
        reverse("checkout:checkout-review"), {"expected_total": review.context["quote"].totals.grand}
    )
    assert response.status_code == 302 and response.url == reverse("checkout:checkout-review")
    assert not Order.objects.exists()
    assert place(shopper).status_code == 302
    assert Order.objects.get().grand_total == Decimal("120.00")


def test_placing_twice_makes_one_order(shopper):
    to_review(shopper)
    first, second = (
        place(shopper),
        shopper.post(reverse("checkout:checkout-review"), {"expected_total": "130.00"}),
    )
    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    assert second.status_code == 302 and second.url == first.url


def test_checkout_steps_skip_nothing(shopper):
    assert shopper.get(reverse("checkout:checkout-payment")).url == reverse("checkout:checkout-details")
    assert shopper.get(reverse("checkout:checkout-review")).url == reverse("checkout:checkout-details")


def test_an_empty_cart_goes_back_to_the_cart(client, variant):
    assert client.get(reverse("checkout:checkout-details")).url == reverse("cart:cart-detail")


def test_checkout_pages_run_a_bounded_number_of_queries(shopper, variant, django_assert_max_num_queries):
    for _ in range(3):
        other = stocked(ProductFactory(price=Decimal("10.00"), stock=0))
        shopper.post(reverse("cart:cart-add"), {"variant": other.pk, "quantity": 1})
    to_review(shopper)
    for name in ("checkout:checkout-details", "checkout:checkout-payment", "checkout:checkout-review"):
        with django_assert_max_num_queries(views.CHECKOUT_STEP_QUERIES):
            assert shopper.get(reverse(name)).status_code == 200


def test_the_expired_payment_link_asks_then_puts_the_items_back_in_a_cart(shopper, variant):
    shopper.post(reverse("cart:cart-add"), {"variant": variant.pk, "quantity": 1})
    to_review(shopper)
    place(shopper)
    order = Order.objects.get()
    restore = order_links(order=order)["restore_url"].removeprefix("http://testserver")
    assert shopper.get(restore).status_code == 404  # the order is still waiting for its Pix

    payment = order.payments.get()
    with transaction.atomic():
        payment_mark_expired(payment=lock_payment(payment.pk), actor=Actor.job("test"))
    page = shopper.get(restore)
    assert 'data-testid="restore-cart"' in page.content.decode()
    assert not Cart.objects.filter(status=Cart.Status.OPEN).exists()  # looking changes nothing
    assert shopper.post(restore).status_code == 302
    cart = Cart.objects.get(status=Cart.Status.OPEN)
    assert [(line.variant_id, line.quantity) for line in cart.lines.all()] == [(variant.pk, 2)]
    shopper.post(restore)  # twice: still two
    assert cart.lines.get().quantity == 2


def test_a_restore_link_for_another_order_is_not_found(shopper, variant):
    to_review(shopper)
    place(shopper)
    order = Order.objects.get()
    forged = reverse("cart:cart-restore", kwargs={"number": order.number}) + "?t=forged"
    assert shopper.get(forged).status_code == 404


def test_a_voucher_that_leaves_nothing_to_pay_is_refused_at_placement(shopper, settings):
    settings.STORE_FREE_SHIPPING_FROM = Decimal("50.00")
    VoucherFactory(code="TUDO", kind=Voucher.Kind.FIXED, value=Decimal("100.00"))
    review = to_review(shopper, payment={"voucher": "TUDO"})
    assert review.context["quote"].totals.grand == Decimal("0.00")
    response = place(shopper)
    assert response.url == reverse("checkout:checkout-review")
    assert not Order.objects.exists()


def test_odd_characters_in_card_fields_are_field_errors_not_crashes(shopper):
    shopper.post(reverse("checkout:checkout-details"), DETAILS)
    response = shopper.post(
        reverse("checkout:checkout-payment"),
        {
            **CARD,
            "delivery": "pac",
            "method": "card",
            "installments": "x",
            "card_number": "²" * 16,
            "card_expiry": "²/30",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"card_number", "card_expiry", "installments"} <= set(errors)


def test_the_card_number_is_never_sent_back_to_the_browser(shopper):
    shopper.post(reverse("checkout:checkout-details"), DETAILS)
    response = shopper.post(
        reverse("checkout:checkout-payment"),
        {**CARD, "delivery": "pac", "method": "card", "installments": 1, "card_cvv": "1"},
    )
    assert response.context["form"].errors["card_cvv"]
    assert "4111" not in response.content.decode()


def test_only_a_boleto_still_to_pay_is_printable(shopper):
    to_review(shopper, payment={"method": "boleto"})
    confirmation = place(shopper).url
    order = Order.objects.get()
    boleto = order.payments.get()
    with transaction.atomic():
        payment_mark_expired(payment=lock_payment(boleto.pk), actor=Actor.job("test"))
    url = reverse("checkout:order-boleto", args=[order.number])
    assert shopper.get(url, {"t": token_of(confirmation)}).status_code == 404


def test_a_customer_checks_out_from_their_details_and_finds_the_order_in_their_area(client, variant):
    customer = UserFactory(full_name="Ana Souza")
    client.force_login(customer)
    client.post(reverse("cart:cart-add"), {"variant": variant.pk, "quantity": 1})
    assert client.get(reverse("checkout:checkout-details")).context["form"].initial["email"] == customer.email
    to_review(client)
    place(client)
    order = Order.objects.get()
    assert order.customer == customer
    assert order.number in client.get(reverse("checkout:order-list")).content.decode()
    page = client.get(reverse("checkout:order-detail", args=[order.number])).content.decode()
    assert 'data-testid="pix-instructions"' in page

    client.post(reverse("cart:cart-add"), {"variant": variant.pk, "quantity": 1})
    initial = client.get(reverse("checkout:checkout-details")).context["form"].initial
    assert (initial["cpf"], initial["cep"], initial["street"]) == (BUYER.cpf, BUYER.cep, BUYER.street)


@pytest.fixture
def pix_discount():
    PricePolicy.objects.update_or_create(
        pk=PricePolicy.objects.first().pk, defaults={"pix_discount_percent": 5}
    )


def test_paying_by_pix_takes_the_managers_discount_off_the_items_not_the_delivery(shopper, pix_discount):
    review = to_review(shopper)
    assert review.context["quote"].totals.pix_discount == Decimal("5.00")
    assert 'data-testid="summary-pix-discount"' in review.content.decode()

    place(shopper)

    order = Order.objects.get()
    assert (order.pix_discount, order.discount_total, order.grand_total) == (
        Decimal("5.00"),
        Decimal("5.00"),
        Decimal("125.00"),
    )
    assert order.payments.get().amount == Decimal("125.00")


def test_a_card_pays_the_full_price_and_its_instalments_split_it(shopper, pix_discount):
    review = to_review(shopper, payment={"method": "card", "installments": 2, **CARD})
    assert review.context["quote"].totals.grand == Decimal("130.00")
    place(shopper)
    order = Order.objects.get()
    assert (order.pix_discount, order.grand_total) == (Decimal("0.00"), Decimal("130.00"))


def test_choosing_pix_on_the_payment_step_shows_its_discount_over_htmx(shopper, pix_discount):
    shopper.post(reverse("checkout:checkout-details"), DETAILS)
    page = shopper.get(reverse("checkout:checkout-payment")).content.decode()
    assert "Pix (5% de desconto)" in page

    response = shopper.post(
        reverse("checkout:checkout-quote"), {"delivery": "pac", "method": "pix"}, HTTP_HX_REQUEST="true"
    )
    card = shopper.post(
        reverse("checkout:checkout-quote"), {"delivery": "pac", "method": "card"}, HTTP_HX_REQUEST="true"
    )

    assert response.context["quote"].totals.grand == Decimal("125.00")
    assert card.context["quote"].totals.grand == Decimal("130.00")
    assert card.context["quote"].installments[-1][0] > 1


def test_an_order_with_the_pix_discount_is_paid_again_by_pix_only(shopper, pix_discount, monkeypatch):
    monkeypatch.setattr(
        "orders.adapters.sandbox.SandboxGateway.create_pix",
        lambda *args, **kwargs: (_ for _ in ()).throw(GatewayUnavailable("down")),
    )
    to_review(shopper)
    confirmation = place(shopper).url
    order = Order.objects.get()
    monkeypatch.undo()

    response = shopper.post(
        reverse("checkout:order-pay", args=[order.number]),
        {"method": "boleto", "t": token_of(confirmation)},
    )

    assert response.status_code == 200
    assert "method" in response.context["pay_form"].errors
    assert not order.payments.filter(method=Payment.Method.BOLETO).exists()


def test_the_delivery_options_and_the_review_promise_a_day_not_a_count_of_days(shopper):
    review = to_review(shopper)
    arrives_by = review.context["quote"].delivery.arrives_by
    page = review.content.decode()
    assert f"chega até {arrival_day(arrives_by)}" in page
    assert "dias úteis após o envio" not in page


COMPANY = {
    **DETAILS,
    "buyer_type": "company",
    "cnpj": "12.abc.345/01de-35",
    "company_name": "  Ateliê  Aurora Ltda ",
    "state_registration": "",
    "state_registration_exempt": "on",
}


def test_a_company_buys_with_its_alphanumeric_cnpj_and_the_invoice_is_made_out_to_it(shopper):
    review = to_review(shopper, details=COMPANY)
    assert 'data-testid="review-company"' in review.content.decode()

    place(shopper)

    order = Order.objects.get()
    assert (order.cnpj, order.company_name, order.state_registration, order.cpf) == (
        "12ABC34501DE35",
        "Ateliê Aurora Ltda",
        "ISENTO",
        BUYER.cpf,
    )
    assert order.invoice_document == "12ABC34501DE35"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cnpj": "12.ABC.345/01DE-36"}, "cnpj", "Informe um CNPJ válido (14 caracteres)."),
        ({"company_name": " "}, "company_name", "Informe a razão social da empresa."),
        (
            {"state_registration_exempt": ""},
            "state_registration",
            "Informe a inscrição estadual ou marque que a empresa é isenta.",
        ),
    ],
)
def test_a_company_missing_its_details_is_told_on_the_field(shopper, changes, field, message):
    response = shopper.post(reverse("checkout:checkout-details"), {**COMPANY, **changes})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert "details" not in shopper.session.get("checkout", {})


def test_a_person_keeps_nothing_of_a_company_typed_and_abandoned(shopper):
    to_review(shopper, details={**COMPANY, "buyer_type": "person"})
    place(shopper)
    order = Order.objects.get()
    assert (order.cnpj, order.company_name, order.state_registration) == ("", "", "")


def test_the_cep_priced_on_the_product_page_starts_the_address(shopper):
    shopper.cookies["cep"] = "20040020"
    page = shopper.get(reverse("checkout:checkout-details"))
    assert page.context["form"].initial["cep"] == "20040-020"
