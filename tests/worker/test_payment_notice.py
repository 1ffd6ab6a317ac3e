import json

import pytest
from django.urls import reverse

from core.actor import Actor
from inbox.signatures import signature_header
from inventory.models import Reservation
from inventory.services import stock_receive, stock_reserve
from orders.models import Order, Payment
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import OrderFactory
from tests.worker.test_welcome_email import wait_for, wait_for_emails

pytestmark = [pytest.mark.worker, pytest.mark.postgres]


def test_a_real_worker_confirms_a_boleto_from_its_signed_clearing_notice(celery_worker_process, client):
    outbox = celery_worker_process
    variant = ProductFactory(stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=3, actor=Actor.job("test"))
    order = OrderFactory(language="en")
    stock_reserve(lines=[(variant.pk, 1)], reference=f"order:{order.pk}", actor=Actor.job("test"))
    Payment.objects.create(
        order=order,
        method=Payment.Method.BOLETO,
        amount=order.grand_total,
        gateway="sandbox",
        gateway_reference="bol_w1",
    )
    body = json.dumps(
        {"id": "evt_clearing_1", "type": "charge.paid", "data": {"reference": "bol_w1"}}
    ).encode()

    response = client.post(
        reverse("payments:payment-webhook", kwargs={"provider": "sandbox"}),
        data=body,
        content_type="application/json",
        HTTP_X_SIGNATURE=signature_header(body=body, secret="whsec_test"),
    )

    assert response.status_code == 200
    paid = wait_for(lambda: Order.objects.filter(pk=order.pk, status=Order.Status.VALIDATED).first())
    assert paid.payments.get().status == Payment.Status.PAID
    assert Reservation.objects.get().status == Reservation.Status.ALLOCATED
    message = wait_for_emails(outbox)[0]
    assert f"To: {order.email}" in message
    assert f"Subject: Payment confirmed for order {order.number}" in message
