"""Every back-office URL: anonymous visitors log in, customers and wrong roles get 403."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import ROLE_PERMISSIONS, Role
from backoffice.urls import URL_PERMISSIONS
from exports.models import FeedEvent
from inventory.models import StockCount, Transfer
from logistics.models import PickList
from orders.models import Order, Refund
from returns.models import ReturnPhoto, ReturnRequest
from storefront.accounts.erasure import erasure_request_create
from support.services.chat import chat_start
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory, purchase_order
from tests.logistics.factories import shipment_row, warehouse
from tests.notifications.factories import NotificationFactory
from tests.orders.factories import OrderFactory, sandbox_pix
from tests.recovery.factories import lost_order
from tests.reviews.factories import review_row
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db

POST_ONLY = {
    "notification-retry": {},
    "feed-event-retry": {},
    "sandbox-payment-notify": {"action": "pay"},
    "purchase-order-close": {},
    "stock-count-apply": {"action": "apply"},
    "transfer-update": {"action": "cancel"},
    "order-act": {"action": "note", "seen": "2026-01-01T00:00:00Z", "text": "looked"},
    "shipment-dispatch": {},
    "login-lock-release": {"username": "cliente@example.com.br"},
    "role-policy-update": {"two_factor_roles": []},
    "two-factor-remove": {},
    "support-bulk": {"action": "take"},
    "ticket-reply": {"body": "Olá", "status_after": "waiting_customer"},
    "ticket-triage-correct": {"topic": "delivery", "urgency": "normal"},
    "ticket-note": {"body": "Cliente ligou."},
    "ticket-act": {"action": "take"},
    "chat-say": {"body": "Olá!"},
    "chat-close": {},
    "return-approve": {"note": "ok"},
    "return-reject": {"note": "Fora do prazo."},
    "return-exchange-ship-now": {},
    "refund-retry": {},
    "review-moderate": {"decision": "approve"},
    "purchasing-update": {"expected_on": "2030-01-01"},
    "purchasing-line-add": {"q": "SKU", "quantity": 1},
    "purchasing-line-update": {"line": 1, "action": "remove"},
    "purchasing-send": {},
    "purchasing-cancel": {},
    "purchasing-from-reorder": {},
    "telesales-payment-send": {},
    "erasure-request-carry-out": {},
    "erasure-request-refuse": {"reason": "Pedido de outra pessoa."},
    "customer-marketing-consent": {"channel": "email", "action": "withdraw"},
}
# Purchase order pages, given a sent order (refused as no longer a draft, back to its page).
PURCHASING_ORDER_URLS = (
    "purchasing-detail",
    "purchasing-update",
    "purchasing-line-add",
    "purchasing-line-update",
    "purchasing-send",
    "purchasing-cancel",
)
TICKET_URLS = (
    "ticket-desk-detail",
    "ticket-viewers",
    "ticket-macro",
    "ticket-reply",
    "ticket-note",
    "ticket-act",
    "ticket-triage-correct",
)


RETURN_URLS = (
    "return-detail",
    "return-approve",
    "return-reject",
    "return-inspect",
    "return-exchange-ship-now",
)


def return_row() -> ReturnRequest:
    """A return request row already decided, so that a permitted action is refused by the
    service and comes back to its page."""
    order = OrderFactory()
    return ReturnRequest.objects.create(
        number=f"{order.number}-D1",
        order=order,
        status=ReturnRequest.Status.REJECTED,
        reason=ReturnRequest.Reason.DEFECT,
        resolution=ReturnRequest.Resolution.REFUND,
    )


def failed_refund() -> Refund:
    """A refund row the provider failed to make."""
    return Refund.objects.create(
        order=OrderFactory(),
        source="return:access",
        method=Refund.Method.STORE_CREDIT,
        amount=Decimal("10.00"),
        status=Refund.Status.FAILED,
        last_error="GatewayUnavailable",
    )


def open_count() -> StockCount:
    return StockCount.objects.create(warehouse=WarehouseFactory(), created_by="job:test")


def url_for(name: str) -> str:
    """The URL, with whatever object it acts on made for it."""
    pk = {
        "notification-retry": lambda: NotificationFactory(failed=True).pk,
        "sandbox-payment-notify": lambda: sandbox_pix().pk,
        "refund-retry": lambda: failed_refund().pk,
        "feed-event-retry": lambda: (
            FeedEvent.objects.create(
                order=OrderFactory(),
                kind="order.paid",
                source="access",
                occurred_at=timezone.now(),
                status="failed",
            ).pk
        ),
        "review-moderate": lambda: review_row().pk,
        "recovery-call-detail": lambda: lost_order(order=OrderFactory()).pk,
        "purchase-order-receive": lambda: purchase_order().pk,
        "purchase-order-close": lambda: purchase_order().pk,
        "stock-count-detail": lambda: (
            StockCount.objects.create(warehouse=WarehouseFactory(), created_by="t").pk
        ),
        "stock-count-apply": lambda: (
            StockCount.objects.create(warehouse=WarehouseFactory(), created_by="t").pk
        ),
        "transfer-update": lambda: (
            Transfer.objects.create(
                source=WarehouseFactory(), destination=WarehouseFactory(shop=True), created_by="t"
            ).pk
        ),
    }
    pk.update({purchasing: lambda: purchase_order().pk for purchasing in PURCHASING_ORDER_URLS})
    if name == "telesales-customer-fill":
        return reverse(f"backoffice:{name}", kwargs={"pk": UserFactory().pk})
    if name in ("telesales-placed", "telesales-payment-send"):
        order = OrderFactory(channel=Order.Channel.TELESALES)
        return reverse(f"backoffice:{name}", kwargs={"number": order.number})
    if name in pk:
        return reverse(f"backoffice:{name}", kwargs={"pk": pk[name]()})
    if name == "pick-list":
        pick_list = PickList.objects.create(number="SEP-000001", warehouse=warehouse(), created_by="job:test")
        return reverse(f"backoffice:{name}", kwargs={"number": pick_list.number})
    if name in ("pick-queue", "pack-queue"):
        warehouse()
    if name == "pack-order":
        warehouse()
        return reverse(f"backoffice:{name}", kwargs={"number": OrderFactory().number})
    if name in ("shipment-dispatch", "shipment-detail", "shipment-label", "shipment-invoice"):
        return reverse(f"backoffice:{name}", kwargs={"number": shipment_row().number})
    if name in ("order-workspace", "order-act"):
        return reverse(f"backoffice:{name}", kwargs={"number": OrderFactory().number})
    if name in ("chat-detail", "chat-say", "chat-close"):
        chat = chat_start(name="Rita", email="rita@example.com.br", body="Oi")
        return reverse(f"backoffice:{name}", kwargs={"pk": chat.pk})
    if name.startswith("erasure-request-") and name != "erasure-request-list":
        erasure = erasure_request_create(user=UserFactory())
        return reverse(f"backoffice:{name}", kwargs={"pk": erasure.pk})
    if name in ("customer-detail", "customer-marketing-consent"):
        return reverse(f"backoffice:{name}", kwargs={"pk": UserFactory().pk})
    if name in TICKET_URLS:
        return reverse(f"backoffice:{name}", kwargs={"protocol": open_ticket().protocol})
    if name in RETURN_URLS:
        return reverse(f"backoffice:{name}", kwargs={"number": return_row().number})
    if name == "return-photo":
        photo = ReturnPhoto(request=return_row(), name="foto.png", content_type="image/png", size=4)
        photo.file.save("foto", ContentFile(b"\x89PNG"), save=True)
        return reverse(f"backoffice:{name}", kwargs={"number": photo.request.number, "pk": photo.pk})
    if name == "kpi-section":
        return reverse(f"backoffice:{name}", kwargs={"section": "sales"})
    if name == "stock-item":
        return reverse(f"backoffice:{name}", kwargs={"variant_id": ProductFactory().variants.get().pk})
    return reverse(f"backoffice:{name}")


def request(client, name: str):
    url = url_for(name)
    return client.post(url, POST_ONLY[name]) if name in POST_ONLY else client.get(url)


def role_with(permission: str | None) -> str:
    return next(role for role, perms in ROLE_PERMISSIONS.items() if permission is None or permission in perms)


def role_without(permission: str) -> str:
    return next(role for role, perms in ROLE_PERMISSIONS.items() if permission not in perms)


@pytest.mark.parametrize("name", URL_PERMISSIONS)
def test_anonymous_visitors_are_sent_to_the_staff_login(client, name):
    response = request(client, name)
    assert response.status_code == 302
    assert response.url.startswith(reverse("backoffice:login"))


@pytest.mark.parametrize("name", URL_PERMISSIONS)
def test_customers_are_refused(client, customer, name):
    client.force_login(customer)
    assert request(client, name).status_code == 403


@pytest.mark.parametrize("name", [name for name, permission in URL_PERMISSIONS.items() if permission])
def test_a_wrong_role_is_refused(staff_client, name):
    assert request(staff_client(role_without(URL_PERMISSIONS[name])), name).status_code == 403


@pytest.mark.parametrize("name", URL_PERMISSIONS)
def test_the_right_role_gets_in(staff_client, name):
    response = request(staff_client(role_with(URL_PERMISSIONS[name])), name)
    assert response.status_code == (302 if name in POST_ONLY else 200)


def test_staff_without_any_role_see_an_empty_home(staff_client):
    response = staff_client().get(reverse("backoffice:home"))
    assert response.status_code == 200
    assert response.context["areas"] == []


def test_warehouse_staff_do_not_see_customer_areas(staff_client):
    response = staff_client(Role.WAREHOUSE).get(reverse("backoffice:home"))
    assert reverse("backoffice:customer-list") not in response.content.decode()
