"""A real worker takes a validated order through dispatch and tracking to delivery, and a
worker killed while the carrier books a shipment leaves nothing booked twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.actor import Actor
from inventory.models import Reservation, StockLevel, StockMovement
from inventory.selectors import stock_discrepancies
from inventory.services import stock_reserve
from logistics.adapters.sandbox import SLOW_NAME
from logistics.models import SandboxParcel, Shipment, TrackingEvent
from logistics.services import (
    pick_line_confirm,
    pick_list_create,
    sandbox_shipments_advance,
    shipments_dispatch_reconcile,
)
from orders.models import Order
from support.notifications.models import Notification
from tests.logistics.factories import pack, picked_order, service_and_box, stocked_variant, warehouse
from tests.orders.factories import OrderFactory
from tests.orders.test_payment_start import pay_by_card
from tests.worker.test_welcome_email import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

PICKER = Actor.job("picker")


def ledger(order: Order) -> list[tuple[str, int, int]]:
    return list(
        StockMovement.objects.filter(reference=f"order:{order.pk}")
        .order_by("pk")
        .values_list("kind", "on_hand_change", "reserved_change")
    )


def adds_up(variant) -> None:
    levels = StockLevel.objects.filter(variant=variant).values_list("pk", flat=True)
    assert stock_discrepancies(level_ids=list(levels)) == []


def status_events(order: Order) -> list[str]:
    return [status for status in order.events.order_by("pk").values_list("to_status", flat=True) if status]


def test_a_validated_order_is_picked_packed_shipped_tracked_and_delivered(celery_worker):
    # given a card order the worker validates
    celery_worker.start()
    service_and_box()
    variant = stocked_variant(units=5)
    order = OrderFactory(
        full_name="Ana Souza", cpf="52998224725", cep="20040020", state="RJ", delivery_service="sedex"
    )
    order.lines.create(
        variant=variant, product_name="x", sku=variant.sku, unit_price=100, quantity=2, line_total=200
    )
    stock_reserve(lines=[(variant.pk, 2)], reference=f"order:{order.pk}", actor=PICKER)
    pay_by_card(order, installments=1)
    wait_for(lambda: Order.objects.filter(pk=order.pk, status=Order.Status.VALIDATED).exists())
    wait_for(lambda: order.payments.filter(status="paid").exists())
    assert ledger(order) == [("reserve", 0, 2)]

    # when it is picked
    pick_list = pick_list_create(warehouse=warehouse(), order_ids=[order.pk], actor=PICKER)
    line = pick_list.lines.get()
    pick_line_confirm(line_id=line.pk, code=variant.sku, quantity=2, actor=PICKER)
    assert ledger(order) == [("reserve", 0, 2), ("pick", 2, 0), ("pick", -2, 0)]
    adds_up(variant)

    # and packed: the worker books the carrier, ships the stock and tells the customer
    pack(order)
    shipment = wait_for(lambda: Shipment.objects.filter(order=order, status=Shipment.Status.SHIPPED).first())
    assert shipment.invoice.number >= 1
    assert ledger(order)[-1] == ("ship", -2, -2)
    assert Reservation.objects.get(reference=f"order:{order.pk}").status == Reservation.Status.SHIPPED
    adds_up(variant)
    assert status_events(order) == ["paid", "validated", "picking", "packed", "shipped"]
    wait_for(lambda: Notification.objects.filter(kind="shipment_shipped", status="sent").exists())

    # then the carrier's notices move it, through the worker, to the customer's door
    expected = [
        (TrackingEvent.Kind.POSTED, Shipment.Status.SHIPPED),
        (TrackingEvent.Kind.IN_TRANSIT, Shipment.Status.IN_TRANSIT),
        (TrackingEvent.Kind.OUT_FOR_DELIVERY, Shipment.Status.OUT_FOR_DELIVERY),
        (TrackingEvent.Kind.DELIVERED, Shipment.Status.DELIVERED),
    ]
    for step, (kind, status) in enumerate(expected, start=1):
        assert [event.kind for event in sandbox_shipments_advance()] == [kind]
        wait_for(lambda step=step: shipment.tracking_events.count() == step)
        shipment.refresh_from_db()
        assert shipment.status == status
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert status_events(order)[-1] == "delivered"
    assert order.events.filter(to_status="", note__contains=shipment.tracking_code).count() == 3
    assert ledger(order)[-1] == ("ship", -2, -2)
    wait_for(lambda: Notification.objects.filter(kind="shipment_news", status="sent").count() == 2)


def test_a_worker_killed_while_the_carrier_books_leaves_one_booking_after_the_restart(
    celery_worker, django_capture_on_commit_callbacks
):
    # given a picked order whose carrier takes its time to book
    order = picked_order(django_capture_on_commit_callbacks, full_name=SLOW_NAME)
    celery_worker.start()

    # when the worker dies after the carrier booked and before we recorded it
    shipment = pack(order)
    wait_for(lambda: SandboxParcel.objects.filter(idempotency_key=f"shipment:{shipment.pk}").exists())
    celery_worker.kill()
    shipment.refresh_from_db()
    assert (shipment.status, shipment.tracking_code, shipment.booking_attempts) == (
        Shipment.Status.PACKED,
        None,
        1,
    )
    assert not StockMovement.objects.filter(reference=f"order:{order.pk}", kind="ship").exists()

    # then after a restart the reconciler's retry gets the same booking back
    celery_worker.start()
    assert shipments_dispatch_reconcile(now=timezone.now() + timedelta(minutes=11)) == 1
    shipped = wait_for(
        lambda: Shipment.objects.filter(pk=shipment.pk, status=Shipment.Status.SHIPPED).first()
    )
    parcel = SandboxParcel.objects.get()
    assert parcel.tracking_code == shipped.tracking_code
    assert parcel.booking_requests >= 2  # asked again, booked once
    assert StockMovement.objects.filter(reference=f"order:{order.pk}", kind="ship").count() == 1
    wait_for(lambda: Notification.objects.filter(kind="shipment_shipped").count() == 1)
