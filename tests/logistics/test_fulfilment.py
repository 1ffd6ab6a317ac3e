"""A validated order through pick, pack, invoice, dispatch, tracking and delivery, with the
stock ledger and the order's timeline right at each step."""

import pytest
from django.core import mail

from inventory.models import Reservation, StockLevel, StockMovement
from inventory.selectors import stock_discrepancies
from logistics.access_keys import is_valid_access_key
from logistics.adapters.tracking_codes import is_valid_tracking_code
from logistics.models import PickLine, PickList, SandboxParcel, Shipment, TrackingEvent
from logistics.services import (
    pick_line_confirm,
    pick_list_create,
    sandbox_shipments_advance,
    shipment_pack,
)
from orders.models import Order
from tests.logistics.factories import STAFF, service_and_box, stocked_variant, validated_order, warehouse

pytestmark = pytest.mark.django_db


def levels_ok(order):
    level_ids = StockLevel.objects.filter(variant__order_lines__order=order).values_list("pk", flat=True)
    assert stock_discrepancies(level_ids=list(level_ids)) == []


def test_a_validated_order_goes_all_the_way_to_the_customer(django_capture_on_commit_callbacks):
    first = stocked_variant(bin_code="B-02-01", position=20)
    second = stocked_variant(bin_code="A-01-01", position=10, ean="7891234567895")
    order = validated_order(django_capture_on_commit_callbacks, lines=[(first, 2), (second, 1)])

    # Picking: one list, walked bin by bin
    pick_list = pick_list_create(warehouse=warehouse(), order_ids=[order.pk], actor=STAFF)
    lines = list(pick_list.lines.order_by("sequence"))
    assert [line.bin.code for line in lines] == ["A-01-01", "B-02-01"]
    order.refresh_from_db()
    assert order.status == Order.Status.PICKING
    pick_line_confirm(line_id=lines[0].pk, code="7891234567895", quantity=1, actor=STAFF)
    pick_line_confirm(line_id=lines[1].pk, code=first.sku.lower(), quantity=2, actor=STAFF)
    pick_list.refresh_from_db()
    assert pick_list.status == PickList.Status.DONE
    assert (
        StockMovement.objects.filter(kind=StockMovement.Kind.PICK, reference=f"order:{order.pk}").count() == 4
    )
    levels_ok(order)

    # Packing: every unit scanned, the box closed, the invoice made, the carrier booked
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        shipment = shipment_pack(
            order_id=order.pk,
            warehouse=warehouse(),
            codes=[first.sku, second.sku, first.sku],
            box=service_and_box(),
            weight_grams=1800,
            length_cm=30,
            width_cm=20,
            height_cm=15,
            actor=STAFF,
        )
    shipment.refresh_from_db()
    order.refresh_from_db()
    invoice = shipment.invoice
    assert is_valid_access_key(invoice.access_key) and invoice.number >= 1
    assert (invoice.items_total, invoice.freight_total, invoice.total) == (300, 20, 320)
    assert shipment.status == Shipment.Status.SHIPPED and is_valid_tracking_code(shipment.tracking_code)
    assert order.status == Order.Status.SHIPPED
    assert shipment.promised_on is not None
    assert SandboxParcel.objects.get(tracking_code=shipment.tracking_code).booking_requests == 1
    assert [m.subject for m in mail.outbox if shipment.tracking_code in m.body]
    levels = StockLevel.objects.filter(variant__in=[first, second]).order_by("variant_id")
    assert [(level.on_hand, level.reserved) for level in levels] == [(8, 0), (9, 0)]
    assert set(
        Reservation.objects.filter(reference=f"order:{order.pk}").values_list("status", flat=True)
    ) == {Reservation.Status.SHIPPED}
    levels_ok(order)

    # Tracking: the sandbox carrier posts its events; the order is delivered
    mail.outbox.clear()
    for _step in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            sandbox_shipments_advance()
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert list(shipment.tracking_events.values_list("kind", flat=True)) == [
        TrackingEvent.Kind.POSTED,
        TrackingEvent.Kind.IN_TRANSIT,
        TrackingEvent.Kind.OUT_FOR_DELIVERY,
        TrackingEvent.Kind.DELIVERED,
    ]
    assert shipment.status == Shipment.Status.DELIVERED and shipment.delivered_at
    assert shipment.is_delivered_on_time
    assert order.status == Order.Status.DELIVERED
    assert len(mail.outbox) == 2  # out for delivery, delivered
    timeline = list(order.events.values_list("to_status", flat=True))
    assert [status for status in timeline if status] == [
        Order.Status.PAID,
        Order.Status.VALIDATED,
        Order.Status.PICKING,
        Order.Status.PACKED,
        Order.Status.SHIPPED,
        Order.Status.DELIVERED,
    ]
    assert PickLine.objects.filter(order=order, status=PickLine.Status.PICKED).count() == 2
