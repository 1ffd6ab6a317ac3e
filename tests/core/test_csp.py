"""The Content-Security-Policy: every page type is served with the strict policy, and no
template carries code the policy would refuse."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import path, reverse

from backoffice.roles import Role
from backoffice.urls import STAFF_URLS
from core.actor import Actor
from inventory.services import stock_receive
from logistics.models import CarrierService, PickList, ShippingRate
from orders.models import Order
from orders.selectors import order_access_token
from tests.accounts.factories import UserFactory
from tests.backoffice.test_access import POST_ONLY
from tests.catalog.factories import CategoryFactory, ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.logistics.factories import shipped_order, validated_order
from tests.orders.factories import BUYER

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.status_code} {response.get('Content-Type')} has no Content-Security-Policy"
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def assert_strict(response, status: int = 200) -> None:
    assert response.status_code == status
    policy = policy_of(response)
    assert policy == STRICT
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]


@pytest.fixture
def product():
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC", position=1)
    ShippingRate.objects.create(service=pac, max_weight_grams=30000, price=Decimal("30.00"), days=9)
    product = ProductFactory(
        name="Luminária de mesa", price=Decimal("100.00"), stock=0, category=CategoryFactory()
    )
    stock_receive(
        variant_id=product.variants.get().pk,
        warehouse=WarehouseFactory(),
        quantity=5,
        actor=Actor.job("test"),
    )
    return product


def test_catalog_pages_send_the_policy_fresh_and_from_the_page_cache(client, product):
    for url in (
        reverse("catalog:home"),
        product.category.get_absolute_url(),
        product.get_absolute_url(),
        reverse("catalog:search") + "?q=luminaria",
    ):
        assert_strict(client.get(url))
        cached = client.get(url)
        assert cached["X-Cache"] == "hit"
        assert_strict(cached)


def test_cart_checkout_steps_and_the_guests_order_pages_send_the_policy(client, product):
    variant = product.variants.get()
    assert_strict(client.get(reverse("cart:cart-detail")))
    client.post(reverse("cart:cart-add"), {"variant": variant.pk, "quantity": 1})
    assert_strict(client.get(reverse("cart:mini-cart"), HTTP_HX_REQUEST="true"))
    assert_strict(client.get(reverse("cart:cart-detail")))
    assert_strict(client.get(reverse("checkout:checkout-details")))
    details = {
        "email": BUYER.email,
        "full_name": BUYER.full_name,
        "cpf": "529.982.247-25",
        "phone": BUYER.phone,
        "cep": "69005-070",
        "street": BUYER.street,
        "street_number": BUYER.street_number,
        "district": BUYER.district,
        "city": BUYER.city,
        "state": BUYER.state,
    }
    assert client.post(reverse("checkout:checkout-details"), details).status_code == 302
    assert_strict(client.get(reverse("checkout:checkout-payment")))
    response = client.post(reverse("checkout:checkout-payment"), {"delivery": "pac", "method": "boleto"})
    assert response.status_code == 302
    review = client.get(reverse("checkout:checkout-review"))
    assert_strict(review)

    placed = client.post(
        reverse("checkout:checkout-review"), {"expected_total": review.context["quote"].totals.grand}
    )
    assert placed.status_code == 302
    assert_strict(client.get(placed.url))
    order = Order.objects.get()
    token = order_access_token(order=order)
    assert_strict(client.get(reverse("checkout:order-boleto", args=[order.number]), {"t": token}))
    assert_strict(client.get(reverse("checkout:order-track", args=[order.number]), {"t": token}))


def test_account_pages_send_the_policy(client, product):
    assert_strict(client.get(reverse("accounts:login")))
    assert_strict(client.get(reverse("accounts:user-sign-up")))
    customer = UserFactory()
    client.force_login(customer)
    assert_strict(client.get(reverse("accounts:account-detail")))
    assert_strict(client.get(reverse("checkout:order-list")))
    assert_strict(client.get(reverse("catalog:home")))  # signed in: never from the page cache


def test_a_customers_own_order_page_sends_the_policy(client, django_capture_on_commit_callbacks):
    customer = UserFactory()
    order = validated_order(django_capture_on_commit_callbacks, customer=customer)
    client.force_login(customer)
    assert_strict(client.get(reverse("checkout:order-detail", args=[order.number])))


LIST_PAGES = [
    name for route, _view, name, _permission in STAFF_URLS if "<" not in route and name not in POST_ONLY
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_every_back_office_list_page_sends_the_policy(staff_client, name):
    WarehouseFactory()  # the logistics queues show one warehouse's work
    assert_strict(staff_client(Role.MANAGER).get(reverse(f"backoffice:{name}")))


def test_back_office_detail_pages_and_printable_documents_send_the_policy(
    client, staff_client, django_capture_on_commit_callbacks
):
    assert_strict(client.get(reverse("backoffice:login")))
    shipment = shipped_order(django_capture_on_commit_callbacks)
    client = staff_client(Role.MANAGER)
    number = {"number": shipment.number}
    for url in (
        reverse("backoffice:order-workspace", kwargs={"number": shipment.order.number}),
        reverse("backoffice:stock-item", kwargs={"variant_id": shipment.order.lines.get().variant_id}),
        reverse("backoffice:pick-list", kwargs={"number": PickList.objects.get().number}),
        reverse("backoffice:shipment-detail", kwargs=number),
        reverse("backoffice:shipment-label", kwargs=number),
        reverse("backoffice:shipment-invoice", kwargs=number),
    ):
        assert_strict(client.get(url))


def test_the_admin_sends_the_same_policy(admin_client, product):
    assert_strict(admin_client.get(reverse("admin:index")))
    assert_strict(admin_client.get(reverse("admin:catalog_product_changelist")))
    assert_strict(admin_client.get(reverse("admin:catalog_product_add")))
    assert_strict(admin_client.get(reverse("admin:catalog_product_change", args=[product.pk])))
    admin_client.logout()
    assert_strict(admin_client.get(reverse("admin:login")))


def test_error_pages_send_the_policy(client, staff_client):
    assert_strict(client.get("/nao-existe/"), status=404)
    warehouse_staff = staff_client(Role.WAREHOUSE)
    assert_strict(warehouse_staff.get(reverse("backoffice:customer-list")), status=403)
    missing_shipment = reverse("backoffice:shipment-detail", kwargs={"number": "SH-000000"})
    assert_strict(warehouse_staff.get(missing_shipment), status=404)


def failing_view(request):
    raise RuntimeError("the page broke")


urlpatterns = [path("broken/", failing_view)]


@pytest.mark.urls(__name__)
def test_the_server_error_page_sends_the_policy(client):
    client.raise_request_exception = False
    assert_strict(client.get("/broken/"), status=500)


# What the policy refuses: inline <script> blocks (a JSON data block is not run), inline
# event handlers, htmx's hx-on (evaluated like eval), javascript: URLs, <style> elements
# and style attributes. Emails are not pages: mail clients need their inline styles.
REFUSED = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|\son[a-z]+\s*="
    r"|\s(?:data-)?hx-on"
    r"|javascript:"
    r"|<style\b"
    r"|\sstyle\s*=",
    re.IGNORECASE,
)


def page_templates() -> list[Path]:
    roots = [Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]]
    return [
        template
        for root in roots
        for template in sorted(root.rglob("*.html"))
        if "notifications/email" not in template.as_posix()
    ]


def test_no_page_template_holds_code_the_policy_refuses():
    templates = page_templates()
    assert len(templates) > 50
    offences = [
        f"{template}: {match.group(0).strip()}"
        for template in templates
        for match in REFUSED.finditer(template.read_text())
    ]
    assert offences == []
