"""A refund is made once however often its task is delivered, and whatever worker dies: a
worker killed while the provider pays leaves the refund pending; the copies still queued,
the broker delivering the dead worker's task again, or (when the broker lost them all) the
reconciler, make it with the same idempotency key, and the provider pays nothing more."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import redis
from django.db import transaction
from django.utils import timezone

from core.actor import Actor
from orders.models import Order, OrderEvent, Payment, Refund, SandboxRefund
from orders.services import refund_request, refunds_reconcile
from orders.services.refunds import RECONCILE_AFTER, refund_idempotency_key
from orders.tasks import refund_execute as refund_execute_task
from tests.orders.factories import OrderFactory
from tests.orders.test_payment_start import pay_by_card
from tests.worker.test_welcome_email import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

VISIBILITY_SECONDS = "5"
PROVIDER_SECONDS = "30"  # how long the provider takes over the first request: the worker dies meanwhile
COPIES = 3


def _paid_order() -> tuple[Order, Payment]:
    """A card order the running worker validates and captures (clean data: no review)."""
    order = OrderFactory(
        full_name="Ana Souza", cpf="52998224725", cep="20040020", city="Rio de Janeiro", state="RJ"
    )
    pay_by_card(order, installments=1)
    wait_for(lambda: Order.objects.filter(pk=order.pk, status=Order.Status.VALIDATED).exists())
    payment = wait_for(lambda: order.payments.filter(status=Payment.Status.PAID).first())
    return order, payment


def _asked_and_enqueued_again(order: Order, amount: str) -> Refund:
    with transaction.atomic():  # the first enqueue goes on commit
        refund = refund_request(
            order_id=order.pk,
            amount=Decimal(amount),
            method="original",
            source="return:1",
            actor=Actor.job("t"),
        )
    for _copy in range(COPIES - 1):
        refund_execute_task.delay(refund_id=refund.pk)
    return refund


def _killed_mid_call(worker, refund: Refund) -> None:
    wait_for(lambda: SandboxRefund.objects.filter(idempotency_key=refund_idempotency_key(refund)).exists())
    worker.kill()
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PENDING
    assert Payment.objects.get(pk=refund.payment_id).refunded_amount == Decimal("0.00")


def _made_once(order: Order, refund: Refund, amount: str) -> None:
    refund.refresh_from_db()
    assert refund.status == Refund.Status.DONE
    book = SandboxRefund.objects.get()
    assert (book.idempotency_key, book.amount) == (refund_idempotency_key(refund), Decimal(amount))
    assert book.requests == 2  # the dead worker's request, then the one that recorded it
    payment = Payment.objects.get(pk=refund.payment_id)
    assert (payment.status, payment.refunded_amount) == (Payment.Status.PARTIALLY_REFUNDED, Decimal(amount))
    assert OrderEvent.objects.filter(order=order, actor="job:refund_execute").count() == 1  # "made"


def _runs_finished(worker) -> int:
    return len(re.findall(r"orders\.refund_execute\[[^]]+\] succeeded", worker.log_path.read_text()))


def test_a_refund_delivered_several_times_whose_worker_died_mid_call_is_made_once(celery_worker):
    # given: a paid order, and a refund whose task is queued several times; the provider is slow
    celery_worker.start(
        CELERY_BROKER_VISIBILITY_TIMEOUT=VISIBILITY_SECONDS,
        STORE_SANDBOX_REFUND_DELAY_SECONDS=PROVIDER_SECONDS,
    )
    order, _payment = _paid_order()
    refund = _asked_and_enqueued_again(order, "50.00")
    # when: the worker dies while the provider pays, and another starts
    _killed_mid_call(celery_worker, refund)
    celery_worker.start(CELERY_BROKER_VISIBILITY_TIMEOUT=VISIBILITY_SECONDS)
    # then: the queued copies and the dead worker's task delivered again all run, one pays
    wait_for(lambda: _runs_finished(celery_worker) == COPIES, timeout=90)
    _made_once(order, refund, "50.00")
    assert refunds_reconcile(now=timezone.now() + RECONCILE_AFTER + timedelta(seconds=1)) == 0


def test_a_refund_whose_every_task_was_lost_with_its_worker_is_made_once_by_the_reconciler(celery_worker):
    # given: as above, the worker dies while the provider pays
    celery_worker.start(STORE_SANDBOX_REFUND_DELAY_SECONDS=PROVIDER_SECONDS)
    order, _payment = _paid_order()
    refund = _asked_and_enqueued_again(order, "70.00")
    _killed_mid_call(celery_worker, refund)
    # and the broker loses every copy of the task (restarted without its data)
    redis.Redis.from_url(celery_worker.broker_url).flushdb()
    celery_worker.start()
    # when: the reconciler finds the refund stuck
    assert refunds_reconcile() == 0  # not stuck long enough yet
    assert refunds_reconcile(now=timezone.now() + RECONCILE_AFTER + timedelta(seconds=1)) == 1
    # then
    wait_for(lambda: Refund.objects.filter(pk=refund.pk, status=Refund.Status.DONE).exists(), timeout=60)
    _made_once(order, refund, "70.00")
