"""Packing: every picked unit checked against the order by scanning it, boxed, weighed and
measured; the shipment and its invoice record are made, and the carrier is booked."""

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.actor import Actor
from core.locks import for_update
from inventory.models import Bin, Reservation, ReservationAllocation, Warehouse
from logistics.exceptions import (
    BoxTooSmall,
    CodeNotOnOrder,
    OrderNotPackable,
    PackingIncomplete,
    ParcelTooLight,
    TooManyUnits,
)
from logistics.models import Box, CarrierService, Shipment, ShipmentLine
from logistics.selectors import pack_queue
from logistics.services.invoices import invoice_issue
from logistics.tasks import shipment_dispatch as shipment_dispatch_task
from orders.locks import lock_order
from orders.models import Order, OrderLine
from orders.services import order_transition


@transaction.atomic
def box_upsert(
    *, code: str, name: str, length_cm: int, width_cm: int, height_cm: int, tare_grams: int
) -> Box:
    """Create or update a carton the packers may choose."""
    box = Box.objects.filter(code=code).first() or Box(code=code)
    box.name, box.length_cm, box.width_cm, box.height_cm, box.tare_grams = (
        name,
        length_cm,
        width_cm,
        height_cm,
        tare_grams,
    )
    box.full_clean()
    box.save()
    return box


@dataclass(frozen=True)
class PackingLine:
    order_line: OrderLine
    expected: int
    checked: int = 0

    @property
    def is_complete(self) -> bool:
        return self.checked == self.expected


def packing_expected(*, order: Order, warehouse: Warehouse) -> list[PackingLine]:
    """What goes in the box: the order's units waiting in the warehouse's dispatch bin."""
    picked = dict(
        ReservationAllocation.objects.filter(
            reservation__reference=f"order:{order.pk}",
            reservation__status=Reservation.Status.ALLOCATED,
            quant__bin__code=Bin.DISPATCH_CODE,
            quant__level__warehouse=warehouse,
        )
        .values_list("quant__level__variant_id")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    return [
        PackingLine(order_line=line, expected=min(picked[line.variant_id], line.quantity))
        for line in order.lines.select_related("variant").order_by("pk")
        if picked.get(line.variant_id)
    ]


def packing_check(*, lines: list[PackingLine], codes: list[str]) -> list[PackingLine]:
    """Count the scanned codes (SKU or EAN) against the lines to pack.

    Raises CodeNotOnOrder for an item the order does not have, TooManyUnits for one more
    unit than it has: the packer takes it out of the box.
    """
    by_code = {}
    for line in lines:
        variant = line.order_line.variant
        by_code[variant.sku.upper()] = line
        if variant.ean:
            by_code[variant.ean] = line
    counted: Counter[int] = Counter()
    for code in codes:
        line = by_code.get(code.strip().upper())
        if line is None:
            raise CodeNotOnOrder(code=code.strip())
        counted[line.order_line.pk] += 1
        if counted[line.order_line.pk] > line.expected:
            raise TooManyUnits(sku=line.order_line.sku, quantity=line.expected)
    return [
        PackingLine(order_line=line.order_line, expected=line.expected, checked=counted[line.order_line.pk])
        for line in lines
    ]


def packing_items_grams(*, lines: list[PackingLine]) -> int:
    """What the units to box weigh, by their variants' weights."""
    return sum(line.order_line.variant.weight_grams * line.expected for line in lines)


def parcel_check(*, box: Box, lines: list[PackingLine], weight_grams: int, measures: dict[str, int]) -> None:
    """A closed box measures at least the box (in whichever direction it was measured) and
    weighs at least its items and itself.

    Raises BoxTooSmall or ParcelTooLight, each naming the fields at fault.
    """
    sides = {"length_cm": box.length_cm, "width_cm": box.width_cm, "height_cm": box.height_cm}
    if any(
        side < box_side
        for side, box_side in zip(sorted(measures.values()), sorted(sides.values()), strict=True)
    ):
        short = [name for name, side in sides.items() if measures[name] < side] or list(sides)
        raise BoxTooSmall(
            field_errors={
                name: _("At least %(cm)s cm, the measure of the box %(box)s.")
                % {"cm": sides[name], "box": box.name}
                for name in short
            }
        )
    items_grams = packing_items_grams(lines=lines)
    if weight_grams < items_grams + box.tare_grams:
        raise ParcelTooLight(items_grams=items_grams, tare_grams=box.tare_grams)


@transaction.atomic
def shipment_pack(
    *,
    order_id: int,
    warehouse: Warehouse,
    codes: list[str],
    box: Box,
    weight_grams: int,
    length_cm: int,
    width_cm: int,
    height_cm: int,
    actor: Actor,
) -> Shipment:
    """Close the box of an order picked in a warehouse: every unit checked by its scanned
    code, the parcel's weight and size recorded. Makes the shipment and its invoice record;
    once every unit of the order is packed, the order is packed and the carrier is booked
    after commit.

    Raises OrderNotPackable, CodeNotOnOrder, TooManyUnits, PackingIncomplete, BoxTooSmall,
    ParcelTooLight.
    """
    actor.require_perm("logistics.pack_orders")
    order = lock_order(order_id)
    if not pack_queue(warehouse=warehouse).filter(pk=order.pk).exists():
        raise OrderNotPackable(number=order.number)
    lines = packing_check(lines=packing_expected(order=order, warehouse=warehouse), codes=codes)
    missing = [
        f"{line.order_line.sku} ({line.expected - line.checked})" for line in lines if not line.is_complete
    ]
    if missing or not lines:
        raise PackingIncomplete(missing=missing)
    parcel_check(
        box=box,
        lines=lines,
        weight_grams=weight_grams,
        measures={"length_cm": length_cm, "width_cm": width_cm, "height_cm": height_cm},
    )
    sequence = Shipment.objects.filter(order=order).count() + 1
    shipment = Shipment.objects.create(
        number=f"{order.number}-{sequence}",
        order=order,
        warehouse=warehouse,
        service=CarrierService.objects.get(code=order.delivery_service),
        box=box,
        weight_grams=weight_grams,
        length_cm=length_cm,
        width_cm=width_cm,
        height_cm=height_cm,
        declared_value=sum(line.order_line.unit_price * line.expected for line in lines),
        packed_by=actor.label,
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, order_line=line.order_line, quantity=line.expected) for line in lines
    )
    packed = dict(
        ShipmentLine.objects.filter(shipment__order=order)
        .exclude(shipment__status=Shipment.Status.CANCELLED)
        .values_list("order_line")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    if all(packed.get(line.pk, 0) >= line.quantity for line in order.lines.all()):
        order_transition(order_id=order.pk, to=Order.Status.PACKED, actor=actor, note=shipment.number)
        for shipment_id in for_update(
            Shipment.objects.filter(order=order, status=Shipment.Status.PACKED)
        ).values_list("pk", flat=True):
            shipment_dispatch_task.delay_on_commit(shipment_id=shipment_id)
    invoice_issue(shipment=shipment)
    return shipment
