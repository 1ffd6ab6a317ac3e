import pytest
from django.db import transaction

from orders.adapters.base import GatewayUnavailable
from orders.adapters.sandbox import SandboxGateway
from orders.models import Payment
from orders.services.cancellation import order_cancel_by_customer
from orders.services.payments import payment_start
from orders.tasks import payment_charge_cancel
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_withdrawing_a_charge_runs_on_the_payments_queue(settings):
    assert settings.CELERY_TASK_ROUTES[payment_charge_cancel.name] == {"queue": "payments"}


def test_a_provider_that_cannot_be_reached_is_asked_again_and_the_charge_stays_open_for_the_reconciler(
    monkeypatch,
):
    # given: a cancelled order whose Pix the provider cannot be reached to withdraw
    monkeypatch.setitem(payment_charge_cancel.app.conf, "task_eager_propagates", False)
    order = OrderFactory()
    payment = payment_start(order_id=order.pk, method=Payment.Method.PIX)
    with transaction.atomic():
        order_cancel_by_customer(order_id=order.pk, customer=None)
    attempts = []

    def unreachable(self, *, reference, idempotency_key):
        attempts.append(idempotency_key)
        raise GatewayUnavailable("down")

    monkeypatch.setattr(SandboxGateway, "cancel_charge", unreachable)
    # when
    result = payment_charge_cancel.apply(kwargs={"payment_id": payment.pk})
    # then
    assert result.failed()
    assert attempts == [f"cancel:{payment.pk}"] * (payment_charge_cancel.max_retries + 1)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
