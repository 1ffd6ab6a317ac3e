"""Picking, packing and dispatch: what each step refuses, and what it leaves behind when
things go wrong (short picks, cancelled orders, a carrier that fails or refuses)."""

from decimal import Decimal

import pytest
from django.core import mail

from core.actor import Actor, PermissionMissing
from inventory.models import StockLevel, StockMovement
from inventory.selectors import stock_discrepancies
from inventory.services import stock_receive
from logistics.adapters.base import CarrierUnavailable
from logistics.adapters.sandbox import REFUSED_NAME, UNAVAILABLE_NAME, SandboxCarrier
from logistics.exceptions import (
    BoxTooSmall,
    CodeNotOnLine,
    CodeNotOnOrder,
    NothingToPick,
    OrderNotPackable,
    OrderNotPickable,
    PackingIncomplete,
    PickQuantityInvalid,
    ShipmentNotDispatchable,
    TooManyUnits,
)
from logistics.models import InvoiceRecord, PickLine, PickList, SandboxParcel, Shipment
from logistics.services import (
    pick_line_confirm,
    pick_line_short,
    pick_list_create,
    shipment_dispatch,
    shipment_dispatch_request,
    shipments_dispatch_reconcile,
)
from logistics.services.dispatch import _booking_record, _shipment_request, shipment_cancel
from orders.models import Order
from orders.services.cancellation import order_cancel_by_staff
from orders.services.risk import orders_stock_recheck
from tests.logistics.factories import (
    STAFF,
    pack,
    picked_order,
    shipped_order,
    stocked_variant,
    validated_order,
    warehouse,
)
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def all_adds_up():
    assert stock_discrepancies(level_ids=list(StockLevel.objects.values_list("pk", flat=True))) == []


def first_line(pick_list: PickList) -> PickLine:
    return pick_list.lines.select_related("order_line").get()


# Picking


def test_a_batch_makes_one_walk_for_several_orders(django_capture_on_commit_callbacks):
    orders = [validated_order(django_capture_on_commit_callbacks) for _ in range(3)]
    pick_list = pick_list_create(warehouse=warehouse(), order_ids=[order.pk for order in orders], actor=STAFF)
    assert pick_list.lines.count() == 3
    assert set(Order.objects.values_list("status", flat=True)) == {Order.Status.PICKING}
    with pytest.raises(NothingToPick):  # they are all on a list already
        pick_list_create(warehouse=warehouse(), order_ids=[orders[0].pk], actor=STAFF)


def test_orders_that_are_not_validated_cannot_be_picked():
    order = OrderFactory(status=Order.Status.PAID)
    with pytest.raises(OrderNotPickable):
        pick_list_create(warehouse=warehouse(), order_ids=[order.pk], actor=STAFF)
    assert not PickList.objects.exists()


def test_scanning_another_item_or_another_quantity_is_refused_and_moves_nothing(
    django_capture_on_commit_callbacks,
):
    order = validated_order(django_capture_on_commit_callbacks, lines=[(stocked_variant(), 2)])
    line = first_line(pick_list_create(warehouse=warehouse(), order_ids=[order.pk], actor=STAFF))
    other = stocked_variant(units=1)
    with pytest.raises(CodeNotOnLine, match=line.order_line.sku):
        pick_line_confirm(line_id=line.pk, code=other.sku, quantity=2, actor=STAFF)
    with pytest.raises(PickQuantityInvalid):
        pick_line_confirm(line_id=line.pk, code=line.order_line.sku, quantity=3, actor=STAFF)
    line.refresh_from_db()
    assert line.status == PickLine.Status.PENDING
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.PICK).exists()


def test_a_short_pick_writes_off_the_missing_units_holds_the_order_and_tells_the_stock_team(
    django_capture_on_commit_callbacks, make_staff
):
    stock_clerk = make_staff("Warehouse")
    variant = stocked_variant(units=3)
    order = validated_order(django_capture_on_commit_callbacks, lines=[(variant, 3)])
    line = first_line(pick_list_create(warehouse=warehouse(), order_ids=[order.pk], actor=STAFF))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pick_line_short(line_id=line.pk, found=1, actor=STAFF)
    order.refresh_from_db()
    line.refresh_from_db()
    assert (order.status, order.hold_reason, order.units_short) == (Order.Status.ON_HOLD, "stock", 2)
    assert (line.status, line.picked_quantity) == (PickLine.Status.SHORT, 1)
    level = StockLevel.objects.get(variant=variant)
    assert (level.on_hand, level.reserved) == (1, 1)  # the one found waits in the dispatch bin
    assert [message.to for message in mail.outbox] == [[stock_clerk.email]]
    assert line.bin.code in mail.outbox[0].subject
    all_adds_up()

    # when the stock comes in, the order is held again, validated, and only the rest is picked
    stock_receive(variant_id=variant.pk, warehouse=warehouse(), quantity=5, actor=STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        assert orders_stock_recheck() == 1
    order.refresh_from_db()
    assert (order.status, order.units_short) == (Order.Status.VALIDATED, 0)
    again = pick_list_create(warehouse=warehouse(), order_ids=[order.pk], actor=STAFF)
    assert sum(again.lines.values_list("quantity", flat=True)) == 2
    all_adds_up()


def test_a_line_of_an_order_cancelled_meanwhile_is_closed_without_moving_stock(
    django_capture_on_commit_callbacks,
):
    order = validated_order(django_capture_on_commit_callbacks)
    line = first_line(pick_list_create(warehouse=warehouse(), order_ids=[order.pk], actor=STAFF))
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("staff"), note="customer called")
    line = pick_line_confirm(line_id=line.pk, code=line.order_line.sku, quantity=1, actor=STAFF)
    assert line.status == PickLine.Status.CANCELLED
    assert line.pick_list.status == PickList.Status.DONE
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.PICK).exists()
    all_adds_up()


def test_picking_needs_the_picking_permission(django_capture_on_commit_callbacks, make_staff):
    order = validated_order(django_capture_on_commit_callbacks)
    with pytest.raises(PermissionMissing):
        pick_list_create(
            warehouse=warehouse(), order_ids=[order.pk], actor=Actor.staff(make_staff("Shipping"))
        )
    assert not PickList.objects.exists()


# Packing


def test_packing_refuses_items_not_on_the_order_extra_units_and_open_boxes(
    django_capture_on_commit_callbacks,
):
    order = picked_order(django_capture_on_commit_callbacks)
    sku = order.lines.get().sku
    with pytest.raises(CodeNotOnOrder):
        pack(order, codes=[sku, "7891234567895"])
    with pytest.raises(TooManyUnits):
        pack(order, codes=[sku, sku])
    with pytest.raises(PackingIncomplete):
        pack(order, codes=[])
    with pytest.raises(BoxTooSmall):
        pack(order, length_cm=10)
    order.refresh_from_db()
    assert order.status == Order.Status.PICKING
    assert not Shipment.objects.exists() and not InvoiceRecord.objects.exists()


def test_an_order_not_yet_picked_cannot_be_packed(django_capture_on_commit_callbacks):
    order = validated_order(django_capture_on_commit_callbacks)
    with pytest.raises(OrderNotPackable):
        pack(order)


def test_packing_twice_makes_one_shipment(django_capture_on_commit_callbacks):
    order = picked_order(django_capture_on_commit_callbacks)
    pack(order)
    with pytest.raises(OrderNotPackable):
        pack(order)
    assert Shipment.objects.count() == InvoiceRecord.objects.count() == 1


def test_invoice_numbers_follow_each_other(django_capture_on_commit_callbacks):
    numbers = [pack(picked_order(django_capture_on_commit_callbacks)).invoice.number for _ in range(3)]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


# Dispatch


def test_a_carrier_that_cannot_be_reached_leaves_the_shipment_packed_for_a_retry(
    django_capture_on_commit_callbacks,
):
    order = picked_order(django_capture_on_commit_callbacks, full_name=UNAVAILABLE_NAME)
    shipment = pack(order)
    with pytest.raises(CarrierUnavailable):
        shipment_dispatch(shipment_id=shipment.pk)
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert (shipment.status, shipment.tracking_code, shipment.needs_attention) == (
        Shipment.Status.PACKED,
        None,
        False,
    )
    assert "sandbox" in shipment.last_error and shipment.booking_attempts == 1
    assert order.status == Order.Status.PACKED
    assert not SandboxParcel.objects.exists()
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.SHIP).exists()


def test_a_refused_parcel_waits_for_a_person_and_staff_send_it_again(
    django_capture_on_commit_callbacks, make_staff
):
    order = picked_order(django_capture_on_commit_callbacks, full_name=REFUSED_NAME)
    shipment = pack(order)
    shipment_dispatch(shipment_id=shipment.pk)
    shipment.refresh_from_db()
    assert shipment.needs_attention and shipment.status == Shipment.Status.PACKED
    assert shipments_dispatch_reconcile() == 0  # refused ones are not retried on their own
    with pytest.raises(PermissionMissing):
        shipment_dispatch_request(shipment_id=shipment.pk, actor=Actor.staff(make_staff("Warehouse")))
    Order.objects.filter(pk=order.pk).update(full_name="Ana Souza")  # the address was fixed
    with django_capture_on_commit_callbacks(execute=True):
        shipment_dispatch_request(shipment_id=shipment.pk, actor=Actor.staff(make_staff("Shipping")))
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.SHIPPED and not shipment.needs_attention


def test_dispatching_twice_books_once(django_capture_on_commit_callbacks):
    shipment = shipped_order(django_capture_on_commit_callbacks)
    shipment_dispatch(shipment_id=shipment.pk)
    parcel = SandboxParcel.objects.get()
    assert (parcel.tracking_code, parcel.booking_requests) == (shipment.tracking_code, 1)
    assert StockMovement.objects.filter(kind=StockMovement.Kind.SHIP).count() == 1


def test_a_cancelled_order_is_not_dispatched(django_capture_on_commit_callbacks, make_staff):
    order = picked_order(django_capture_on_commit_callbacks)
    shipment = pack(order)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("staff"), note="customer called")
    with pytest.raises(ShipmentNotDispatchable, match=order.number):
        shipment_dispatch_request(shipment_id=shipment.pk, actor=Actor.staff(make_staff("Shipping")))
    shipment_dispatch(shipment_id=shipment.pk)
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.CANCELLED
    assert not SandboxParcel.objects.exists()
    all_adds_up()


def test_an_unpaid_order_is_not_dispatched(django_capture_on_commit_callbacks, make_staff):
    order = picked_order(django_capture_on_commit_callbacks)
    shipment = pack(order)
    order.payments.update(status="authorised")  # the capture has not landed yet
    with pytest.raises(ShipmentNotDispatchable, match=f"{order.number} ainda não está pago"):
        shipment_dispatch_request(shipment_id=shipment.pk, actor=Actor.staff(make_staff("Shipping")))
    shipment_dispatch(shipment_id=shipment.pk)
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.PACKED and "não está pago" in shipment.last_error
    assert not SandboxParcel.objects.exists()


def test_shipments_packed_but_not_booked_in_time_are_enqueued_again(django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    shipment = pack(picked_order(django_capture_on_commit_callbacks))  # its task never ran
    assert shipments_dispatch_reconcile() == 0
    assert shipments_dispatch_reconcile(now=timezone.now() + timedelta(minutes=11)) == 1  # eager: booked now
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.SHIPPED


def test_the_invoice_of_a_shipment_that_never_left_is_voided_and_keeps_its_number(
    django_capture_on_commit_callbacks,
):
    order = picked_order(django_capture_on_commit_callbacks)
    shipment = pack(order)
    number = shipment.invoice.number
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("staff"), note="customer called")
    shipment_dispatch(shipment_id=shipment.pk)
    invoice = InvoiceRecord.objects.get()
    assert invoice.number == number and invoice.cancelled_at is not None
    assert pack(picked_order(django_capture_on_commit_callbacks)).invoice.number == number + 1


def test_the_carrier_charge_is_recorded_at_booking(django_capture_on_commit_callbacks):
    shipment = shipped_order(django_capture_on_commit_callbacks)
    assert shipment.freight_cost == Decimal("38.40")  # SEDEX, 900 g: (20 + 4) * 1.60 from SP to RJ


def test_picked_units_of_a_cancelled_order_go_back_on_a_shelf_for_the_next_order(
    django_capture_on_commit_callbacks,
):
    variant = stocked_variant(units=1)
    order = validated_order(django_capture_on_commit_callbacks, lines=[(variant, 1)])
    line = first_line(pick_list_create(warehouse=warehouse(), order_ids=[order.pk], actor=STAFF))
    pick_line_confirm(line_id=line.pk, code=variant.sku, quantity=1, actor=STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("staff"), note="customer called")
    all_adds_up()
    again = validated_order(django_capture_on_commit_callbacks, lines=[(variant, 1)])
    line = first_line(pick_list_create(warehouse=warehouse(), order_ids=[again.pk], actor=STAFF))
    assert line.bin.code == "GERAL"  # the default shelf, not the dispatch bin
    all_adds_up()


def test_a_booking_that_lands_after_its_shipment_was_cancelled_is_cancelled_at_the_carrier(
    django_capture_on_commit_callbacks,
):
    order = picked_order(django_capture_on_commit_callbacks)
    shipment = pack(order)
    booking = SandboxCarrier().book(
        request=_shipment_request(shipment), idempotency_key=f"shipment:{shipment.pk}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("staff"), note="customer called")
        shipment_cancel(shipment=Shipment.objects.get(pk=shipment.pk))
    with django_capture_on_commit_callbacks(execute=True):
        _booking_record(shipment_id=shipment.pk, booking=booking, gateway=SandboxCarrier())
    assert SandboxParcel.objects.get().is_cancelled
