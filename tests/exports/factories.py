"""Hand-made rows for the exports, with their timestamps set, and a way to run an export."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from exports.cursors import cursor_decode
from exports.datasets import DATASETS
from exports.selectors import export_plan, export_rows
from exports.writers import export_chunks
from inventory.models import StockLevel, StockMovement
from orders.models import Order, OrderLine, Payment, Refund
from returns.models import ReturnRequest
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import OrderFactory

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def at(day: int, hour: int = 10, minute: int = 0, *, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SAO_PAULO)


def stamp(row, *, created: datetime, updated: datetime | None = None) -> None:
    """Set a row's timestamps, which auto_now would otherwise set to now."""
    fields = {"created_at": created}
    if hasattr(row, "updated_at"):
        fields["updated_at"] = updated or created
    type(row).objects.filter(pk=row.pk).update(**fields)


def order(*, number: str, placed: datetime, updated: datetime | None = None, **fields) -> Order:
    person = {
        "full_name": "Ana Souza",
        "email": "ana@example.com.br",
        "cpf": "52998224725",
        "phone": "11987654321",
    }
    row = OrderFactory(number=number, placed_at=placed, **(person | fields))
    stamp(row, created=placed, updated=updated or placed)
    return row


def line(*, order: Order, sku_price: str = "50.00", quantity: int = 2) -> OrderLine:
    variant = ProductFactory(stock=0).variants.get()
    price = Decimal(sku_price)
    row = OrderLine.objects.create(
        order=order,
        variant=variant,
        product_name="Camiseta Básica",
        variant_label="M / Azul",
        sku=variant.sku,
        unit_price=price,
        quantity=quantity,
        line_total=price * quantity,
    )
    stamp(row, created=order.placed_at)
    return row


def payment(*, order: Order, at_: datetime, status: str = Payment.Status.PAID, **fields) -> Payment:
    row = Payment.objects.create(
        order=order,
        method=Payment.Method.PIX,
        amount=order.grand_total,
        gateway="sandbox",
        gateway_reference=f"pix_{order.number}",
        paid_at=at_,
        **fields,
    )
    Payment.objects.filter(pk=row.pk).update(status=status)
    stamp(row, created=at_)
    return row


def refund(*, order: Order, done: datetime, amount: str = "30.00") -> Refund:
    row = Refund.objects.create(
        order=order,
        source=f"return:{order.number}",
        method=Refund.Method.ORIGINAL,
        amount=Decimal(amount),
        provider_reference="rf_1",
        done_at=done,
    )
    Refund.objects.filter(pk=row.pk).update(status=Refund.Status.DONE)
    stamp(row, created=done)
    return row


def movement(
    *, sku: str = "", change: int, when: datetime, kind: str = StockMovement.Kind.RECEIVE
) -> StockMovement:
    variant = ProductFactory(stock=0).variants.get()
    warehouse = WarehouseFactory()
    level, _created = StockLevel.objects.get_or_create(variant=variant, warehouse=warehouse)
    row = StockMovement.objects.create(
        level=level,
        kind=kind,
        on_hand_change=change,
        reference="receipt:7",
        actor="job:test",
        reason="=SUM(A1)",
    )
    StockMovement.objects.filter(pk=row.pk).update(created_at=when)
    return row


def return_request(*, order: Order, created: datetime, number: str = "R-1") -> ReturnRequest:
    row = ReturnRequest.objects.create(
        number=number,
        order=order,
        reason=ReturnRequest.Reason.DEFECT,
        resolution=ReturnRequest.Resolution.REFUND,
        items_refund=Decimal("100.00"),
    )
    stamp(row, created=created)
    return row


def run_export(
    name: str,
    *,
    format: str = "csv",
    dialect: str = "standard",
    cursor: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[str, str]:
    """The export's text and its next cursor."""
    dataset = DATASETS[name]
    start = cursor_decode(dataset=dataset, text=cursor)
    plan = export_plan(dataset=dataset, date_from=date_from, date_to=date_to, start=start)
    body = b"".join(
        export_chunks(dataset=dataset, rows=export_rows(plan=plan), format=format, dialect=dialect)
    )
    return body.decode(), plan.next_cursor
