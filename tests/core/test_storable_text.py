"""Text the database cannot store (NUL, lone surrogates) is refused at the door with 400 and
changes nothing: in paths, query strings, forms, cookies, headers and signed notices. These
inputs ended in PostgreSQL's "text fields cannot contain NUL" 500 before; CI runs this module
on PostgreSQL."""

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backoffice.roles import Role
from core.actor import Actor
from core.storable_text import is_storable, json_is_storable
from inbox.models import EVENT_ID_MAX_LENGTH, WebhookEvent
from inbox.signatures import signature_header
from inventory.services import stock_receive
from logistics.models import CarrierService, ShippingRate, TrackingEvent
from orders.models import Order, Payment
from storefront.cart.models import Cart
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.logistics.factories import shipment_row
from tests.orders.factories import BUYER, OrderFactory

pytestmark = pytest.mark.django_db

NUL = "\x00"
LONE_SURROGATE = "\ud800"


@pytest.mark.parametrize(
    ("text", "storable"),
    [("Luminária ☀ 😀", True), ("", True), ("a\x00b", False), ("a\ud800", False), ("\udfff", False)],
)
def test_storable_text_has_no_nul_and_no_lone_surrogate(text, storable):
    assert is_storable(text) is storable


@pytest.mark.parametrize(
    ("value", "storable"),
    [
        ({"id": "evt", "data": [1, 2.5, None, True, {"a": "b"}]}, True),
        ({"id": "evt", "data": {"description": "x\x00"}}, False),
        ({"id": "evt", "data": {"k\x00": "v"}}, False),
        ({"id": ["\ud800"]}, False),
        ({"amount": float("nan")}, False),
        ({"amount": float("inf")}, False),
    ],
)
def test_json_is_storable_looks_at_every_key_string_and_number(value, storable):
    assert json_is_storable(value) is storable


# Storefront


def test_a_search_for_nul_is_refused_in_the_visitors_language(client):
    response = client.get("/busca/", {"q": NUL})
    in_english = client.get("/busca/", {"q": NUL}, headers={"accept-language": "en"})
    assert (response.status_code, in_english.status_code) == (400, 400)
    assert "Requisição inválida" in response.content.decode()
    assert "Bad request" in in_english.content.decode()


def test_a_query_parameter_named_with_nul_is_refused(client):
    assert client.get("/busca/?q=mesa&x%00=1").status_code == 400


def test_a_search_for_bytes_that_are_no_text_finds_nothing_without_error(client):
    # An encoded lone surrogate is not UTF-8: Django decodes it as U+FFFD.
    response = client.get("/busca/?q=%ED%A0%80")
    assert response.status_code == 200


def test_a_search_as_long_as_an_address_may_be_answers(client):
    response = client.get("/busca/", {"q": "mesa " * 1500})
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/busca/?q=" + "x" * 100_000, "/pedidos/" + "1" * 100_000 + "/"])
def test_an_address_of_100_kb_is_refused_as_too_long(client, url):
    response = client.get(url)
    assert response.status_code == 414
    assert "O endereço é mais longo do que a loja aceita." in response.content.decode()


def test_an_order_number_with_nul_is_refused(client, customer):
    OrderFactory(customer=customer)
    client.force_login(customer)
    assert client.get("/pedidos/%00/").status_code == 400
    assert client.get("/pedidos/%00/acompanhar/").status_code == 400


@pytest.fixture
def shopper(client):
    """A visitor with one item in the cart who gave their details: at the payment step."""
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC", position=1)
    ShippingRate.objects.create(service=pac, max_weight_grams=30000, price=Decimal("30.00"), days=9)
    variant = ProductFactory(price=Decimal("100.00"), stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=5, actor=Actor.job("test"))
    client.get(reverse("cart:cart-detail"))
    client.post(reverse("cart:cart-add"), {"variant": variant.pk, "quantity": 1})
    details = {**BUYER.__dict__, "cep": "69005-070"}
    assert client.post(reverse("checkout:checkout-details"), details).status_code == 302
    return client


@pytest.mark.parametrize("url_name", ["checkout:checkout-payment", "checkout:checkout-quote"])
def test_a_voucher_with_nul_at_the_payment_step_is_refused_and_changes_nothing(shopper, url_name):
    # given
    state_before = dict(shopper.session.items())
    # when
    response = shopper.post(reverse(url_name), {"delivery": "pac", "method": "pix", "voucher": NUL})
    # then
    assert response.status_code == 400
    assert dict(shopper.session.items()) == state_before
    assert not Order.objects.exists()
    assert Cart.objects.get().status == Cart.Status.OPEN


def test_a_form_field_named_with_nul_is_refused(shopper):
    response = shopper.post(reverse("checkout:checkout-payment"), {"delivery": "pac", "method\x00": "pix"})
    assert response.status_code == 400


def test_a_multipart_form_with_nul_in_a_value_or_field_name_is_refused(shopper):
    url = reverse("checkout:checkout-payment")
    upload = SimpleUploadedFile("counts.csv", b"sku;quantity\n")
    assert shopper.post(url, {"delivery": "pac", "voucher": f"X{NUL}", "file": upload}).status_code == 400
    upload = SimpleUploadedFile("counts.csv", b"sku;quantity\n")
    assert shopper.post(url, {"delivery": "pac", f"file{NUL}": upload}).status_code == 400


def test_a_session_cookie_with_nul_is_refused(client):
    # A quoted cookie may carry octal escapes, which Django decodes.
    cookie = f'{settings.SESSION_COOKIE_NAME}="\\000abcdefghijkl"'
    assert client.get("/", HTTP_COOKIE=cookie).status_code == 400


def test_a_header_with_nul_is_refused(client):
    assert client.get("/", HTTP_USER_AGENT=f"bot{NUL}").status_code == 400


def test_a_body_above_the_upload_limit_is_refused_with_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(reverse("accounts:login"), {"username": "a" * 2000, "password": "x"})
    assert response.status_code == 400


def test_the_refusal_page_speaks_the_visitors_language(client):
    response = client.get("/busca/", {"q": NUL}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.headers["Content-Language"] == "en"
    assert "The address or the form sent characters the store cannot accept." in response.content.decode()


# Back office and admin


@pytest.mark.parametrize(
    "url",
    [
        "/backoffice/customers/?q=%00",
        "/backoffice/inventory/?q=%00",
        "/backoffice/orders/?reason=%00",
        "/backoffice/logistics/shipments/?q=%00",
        "/backoffice/orders/%00/",
        "/backoffice/logistics/shipments/%00/",
        "/backoffice/logistics/picking/%00/",
        "/admin/orders/order/?q=%00",
        "/admin/orders/order/%00/change/",
        "/admin/accounts/user/?q=%00",
    ],
)
def test_staff_searches_and_detail_urls_with_nul_are_refused(staff_client, url):
    assert staff_client(Role.MANAGER).get(url).status_code == 400


def test_a_staff_form_with_nul_is_refused_and_changes_nothing(staff_client):
    # given
    order = OrderFactory(status=Order.Status.ON_HOLD)
    client = staff_client(Role.MANAGER)
    # when
    response = client.post(
        reverse("backoffice:order-act", kwargs={"number": order.number}),
        {"action": "approve", "seen": order.updated_at.isoformat(), "text": f"ok{NUL}"},
    )
    # then
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == Order.Status.ON_HOLD
    assert not order.events.exists()


# Signed notices: the middleware cannot see inside JSON, the notice parser does.


def payment_notice(event_id: str, *, reference: str = "pix_123", **data) -> bytes:
    return json.dumps(
        {"id": event_id, "type": "charge.paid", "data": {"reference": reference, **data}}
    ).encode()


def post_payment_notice(client, body: bytes):
    return client.post(
        reverse("payments:payment-webhook", kwargs={"provider": "sandbox"}),
        data=body,
        content_type="application/json",
        HTTP_X_SIGNATURE=signature_header(
            body=body, secret=settings.STORE_PAYMENT_WEBHOOK_SECRETS["sandbox"]
        ),
    )


@pytest.fixture
def pix_payment():
    order = OrderFactory()
    return Payment.objects.create(
        order=order,
        method=Payment.Method.PIX,
        amount=order.grand_total,
        gateway="sandbox",
        gateway_reference="pix_123",
    )


@pytest.mark.parametrize(
    "body",
    [
        payment_notice(f"evt{NUL}"),
        payment_notice(f"evt{LONE_SURROGATE}"),
        payment_notice("e" * (EVENT_ID_MAX_LENGTH + 1)),
        payment_notice(""),
        payment_notice("evt_1", reference=f"pix_123{NUL}"),
        payment_notice("evt_1", note=f"x{NUL}"),
        b'{"id": "evt_1", "type": "charge.paid", "data": {"reference": "pix_123", "amount": NaN}}',
        b'{"id": "evt_1", "type": "charge.paid", "data": {"reference": "pix_123", "amount": 1e400}}',
        b"[" * 5000 + b"]" * 5000,
        b'["evt_1"]',
    ],
    ids=[
        "event id with NUL",
        "event id with a lone surrogate",
        "event id longer than its column",
        "empty event id",
        "reference with NUL",
        "extra text with NUL",
        "NaN",
        "infinity",
        "nested too deep",
        "not an object",
    ],
)
def test_a_signed_payment_notice_the_database_cannot_store_is_refused_and_changes_nothing(
    client, pix_payment, django_capture_on_commit_callbacks, body
):
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_payment_notice(client, body)
    # then
    assert (response.status_code, response.json()) == (400, {"error": "malformed notice"})
    assert callbacks == []
    assert not WebhookEvent.objects.exists()
    pix_payment.refresh_from_db()
    assert pix_payment.status == Payment.Status.PENDING


def test_the_longest_event_id_is_taken(client, pix_payment, django_capture_on_commit_callbacks):
    event_id = "e" * EVENT_ID_MAX_LENGTH
    with django_capture_on_commit_callbacks(execute=True):
        response = post_payment_notice(client, payment_notice(event_id))
    assert (response.status_code, response.json()) == (200, {"received": event_id})


def test_event_ids_fit_the_columns_that_store_them():
    assert WebhookEvent._meta.get_field("event_id").max_length == EVENT_ID_MAX_LENGTH
    assert TrackingEvent._meta.get_field("event_id").max_length == EVENT_ID_MAX_LENGTH


def tracking_notice(code: str, *, event_id: str = "evt-1", **extra) -> bytes:
    data = {"tracking_code": code, "kind": "in_transit", "at": "2026-12-01T10:00:00-03:00"}
    return json.dumps({"id": event_id, "type": "tracking", "data": {**data, **extra}}).encode()


@pytest.mark.parametrize(
    "notice",
    [
        {"description": f"Objeto em trânsito{NUL}"},
        {"location": f"CDD{LONE_SURROGATE}"},
        {"event_id": f"evt{NUL}"},
        {"event_id": "e" * (EVENT_ID_MAX_LENGTH + 1)},
        {"tracking_code": f"SX473124829BR{NUL}"},
    ],
    ids=["description with NUL", "location with a surrogate", "event id with NUL", "long event id", "code"],
)
def test_a_signed_tracking_notice_the_database_cannot_store_is_refused_and_changes_nothing(
    client, django_capture_on_commit_callbacks, notice
):
    # given
    shipment = shipment_row(tracking_code="SX473124829BR")
    code = notice.pop("tracking_code", shipment.tracking_code)
    body = tracking_notice(code, **notice)
    signature = signature_header(body=body, secret=settings.STORE_CARRIER_WEBHOOK_SECRETS["sandbox"])
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("logistics:tracking-webhook", kwargs={"carrier": "sandbox"}),
            data=body,
            content_type="application/json",
            HTTP_X_SIGNATURE=signature,
        )
    # then
    assert (response.status_code, response.json()) == (400, {"error": "malformed notice"})
    assert callbacks == []
    assert not WebhookEvent.objects.exists() and not TrackingEvent.objects.exists()
    shipment.refresh_from_db()
    assert shipment.status == "shipped"


def test_a_multipart_post_to_a_webhook_is_refused_not_crashed(client):
    response = client.post(
        reverse("payments:payment-webhook", kwargs={"provider": "sandbox"}), {"id": f"evt{NUL}"}
    )
    assert response.status_code == 400
