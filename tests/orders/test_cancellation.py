"""Cancelling, whoever asks: stock back, money back, customer told, reason kept, sale kept for recovery."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from core.actor import Actor
from inbox.exceptions import NoticeRejected
from inbox.models import WebhookEvent
from inbox.signatures import signature_header
from inventory.models import Reservation
from orders.adapters.base import GatewayUnavailable, SettlementInProgress
from orders.adapters.sandbox import PAID_NOTICE, SandboxGateway, sandbox_charge_settle
from orders.exceptions import PaymentNotAllowed
from orders.models import Order, Payment, RecoveryOpportunity, SandboxCharge
from orders.selectors import order_access_token
from orders.services.cancellation import order_cancel_by_customer, order_cancel_by_staff
from orders.services.notices import PAID, sandbox_notice_deliver
from orders.services.payments import (
    WITHDRAW_AFTER,
    payment_capture,
    payment_charge_cancel,
    payment_reverse,
    payment_start,
    payments_expire,
    payments_settle_reconcile,
)
from storefront.cart.models import Cart
from storefront.cart.services import cart_add, cart_create, carts_abandoned_record
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.orders.factories import OrderFactory
from tests.orders.test_risk import paid_by_card

pytestmark = pytest.mark.django_db


def test_a_customer_cancels_their_paid_order_and_gets_everything_back(
    client, django_capture_on_commit_callbacks
):
    customer = UserFactory()
    order, payment = paid_by_card()
    Order.objects.filter(pk=order.pk).update(customer=customer)
    client.force_login(customer)
    page = client.get(reverse("checkout:order-detail", args=[order.number])).content.decode()
    assert 'data-testid="cancel-order"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("checkout:order-cancel", args=[order.number]))
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, order.cancel_reason) == (Order.Status.CANCELLED, Order.CancelReason.CUSTOMER)
    assert payment.status == Payment.Status.VOIDED
    assert not Reservation.objects.filter(status__in=["active", "allocated"]).exists()
    assert order.events.get(to_status=Order.Status.CANCELLED).actor == f"customer:{customer.email}"
    assert mail.outbox[-1].subject == f"Pedido {order.number} foi cancelado"
    assert RecoveryOpportunity.objects.get().kind == RecoveryOpportunity.Kind.CANCELLED_ORDER


def test_nobody_else_cancels_a_customers_order(client):
    order = OrderFactory(customer=UserFactory())
    client.force_login(UserFactory())
    assert client.post(reverse("checkout:order-cancel", args=[order.number])).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT


def test_a_shipped_order_is_no_longer_cancelled_by_the_customer(client):
    customer = UserFactory()
    order = OrderFactory(customer=customer, status=Order.Status.SHIPPED)
    client.force_login(customer)
    response = client.post(reverse("checkout:order-cancel", args=[order.number]), follow=True)
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert response.context["messages"]


def test_money_arriving_for_a_cancelled_order_goes_back(client, django_capture_on_commit_callbacks):
    order = OrderFactory()
    payment = payment_start(order_id=order.pk, method=Payment.Method.PIX)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("checkout:order-cancel", args=[order.number]), {"t": _token(order)})
    body = json.dumps(
        {"id": "evt_late", "type": "charge.paid", "data": {"reference": payment.gateway_reference}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("payments:payment-webhook", kwargs={"provider": "sandbox"}),
            data=body.encode(),
            content_type="application/json",
            HTTP_X_SIGNATURE=signature_header(body=body.encode(), secret="whsec_test"),
        )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.APPLIED
    assert Order.objects.get().status == Order.Status.CANCELLED


def _token(order):
    return order_access_token(order=order)


def test_customers_carts_left_for_a_day_are_recorded_once():
    customer = UserFactory()
    cart = cart_create(customer=customer)
    variant = ProductFactory(stock=5, price=30).variants.get()
    cart_add(cart_id=cart.pk, variant_id=variant.pk, quantity=2)
    cart_create()  # a guest's cart: nobody to write to
    Cart.objects.update(updated_at=timezone.now() - timedelta(days=2))
    assert carts_abandoned_record() == 1
    assert carts_abandoned_record() == 0
    recovery = RecoveryOpportunity.objects.get()
    assert (recovery.email, recovery.value, recovery.cart_token) == (customer.email, 60, cart.token)


def test_staff_cancel_with_a_reason(staff_client, django_capture_on_commit_callbacks):
    order, _payment = paid_by_card()
    client = staff_client(Role.ORDER_ANALYST)
    act = reverse("backoffice:order-act", kwargs={"number": order.number})
    order.refresh_from_db()
    client.post(act, {"action": "cancel", "seen": order.updated_at.isoformat(), "text": ""})
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            act,
            {"action": "cancel", "seen": order.updated_at.isoformat(), "text": "cliente pediu por telefone"},
        )
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (Order.Status.CANCELLED, Order.CancelReason.STAFF)
    assert order.events.get(to_status=Order.Status.CANCELLED).actor.startswith("staff:")


def test_expiring_payments_skips_past_a_cancelled_orders_pending_pix(
    client, django_capture_on_commit_callbacks
):
    cancelled, waiting = OrderFactory(), OrderFactory()
    stale = payment_start(order_id=cancelled.pk, method=Payment.Method.PIX)
    other = payment_start(order_id=waiting.pk, method=Payment.Method.PIX)
    with django_capture_on_commit_callbacks(execute=False):  # its withdrawal never reached the provider
        client.post(reverse("checkout:order-cancel", args=[cancelled.number]), {"t": _token(cancelled)})
    Payment.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert payments_expire() == 2
    assert set(Payment.objects.values_list("pk", "status")) == {
        (stale.pk, Payment.Status.EXPIRED),
        (other.pk, Payment.Status.EXPIRED),
    }


def test_the_emails_link_does_not_cancel_an_account_holders_order(client):
    order = OrderFactory(customer=UserFactory())
    response = client.post(reverse("checkout:order-cancel", args=[order.number]), {"t": _token(order)})
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT


def test_a_cancelled_orders_card_is_voided_not_captured_and_waits_for_a_capture_in_flight():
    order, payment = paid_by_card()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    with pytest.raises(PaymentNotAllowed):
        payment_capture(payment_id=payment.pk)
    Payment.objects.filter(pk=payment.pk).update(settlement="capture")
    with pytest.raises(SettlementInProgress):
        payment_reverse(payment_id=payment.pk)


def test_lost_captures_and_reversals_are_enqueued_again():
    validated, validated_payment = paid_by_card()
    cancelled, cancelled_payment = paid_by_card()
    Order.objects.filter(pk=validated.pk).update(status=Order.Status.VALIDATED)
    Order.objects.filter(pk=cancelled.pk).update(status=Order.Status.CANCELLED)
    Payment.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    assert payments_settle_reconcile() == 2  # eager in tests: both run now
    validated_payment.refresh_from_db()
    cancelled_payment.refresh_from_db()
    assert (validated_payment.status, cancelled_payment.status) == (
        Payment.Status.PAID,
        Payment.Status.VOIDED,
    )


# Pix codes and boletos of cancelled orders


def test_a_customer_cancelling_an_unpaid_pix_order_withdraws_the_code_at_the_provider(
    client, django_capture_on_commit_callbacks
):
    # given
    order = OrderFactory()
    payment = payment_start(order_id=order.pk, method=Payment.Method.PIX)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("checkout:order-cancel", args=[order.number]), {"t": _token(order)})
    # then
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    charge = SandboxCharge.objects.get(reference=payment.gateway_reference)
    assert (charge.cancel_requests, charge.paid_at) == (1, None) and charge.cancelled_at is not None
    with pytest.raises(NoticeRejected):  # the payer's bank refuses the withdrawn code
        sandbox_notice_deliver(payment=payment, kind=PAID)
    assert not WebhookEvent.objects.exists()


def test_staff_cancelling_an_unpaid_boleto_order_write_the_boleto_off(django_capture_on_commit_callbacks):
    order = OrderFactory()
    payment = payment_start(order_id=order.pk, method=Payment.Method.BOLETO)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("test"), note="cliente pediu por telefone")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert SandboxCharge.objects.get(reference=payment.gateway_reference).cancelled_at is not None


def test_a_withdrawal_that_never_reached_the_provider_is_made_by_the_reconciler(
    monkeypatch, django_capture_on_commit_callbacks
):
    # given: cancelled while the provider could not be reached
    order = OrderFactory()
    payment = payment_start(order_id=order.pk, method=Payment.Method.PIX)
    with django_capture_on_commit_callbacks(execute=False):
        order_cancel_by_customer(order_id=order.pk, customer=None)

    def unreachable(self, *, reference, idempotency_key):
        raise GatewayUnavailable("down")

    with monkeypatch.context() as patch:
        patch.setattr(SandboxGateway, "cancel_charge", unreachable)
        with pytest.raises(GatewayUnavailable):  # the task retries it
            payment_charge_cancel(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    # when: the reconciler runs once the cancellation is old enough
    assert payments_settle_reconcile() == 0
    assert payments_settle_reconcile(now=timezone.now() + WITHDRAW_AFTER + timedelta(seconds=1)) == 1
    # then
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert SandboxCharge.objects.get(reference=payment.gateway_reference).cancelled_at is not None


def test_a_pix_paid_just_before_its_withdrawal_is_refunded_and_the_late_notice_changes_nothing(
    client, django_capture_on_commit_callbacks
):
    # given: the payer paid a moment before the cancellation; the provider's notice is on its way
    order = OrderFactory(language="en")
    payment = payment_start(order_id=order.pk, method=Payment.Method.PIX)
    sandbox_charge_settle(reference=payment.gateway_reference, kind=PAID_NOTICE)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_customer(order_id=order.pk, customer=None)
    # then
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.REFUNDED, payment.amount)
    assert payment.refunded_at is not None
    assert SandboxCharge.objects.get(reference=payment.gateway_reference).refunded_amount == payment.amount
    assert [email.subject for email in mail.outbox] == [
        f"Order {order.number} was cancelled",
        f"Order {order.number}: your payment arrived after the cancellation and goes back to you",
    ]
    body = json.dumps(
        {"id": "evt_paid", "type": "charge.paid", "data": {"reference": payment.gateway_reference}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("payments:payment-webhook", kwargs={"provider": "sandbox"}),
            data=body.encode(),
            content_type="application/json",
            HTTP_X_SIGNATURE=signature_header(body=body.encode(), secret="whsec_test"),
        )
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.IGNORED
    assert len(mail.outbox) == 2


def test_money_arriving_for_a_cancelled_pix_order_is_refunded_with_the_customer_told_how_and_when(
    django_capture_on_commit_callbacks,
):
    # given: cancelled, the withdrawal still on its way to the provider
    order = OrderFactory(language="en")
    payment = payment_start(order_id=order.pk, method=Payment.Method.PIX)
    with django_capture_on_commit_callbacks(execute=False):
        order_cancel_by_customer(order_id=order.pk, customer=None)
    # when: the payer pays the code meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_notice_deliver(payment=payment, kind=PAID)
    # then
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.REFUNDED, Decimal("120.00"))
    [email] = mail.outbox
    assert (
        email.subject
        == f"Order {order.number}: your payment arrived after the cancellation and goes back to you"
    )
    paid_at = f"{timezone.localtime(payment.paid_at):%-d %b %Y, %H:%M}"  # the English format
    assert (
        f"We received R$\N{NO-BREAK SPACE}120.00 by Pix on {paid_at} for order {order.number}, which had "
        "already been cancelled. We are giving the whole amount back."
    ) in email.body
    assert "The money goes back by Pix to the account that paid, within 1 business day." in email.body


def test_a_boleto_cleared_after_its_write_off_is_refunded_with_the_customer_told_how_and_when(
    client, django_capture_on_commit_callbacks
):
    # given: staff cancelled the order and the boleto was written off
    order = OrderFactory(language="en", full_name="Ana Souza")
    payment = payment_start(order_id=order.pk, method=Payment.Method.BOLETO)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("test"), note="pedido duplicado")
    mail.outbox.clear()
    # when: the bank clears a payment made just before the write-off reached it
    body = json.dumps(
        {"id": "evt_bank", "type": "charge.paid", "data": {"reference": payment.gateway_reference}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("payments:payment-webhook", kwargs={"provider": "sandbox"}),
            data=body.encode(),
            content_type="application/json",
            HTTP_X_SIGNATURE=signature_header(body=body.encode(), secret="whsec_test"),
        )
    # then
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.REFUNDED, Decimal("120.00"))
    assert WebhookEvent.objects.get().note == "paid after cancelled: refunded"
    [email] = mail.outbox
    assert "by Boleto on" in email.body
    assert (
        "A boleto cannot be paid back automatically: reply to our email with a bank account or a Pix key "
        "in the name of Ana Souza, and the money reaches it by bank transfer within 5 business days of "
        "your reply."
    ) in email.body
