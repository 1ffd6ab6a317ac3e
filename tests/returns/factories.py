"""Delivered orders made through the real services, ready to be returned."""

from datetime import datetime, timedelta

import time_machine
from django.utils import timezone

from core.actor import Actor
from core.uploads import IncomingFile
from logistics.adapters.base import CarrierEvent
from logistics.models import Shipment, TrackingEvent
from logistics.services import tracking_events_apply
from orders.models import Order
from returns.models import ReturnRequest
from returns.services import LineAsk, return_request_create
from tests.logistics.factories import shipped_order
from tests.support.factories import PNG


def delivered_order(capture, *, delivered_at: datetime | None = None, **fields) -> Order:
    """An order picked, packed, shipped and delivered by the sandbox carrier at `delivered_at`
    (now by default): `fields` go to `validated_order` (lines=[(variant, quantity)], ...)."""
    delivered_at = delivered_at or timezone.now()
    # The parcel left two days before it arrived, so its news comes in order.
    with time_machine.travel(delivered_at - timedelta(days=2)):
        shipment = shipped_order(capture, **fields)
    with capture(execute=True):
        tracking_events_apply(
            shipment_id=shipment.pk,
            events=[
                CarrierEvent(
                    event_id=f"{shipment.tracking_code}-posted",
                    kind=TrackingEvent.Kind.POSTED,
                    occurred_at=delivered_at - timedelta(days=1),
                ),
                CarrierEvent(
                    event_id=f"{shipment.tracking_code}-delivered",
                    kind=TrackingEvent.Kind.DELIVERED,
                    occurred_at=delivered_at,
                ),
            ],
            source=TrackingEvent.Source.POLL,
        )
    order = Order.objects.get(pk=shipment.order_id)
    assert order.status == Order.Status.DELIVERED, order.status
    assert Shipment.objects.get(pk=shipment.pk).delivered_at == delivered_at
    return order


def photo(name: str = "defeito.png") -> IncomingFile:
    return IncomingFile(name=name, content=PNG)


def ask_return(
    order: Order,
    *,
    reason: str = ReturnRequest.Reason.REGRET,
    quantity: int | None = None,
    resolution: str = ReturnRequest.Resolution.REFUND,
    **fields,
) -> ReturnRequest:
    """The customer asks to return every unit (or `quantity` of the first line) of an order."""
    lines = list(order.lines.order_by("pk"))
    asks = [
        LineAsk(order_line_id=line.pk, quantity=quantity or line.quantity)
        for line in lines[: 1 if quantity else None]
    ]
    return return_request_create(
        order_id=order.pk,
        actor=Actor.customer(order.customer),
        reason=reason,
        lines=asks,
        resolution=resolution,
        **fields,
    )
