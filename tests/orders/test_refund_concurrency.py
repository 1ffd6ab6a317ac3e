"""Refunds of one order asked at the same moment never give back more than was paid."""

from decimal import Decimal

import pytest
from django.db import transaction

from core.actor import Actor
from orders.exceptions import RefundAboveRefundable
from orders.models import Payment, Refund, SandboxRefund
from orders.services import payment_capture, refund_request
from tests.checkout.test_concurrency import race
from tests.orders.factories import OrderFactory
from tests.orders.test_payment_start import pay_by_card

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_refunds_of_thirty_raced_on_an_order_of_one_hundred_twenty_make_four():
    # given: a card order of R$ 120,00, captured
    order = OrderFactory(full_name="Ana Souza", cpf="52998224725", cep="20040020", state="RJ")
    payment = payment_capture(payment_id=pay_by_card(order).pk)

    def ask(number: int) -> bool:
        try:
            with transaction.atomic():  # each made by its task once this commits
                refund_request(
                    order_id=order.pk,
                    amount=Decimal("30.00"),
                    method=Refund.Method.ORIGINAL,
                    source=f"return:{number}",
                    actor=Actor.job("test"),
                )
        except RefundAboveRefundable:
            return False
        return True

    # when
    results = race(ask, list(range(8)))
    # then
    assert results.count(True) == 4
    assert Refund.objects.filter(status=Refund.Status.DONE).count() == 4
    assert SandboxRefund.objects.count() == 4
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.REFUNDED, Decimal("120.00"))
