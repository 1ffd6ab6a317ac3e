import json
import random

import pytest
from django.core import mail
from django.urls import reverse

from core.actor import Actor
from inbox.models import WebhookEvent
from inbox.services import notice_apply, notices_reconcile
from inbox.signatures import signature_header
from inventory.models import Reservation, StockLevel
from inventory.services import stock_receive, stock_reserve
from orders.models import Order, Payment
from support.notifications.models import Notification
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

SECRET = "whsec_test"
URL = reverse("payments:payment-webhook", kwargs={"provider": "sandbox"})


@pytest.fixture
def payment():
    """A boleto waiting for its clearing notice, for an order holding two units."""
    variant = ProductFactory(stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=5, actor=Actor.job("test"))
    order = OrderFactory()
    stock_reserve(lines=[(variant.pk, 2)], reference=f"order:{order.pk}", actor=Actor.job("test"))
    return Payment.objects.create(
        order=order,
        method=Payment.Method.BOLETO,
        amount=order.grand_total,
        gateway="sandbox",
        gateway_reference="bol_123",
    )


def notice(event_id="evt_1", kind="charge.paid", reference="bol_123") -> bytes:
    return json.dumps({"id": event_id, "type": kind, "data": {"reference": reference}}).encode()


def post(client, body: bytes, *, secret=SECRET, header=None, execute=None):
    header = header if header is not None else signature_header(body=body, secret=secret)
    return client.post(URL, data=body, content_type="application/json", HTTP_X_SIGNATURE=header)


def test_a_paid_notice_pays_the_order_once_and_keeps_its_stock(
    client, payment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, notice())
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert Order.objects.get().status == Order.Status.VALIDATED  # paid, then validated by the risk analysis
    assert Reservation.objects.get().status == Reservation.Status.ALLOCATED
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.APPLIED


@pytest.mark.parametrize("seed", [1, 7])
def test_five_deliveries_in_random_order_decide_once(
    client, payment, django_capture_on_commit_callbacks, seed
):
    deliveries = [notice("evt_paid")] * 3 + [notice("evt_late_expiry", kind="charge.expired")] * 2
    random.Random(seed).shuffle(deliveries)
    first = json.loads(deliveries[0])["id"]
    with django_capture_on_commit_callbacks(execute=True):
        for body in deliveries:
            assert post(client, body).status_code == 200
    order = Order.objects.get()
    payment.refresh_from_db()
    assert WebhookEvent.objects.count() == 2
    statuses = dict(WebhookEvent.objects.values_list("event_id", "status"))
    if first == "evt_paid":  # paid, so the expiry that came later changes nothing
        assert statuses == {
            "evt_paid": WebhookEvent.Status.APPLIED,
            "evt_late_expiry": WebhookEvent.Status.IGNORED,
        }
        assert order.status == Order.Status.VALIDATED
        [email] = mail.outbox  # one message, for the notice that decided
        assert order.number in email.subject
    else:  # expired and cancelled, so the money that came later goes back
        assert set(statuses.values()) == {WebhookEvent.Status.APPLIED}
        assert (order.status, payment.status) == (Order.Status.CANCELLED, Payment.Status.REFUNDED)
        assert len(mail.outbox) == 2  # the cancellation, then the money that came back
        assert list(Notification.objects.order_by("pk").values_list("kind", flat=True)) == [
            Notification.Kind.PAYMENT_EXPIRED,
            Notification.Kind.LATE_PAYMENT_REFUND,
        ]
    assert order.events.filter(to_status__in=[Order.Status.PAID, Order.Status.CANCELLED]).count() == 1


def test_the_paid_notice_tells_the_customer_once(client, payment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            post(client, notice())
    [email] = mail.outbox
    assert email.subject == f"Pagamento confirmado do pedido {payment.order.number}"
    assert email.alternatives[0][1] == "text/html"


def test_an_expiry_notice_cancels_the_order_and_frees_its_stock(
    client, payment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, notice(kind="charge.expired"))
    assert Order.objects.get().status == Order.Status.CANCELLED
    assert StockLevel.objects.get().reserved == 0
    [email] = mail.outbox
    restore = reverse("cart:cart-restore", kwargs={"number": payment.order.number})
    assert f"http://testserver{restore}?t=" in email.body


@pytest.mark.parametrize(
    ("body", "header", "status"),
    [
        (notice(), "t=1,v1=deadbeef", 400),  # bad signature
        (notice(), signature_header(body=notice(), secret=SECRET, timestamp=1_000_000_000), 400),  # replayed
        (b"{not json", None, 400),
        (notice(kind="charge.refunded"), None, 400),  # unknown kind
        (notice(reference="bol_unknown"), None, 404),
    ],
)
def test_bad_notices_get_4xx_and_change_nothing(client, payment, body, header, status):
    assert post(client, body, header=header).status_code == status
    assert not WebhookEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_an_unknown_provider_is_not_found(client):
    body = notice()
    response = client.post(
        reverse("payments:payment-webhook", kwargs={"provider": "other"}),
        data=body,
        content_type="application/json",
        HTTP_X_SIGNATURE=signature_header(body=body, secret=SECRET),
    )
    assert response.status_code == 404


def test_the_reconciler_applies_notices_a_worker_never_got(client, payment):
    post(client, notice())  # stored, but the on-commit task never ran
    WebhookEvent.objects.update(created_at="2026-01-01T00:00:00Z")
    assert notices_reconcile() == 1  # eager in tests: applied right away
    assert Order.objects.get().status == Order.Status.PAID
    assert notice_apply(event_id=WebhookEvent.objects.get().pk).status == WebhookEvent.Status.APPLIED


def test_a_paid_notice_for_an_authorised_card_is_ignored_not_retried_forever(
    client, payment, django_capture_on_commit_callbacks
):
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.AUTHORISED, method=Payment.Method.CARD)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, notice()).status_code == 200
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.IGNORED
    assert Order.objects.get().status == Order.Status.AWAITING_PAYMENT
