from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from orders.models import Order, Payment
from orders.services.payments import payment_start
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def pending(method=Payment.Method.BOLETO):
    order = OrderFactory()
    payment_start(order_id=order.pk, method=method)
    return order


def test_paying_a_boleto_sends_the_signed_notice_and_the_order_is_paid(django_capture_on_commit_callbacks):
    order = pending()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sandbox_payments", "pay", order.number, stdout=StringIO())
    order.refresh_from_db()
    assert order.status == Order.Status.VALIDATED  # paid, then validated by the risk analysis
    assert order.payments.get().status == Payment.Status.PAID


def test_expiring_a_pix_cancels_the_order(django_capture_on_commit_callbacks):
    order = pending(Payment.Method.PIX)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sandbox_payments", "expire", order.number, stdout=StringIO())
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_an_order_without_a_pending_pix_or_boleto_is_refused():
    order = OrderFactory()
    with pytest.raises(CommandError, match=f"Order {order.number} has no pending sandbox Pix or boleto."):
        call_command("sandbox_payments", "pay", order.number, stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_notice_travels_over_http_to_a_running_store(live_server):
    order = pending()
    out = StringIO()
    call_command("sandbox_payments", "pay", order.number, "--url", live_server.url, stdout=out)
    assert "HTTP 200" in out.getvalue()
    order.refresh_from_db()
    assert order.status == Order.Status.VALIDATED  # eager tasks in tests: applied on receipt
