"""What the messages about an order tell the customer, word for word."""

import pytest
from django.core import mail

from core.actor import Actor
from orders.models import Payment
from orders.services.cancellation import order_cancel_by_customer, order_cancel_by_staff
from orders.services.payments import payment_start
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_the_customer_who_cancelled_is_told_they_did(django_capture_on_commit_callbacks):
    order = OrderFactory(language="en")
    payment_start(order_id=order.pk, method=Payment.Method.PIX)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_customer(order_id=order.pk, customer=None)
    [email] = mail.outbox
    assert email.subject == f"Order {order.number} was cancelled"
    assert f"You cancelled order {order.number}: this email confirms it." in email.body
    assert "We could not confirm" not in email.body
    assert (
        "Please do not pay the Pix code of this order: we are cancelling it with the bank. Nothing was "
        "charged, and if a payment still arrives we give it back in full."
    ) in email.body


def test_an_order_the_store_cancelled_says_the_store_did(django_capture_on_commit_callbacks):
    order = OrderFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("test"), note="endereço inexistente")
    [email] = mail.outbox
    assert f"We could not confirm order {order.number} and had to cancel it." in email.body
    assert "You cancelled" not in email.body
    assert "Nothing was charged." in email.body
