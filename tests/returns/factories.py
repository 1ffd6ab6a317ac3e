"""Delivered orders made through the real services, ready to be returned."""

from datetime import datetime, timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from core.actor import Actor
from core.uploads import IncomingFile
from inventory.services import bin_upsert, stock_receive
from logistics.adapters.base import CarrierEvent
from logistics.models import Shipment, TrackingEvent
from logistics.services import tracking_events_apply
from orders.models import Order
from returns.models import ReturnRequest
from returns.services import LineAsk, return_request_create
from tests.catalog.factories import VariantFactory
from tests.logistics.factories import shipped_order, warehouse
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


def other_variant_in_stock(variant, *, price: str = "100.00", units: int = 3, **fields):
    """Another variant of `variant`'s product (another size), with `units` on hand in a bin of
    the warehouse: what an exchange may ask for."""
    other = VariantFactory(product=variant.product, price=Decimal(price), **fields)
    place = warehouse()
    stock_receive(
        variant_id=other.pk,
        warehouse=place,
        quantity=units,
        actor=Actor.job("test"),
        bin=bin_upsert(warehouse=place, code="B-01-01", position=2),
    )
    other.refresh_from_db()
    return other


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
