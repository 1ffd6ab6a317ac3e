"""Orders ready for the warehouse, made through the real services: placed, paid by card,
analysed and validated (card captured), with their units allocated to bins."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.actor import Actor
from inventory.models import Bin
from inventory.services import bin_upsert, stock_receive, stock_reserve
from logistics.access_keys import access_key
from logistics.models import Box, CarrierService, InvoiceRecord, Shipment, ShipmentLine, ShippingRate
from logistics.services import pick_line_confirm, pick_list_create, shipment_pack
from orders.models import Order
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import OrderFactory
from tests.orders.test_payment_start import pay_by_card

JOB = Actor.job("test")
CLEAN = {
    "full_name": "Ana Souza",
    "email": "ana@example.com.br",
    "cpf": "52998224725",
    "cep": "20040020",
    "state": "RJ",
    "city": "Rio de Janeiro",
    "phone": "21987654321",
    "street": "Avenida Rio Branco",
    "street_number": "100",
    "district": "Centro",
    "delivery_service": "sedex",
    "delivery_label": "Correios SEDEX",
    "delivery_days": 3,
}


def warehouse():
    return WarehouseFactory(
        street="Rodovia Anhanguera",
        street_number="km 33",
        district="Polvilho",
        city="Cajamar",
        state="SP",
        cep="07791000",
    )


def service_and_box() -> Box:
    sedex, _created = CarrierService.objects.get_or_create(
        code="sedex", defaults={"carrier": "Correios", "name": "SEDEX", "position": 1}
    )
    ShippingRate.objects.get_or_create(
        service=sedex, max_weight_grams=30000, defaults={"price": Decimal("20.00"), "days": 3}
    )
    return Box.objects.get_or_create(
        code="m",
        defaults={"name": "Caixa M", "length_cm": 30, "width_cm": 20, "height_cm": 15, "tare_grams": 150},
    )[0]


def stocked_variant(*, units: int = 10, bin_code: str = "A-01-01", position: int = 1, ean: str = ""):
    """A variant with `units` in a bin of the warehouse."""
    variant = ProductFactory(stock=0).variants.get()
    if ean:
        variant.ean = ean
        variant.save(update_fields=["ean"])
    place = warehouse()
    stock_receive(
        variant_id=variant.pk,
        warehouse=place,
        quantity=units,
        actor=JOB,
        bin=bin_upsert(warehouse=place, code=bin_code, position=position),
    )
    return variant


def validated_order(capture, *, lines: list[tuple] | None = None, **fields) -> Order:
    """A validated, card-captured order of `(variant, quantity)` lines (one unit of a new
    stocked variant by default), its units allocated to bins."""
    service_and_box()
    lines = lines or [(stocked_variant(), 1)]
    with capture(execute=True):
        order = OrderFactory(
            **{**CLEAN, **fields},
            items_total=sum(Decimal("100.00") * quantity for _variant, quantity in lines),
            grand_total=sum(Decimal("100.00") * quantity for _variant, quantity in lines) + Decimal("20.00"),
        )
        for variant, quantity in lines:
            order.lines.create(
                variant=variant,
                product_name=variant.product.name,
                sku=variant.sku,
                unit_price=Decimal("100.00"),
                quantity=quantity,
                line_total=Decimal("100.00") * quantity,
            )
        stock_reserve(
            lines=[(variant.pk, quantity) for variant, quantity in lines],
            reference=f"order:{order.pk}",
            actor=JOB,
        )
        pay_by_card(order, installments=1)
    order.refresh_from_db()
    assert order.status == Order.Status.VALIDATED, order.status
    return order


DISPATCH = Bin.DISPATCH_CODE


def shipment_row(*, status: str = "shipped", order=None, tracking_code: str = "SX473124829BR", **fields):
    """A shipment row with its line and invoice record, as dispatch leaves it; for pages and
    access checks that need one, not for behaviour (that goes through the services)."""
    box = service_and_box()
    order = order or OrderFactory(**CLEAN, status=Order.Status.SHIPPED)
    if not order.lines.exists():
        variant = ProductFactory(stock=0).variants.get()
        order.lines.create(
            variant=variant, product_name="x", sku=variant.sku, unit_price=100, quantity=1, line_total=100
        )
    now = timezone.now()
    shipment = Shipment.objects.create(
        number=f"{order.number}-1",
        order=order,
        warehouse=warehouse(),
        service=CarrierService.objects.get(code="sedex"),
        status=status,
        box=box,
        weight_grams=900,
        length_cm=30,
        width_cm=20,
        height_cm=15,
        declared_value=Decimal("100.00"),
        packed_by="job:test",
        tracking_code=tracking_code if status != "packed" else None,
        shipped_at=now if status != "packed" else None,
        last_event_at=now if status != "packed" else None,
        promised_on=timezone.localdate() + timedelta(days=3),
        **fields,
    )
    ShipmentLine.objects.create(shipment=shipment, order_line=order.lines.first(), quantity=1)
    number = InvoiceRecord.objects.count() + 1
    InvoiceRecord.objects.create(
        shipment=shipment,
        series=1,
        number=number,
        access_key=access_key(
            state="SP", issued_on=timezone.localdate(), cnpj="11222333000181", series=1, number=number, code=1
        ),
        authorisation="135260000000010",
        issued_at=now,
        issuer_name="Loja",
        issuer_cnpj="11222333000181",
        items_total=Decimal("100.00"),
        freight_total=Decimal("20.00"),
        discount_total=Decimal("0.00"),
        total=Decimal("120.00"),
    )
    return shipment


STAFF = Actor.job("staff")


def picked_order(capture, **fields) -> Order:
    """A validated order (see `validated_order`) whose units were all picked."""
    order = validated_order(capture, **fields)
    pick_list = pick_list_create(warehouse=warehouse(), order_ids=[order.pk], actor=STAFF)
    for line in pick_list.lines.select_related("order_line"):
        pick_line_confirm(line_id=line.pk, code=line.order_line.sku, quantity=line.quantity, actor=STAFF)
    order.refresh_from_db()
    return order


def pack(order: Order, **overrides):
    """Close the box of a picked order with every unit scanned; returns the shipment."""
    codes = [line.sku for line in order.lines.all() for _unit in range(line.quantity)]
    arguments = {
        "order_id": order.pk,
        "warehouse": warehouse(),
        "codes": codes,
        "box": service_and_box(),
        "weight_grams": 900,
        "length_cm": 30,
        "width_cm": 20,
        "height_cm": 15,
        "actor": STAFF,
        **overrides,
    }
    return shipment_pack(**arguments)


def shipped_order(capture, **fields):
    """A validated order picked, packed and booked with the sandbox carrier (tasks run):
    returns its shipment."""
    order = picked_order(capture, **fields)
    with capture(execute=True):
        shipment = pack(order)
    shipment.refresh_from_db()
    return shipment
