"""With a real worker analysing orders, an exchange's replacement is held until the items it
replaces are back: the worker puts it on hold for the return instead of sending it to the
warehouse, and the inspection that accepts the items releases it."""

import pytest
from django.db import transaction

from core.actor import Actor
from orders.models import Order
from returns.models import ReturnRequest, ReturnUnit
from returns.services import LineAsk, UnitDecision, return_inspect, return_receive, return_request_create
from tests.logistics.factories import stocked_variant
from tests.returns.factories import delivered_order, other_variant_in_stock
from tests.worker.test_welcome_email import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

JOB = Actor.job("test")


def test_a_replacement_ships_only_after_its_return_is_received(
    celery_worker, django_capture_on_commit_callbacks
):
    bought = stocked_variant(units=5)
    order = delivered_order(django_capture_on_commit_callbacks, lines=[(bought, 1)])
    size_g = other_variant_in_stock(bought, units=2)
    line = order.lines.get()
    celery_worker.start(STORE_SANDBOX_CARRIER_DELAY_SECONDS="0")

    with transaction.atomic():  # the worker gets the tasks on commit
        request = return_request_create(
            order_id=order.pk,
            actor=Actor.customer(order.customer),
            reason=ReturnRequest.Reason.REGRET,
            lines=[LineAsk(order_line_id=line.pk, quantity=1, replacement_variant_id=size_g.pk)],
            resolution=ReturnRequest.Resolution.EXCHANGE,
        )
    exchange_id = ReturnRequest.objects.get(pk=request.pk).exchange_order_id

    # The worker analysed the replacement and held it for the return; the carrier authorised
    # the parcel back.
    held = wait_for(
        lambda: Order.objects.filter(
            pk=exchange_id, status=Order.Status.ON_HOLD, hold_reason=Order.HoldReason.RETURN
        ).first()
    )
    assert held.awaits_return
    request = wait_for(
        lambda: ReturnRequest.objects.filter(
            pk=request.pk, status=ReturnRequest.Status.AWAITING_SHIPMENT
        ).first()
    )

    with transaction.atomic():
        return_receive(code=request.tracking_code, actor=JOB)
    assert Order.objects.get(pk=exchange_id).status == Order.Status.ON_HOLD  # received, not yet checked
    with transaction.atomic():
        return_inspect(
            request_id=request.pk,
            actor=JOB,
            decisions=[UnitDecision(order_line_id=line.pk, disposition=ReturnUnit.Disposition.RESTOCK)],
        )

    released = Order.objects.get(pk=exchange_id)
    assert (released.status, released.awaits_return) == (Order.Status.VALIDATED, False)
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.EXCHANGED
