"""Purchase orders, transfers and counts: each moves stock only through the ledger, and bad
input changes nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.actor import Actor, PermissionMissing
from inventory.exceptions import (
    CountFileRejected,
    CountShortOfPromised,
    DocumentClosed,
    InvalidQuantity,
    NotOnDocument,
    NotStockedHere,
    ReceiptEmpty,
    ReceiptOverOrdered,
    TransferTooLarge,
)
from inventory.models import (
    Bin,
    PurchaseOrder,
    ReorderRule,
    StockCount,
    StockLevel,
    StockMovement,
    StockQuant,
    Supplier,
    Transfer,
)
from inventory.selectors import replenishment_needs, stock_discrepancies, stock_item
from inventory.services import (
    CountedLine,
    ReceivedLine,
    purchase_order_close,
    purchase_order_receive,
    replenishment_notify,
    stock_count_apply,
    stock_count_import,
    stock_count_open,
    stock_count_record,
    stock_receive,
    stock_reserve,
    transfer_cancel,
    transfer_receive,
    transfer_send,
)
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock_team(make_staff):
    return Actor.staff(make_staff("Warehouse"))


@pytest.fixture
def manager(make_staff):
    return Actor.staff(make_staff("Manager"))


@pytest.fixture
def variant():
    return ProductFactory(stock=0).variants.get()


def purchase(variant, quantity=10, warehouse=None):
    supplier, _ = Supplier.objects.get_or_create(cnpj="11222333000181", defaults={"name": "Fornecedora"})
    order = PurchaseOrder.objects.create(
        supplier=supplier,
        warehouse=warehouse or WarehouseFactory(),
        expected_on=timezone.localdate() + timedelta(days=5),
    )
    line = order.lines.create(variant=variant, quantity_ordered=quantity)
    return order, line


def ledger_agrees():
    return stock_discrepancies(level_ids=list(StockLevel.objects.values_list("pk", flat=True))) == []


def test_a_partial_delivery_then_the_rest_receives_the_purchase_order(variant, stock_team):
    order, line = purchase(variant, quantity=10)
    bin = Bin.objects.create(warehouse=order.warehouse, code="A-01", position=1)
    purchase_order_receive(
        purchase_order_id=order.pk, lines=[ReceivedLine(line.pk, 6, bin_id=bin.pk)], actor=stock_team
    )
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.PARTIALLY_RECEIVED
    variant.refresh_from_db()
    assert variant.stock_online == 6
    assert StockQuant.objects.get().bin == bin

    purchase_order_receive(purchase_order_id=order.pk, lines=[ReceivedLine(line.pk, 4)], actor=stock_team)
    order.refresh_from_db()
    line.refresh_from_db()
    assert (order.status, line.quantity_received) == (PurchaseOrder.Status.RECEIVED, 10)
    assert ledger_agrees()


def test_more_than_ordered_is_refused_unless_accepted_and_then_recorded(variant, stock_team):
    order, line = purchase(variant, quantity=5)
    with pytest.raises(ReceiptOverOrdered):
        purchase_order_receive(purchase_order_id=order.pk, lines=[ReceivedLine(line.pk, 7)], actor=stock_team)
    assert not StockMovement.objects.exists()
    receipt = purchase_order_receive(
        purchase_order_id=order.pk,
        lines=[ReceivedLine(line.pk, 7)],
        actor=stock_team,
        accept_over_delivery=True,
    )
    assert receipt.lines.get().over_delivery == 2
    assert StockLevel.objects.get().on_hand == 7


@pytest.mark.parametrize(
    ("lines", "error"),
    [([], ReceiptEmpty), ([0], ReceiptEmpty), ([-1], InvalidQuantity)],
)
def test_bad_receipts_change_nothing(variant, stock_team, lines, error):
    order, line = purchase(variant)
    with pytest.raises(error):
        purchase_order_receive(
            purchase_order_id=order.pk, lines=[ReceivedLine(line.pk, q) for q in lines], actor=stock_team
        )
    assert not StockMovement.objects.exists() and not order.receipts.exists()


def test_closing_a_short_delivery_stops_waiting_for_the_rest(variant, stock_team):
    order, line = purchase(variant, quantity=10)
    purchase_order_receive(purchase_order_id=order.pk, lines=[ReceivedLine(line.pk, 3)], actor=stock_team)
    purchase_order_close(purchase_order_id=order.pk, actor=stock_team)
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.RECEIVED
    with pytest.raises(DocumentClosed):
        purchase_order_receive(purchase_order_id=order.pk, lines=[ReceivedLine(line.pk, 1)], actor=stock_team)


def test_receiving_needs_the_stock_role(variant, make_staff):
    order, line = purchase(variant)
    with pytest.raises(PermissionMissing):
        purchase_order_receive(
            purchase_order_id=order.pk,
            lines=[ReceivedLine(line.pk, 1)],
            actor=Actor.staff(make_staff("Support agent")),
        )


def test_a_transfer_moves_units_through_transit_and_changes_online_availability(variant, stock_team):
    online, shop = WarehouseFactory(), WarehouseFactory(shop=True)
    stock_receive(variant_id=variant.pk, warehouse=shop, quantity=8, actor=stock_team)
    transfer = transfer_send(source=shop, destination=online, lines=[(variant.pk, 5)], actor=stock_team)
    item = stock_item(variant_id=variant.pk)
    assert {level.warehouse.code: (level.on_hand, level.in_transit) for level in item.levels} == {
        shop.code: (3, 0),
    }
    variant.refresh_from_db()
    assert variant.stock_online == 0
    transfer_receive(transfer_id=transfer.pk, actor=stock_team)
    variant.refresh_from_db()
    assert variant.stock_online == 5
    assert Transfer.objects.get().status == Transfer.Status.RECEIVED
    with pytest.raises(DocumentClosed):
        transfer_cancel(transfer_id=transfer.pk, actor=stock_team)
    assert ledger_agrees()


def test_a_transfer_larger_than_what_may_leave_is_refused(variant, stock_team):
    online, shop = WarehouseFactory(), WarehouseFactory(shop=True)
    stock_receive(variant_id=variant.pk, warehouse=online, quantity=4, actor=stock_team)
    stock_reserve(lines=[(variant.pk, 3)], reference="order:1", actor=stock_team)
    with pytest.raises(TransferTooLarge, match="só 1 unidade pode"):
        transfer_send(source=online, destination=shop, lines=[(variant.pk, 2)], actor=stock_team)
    assert not Transfer.objects.exists()
    assert StockLevel.objects.get(warehouse=online).on_hand == 4


def test_a_cancelled_transfer_goes_back_where_it_left(variant, stock_team):
    online, shop = WarehouseFactory(), WarehouseFactory(shop=True)
    stock_receive(variant_id=variant.pk, warehouse=shop, quantity=2, actor=stock_team)
    transfer = transfer_send(source=shop, destination=online, lines=[(variant.pk, 2)], actor=stock_team)
    transfer_cancel(transfer_id=transfer.pk, actor=stock_team)
    assert StockLevel.objects.get(warehouse=shop).on_hand == 2
    assert ledger_agrees()


def test_a_count_shows_differences_and_applies_them_when_a_manager_approves(variant, stock_team, manager):
    warehouse = WarehouseFactory()
    stock_receive(variant_id=variant.pk, warehouse=warehouse, quantity=10, actor=stock_team)
    count = stock_count_open(warehouse=warehouse, actor=stock_team)
    stock_count_record(count_id=count.pk, lines=[CountedLine(variant.sku, "GERAL", 8)], actor=stock_team)
    with pytest.raises(PermissionMissing):
        stock_count_apply(count_id=count.pk, actor=stock_team)
    applied = stock_count_apply(count_id=count.pk, actor=manager)
    assert (applied.status, applied.approved_by) == (StockCount.Status.APPLIED, manager.label)
    assert applied.lines.get().expected == 10
    assert StockLevel.objects.get().on_hand == 8
    assert StockMovement.objects.filter(kind=StockMovement.Kind.COUNT).get().on_hand_change == -2
    assert ledger_agrees()


def test_counting_a_sku_not_stocked_there_is_refused(variant, stock_team):
    count = stock_count_open(warehouse=WarehouseFactory(), actor=stock_team)
    with pytest.raises(NotStockedHere):
        stock_count_record(count_id=count.pk, lines=[CountedLine(variant.sku, "GERAL", 1)], actor=stock_team)
    assert not count.lines.exists()


def test_a_count_below_what_paid_orders_hold_is_refused(variant, stock_team, manager):
    warehouse = WarehouseFactory()
    stock_receive(variant_id=variant.pk, warehouse=warehouse, quantity=3, actor=stock_team)
    stock_reserve(lines=[(variant.pk, 3)], reference="order:5", actor=stock_team)
    count = stock_count_open(warehouse=warehouse, actor=stock_team)
    stock_count_record(count_id=count.pk, lines=[CountedLine(variant.sku, "GERAL", 1)], actor=stock_team)
    with pytest.raises(CountShortOfPromised):
        stock_count_apply(count_id=count.pk, actor=manager)
    count.refresh_from_db()
    assert count.status == StockCount.Status.OPEN
    assert StockLevel.objects.get().on_hand == 3


def test_a_count_file_with_one_bad_row_is_refused_whole(variant, stock_team):
    warehouse = WarehouseFactory()
    stock_receive(variant_id=variant.pk, warehouse=warehouse, quantity=5, actor=stock_team)
    count = stock_count_open(warehouse=warehouse, actor=stock_team)
    content = (
        f"sku;bin;lot;counted\n{variant.sku};GERAL;;4\nNAO-EXISTE;GERAL;;2\n{variant.sku};GERAL;;x\n".encode()
    )
    with pytest.raises(CountFileRejected) as rejected:
        stock_count_import(count_id=count.pk, content=content, actor=stock_team)
    assert [row for row, _message in rejected.value.errors] == [3, 4]
    assert not count.lines.exists()
    good = f"sku,bin,lot,counted\n{variant.sku},GERAL,,4\n".encode()
    assert stock_count_import(count_id=count.pk, content=good, actor=stock_team) == 1
    assert count.lines.get().counted == 4


def test_below_minimum_counts_what_is_owed_and_tells_the_stock_team_once_a_day(
    variant, stock_team, make_staff, django_capture_on_commit_callbacks
):
    warehouse = WarehouseFactory()
    stock_receive(variant_id=variant.pk, warehouse=warehouse, quantity=2, actor=stock_team)
    ReorderRule.objects.create(variant=variant, warehouse=warehouse, minimum=5, maximum=20)
    [need] = replenishment_needs()
    assert (need.projected, need.suggested) == (2, 18)

    make_staff("Support agent")  # not on the stock team
    with django_capture_on_commit_callbacks(execute=True):
        assert replenishment_notify() == 1
        assert replenishment_notify() == 1
    assert [message.to for message in mail.outbox] == [[stock_team.user.email]]
    assert variant.sku in mail.outbox[0].body

    purchase(variant, quantity=3, warehouse=warehouse)
    assert not replenishment_needs()  # 2 free + 3 owed reach the minimum


def test_a_count_keeps_what_moved_after_counting(variant, stock_team, manager):
    warehouse = WarehouseFactory()
    stock_receive(variant_id=variant.pk, warehouse=warehouse, quantity=10, actor=stock_team)
    count = stock_count_open(warehouse=warehouse, actor=stock_team)
    stock_count_record(count_id=count.pk, lines=[CountedLine(variant.sku, "GERAL", 9)], actor=stock_team)
    stock_receive(variant_id=variant.pk, warehouse=warehouse, quantity=20, actor=stock_team)
    stock_count_apply(count_id=count.pk, actor=manager)
    assert StockLevel.objects.get().on_hand == 29  # one unit missing at the count, twenty received since
    assert ledger_agrees()


def test_transfers_leave_expired_lots_behind(stock_team):
    milk = ProductFactory(stock=0).variants.get()
    milk.tracks_lots = True
    milk.save(update_fields=["tracks_lots"])
    online, shop = WarehouseFactory(), WarehouseFactory(shop=True)
    today = timezone.localdate()
    for lot, days in (("OLD", -2), ("NEW", 20)):
        stock_receive(
            variant_id=milk.pk,
            warehouse=online,
            quantity=5,
            actor=stock_team,
            lot_code=lot,
            expires_on=today + timedelta(days=days),
        )
    transfer = transfer_send(source=online, destination=shop, lines=[(milk.pk, 5)], actor=stock_team)
    assert [line.lot.code for line in transfer.lines.all()] == ["NEW"]
    with pytest.raises(TransferTooLarge):
        transfer_send(source=online, destination=shop, lines=[(milk.pk, 1)], actor=stock_team)


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", b"sku\tbin\tlot\tcounted\nX\tGERAL\t\t1\n", b"sku\n", b"\xff\xfe\x00"],
)
def test_count_files_that_are_not_count_tables_are_refused_clearly(variant, stock_team, content):
    count = stock_count_open(warehouse=WarehouseFactory(), actor=stock_team)
    with pytest.raises(CountFileRejected) as rejected:
        stock_count_import(count_id=count.pk, content=content, actor=stock_team)
    assert rejected.value.errors[0][0] == 1


def test_a_count_file_with_a_bom_and_semicolons_is_read(variant, stock_team):
    warehouse = WarehouseFactory()
    stock_receive(variant_id=variant.pk, warehouse=warehouse, quantity=5, actor=stock_team)
    count = stock_count_open(warehouse=warehouse, actor=stock_team)
    content = f"\ufeffSKU;Bin;Lot;Counted\r\n{variant.sku};GERAL;;4\r\n".encode()
    assert stock_count_import(count_id=count.pk, content=content, actor=stock_team) == 1


def test_the_same_purchase_line_twice_in_one_receipt_is_refused(variant, stock_team):
    order, line = purchase(variant, quantity=5)
    with pytest.raises(NotOnDocument):
        purchase_order_receive(
            purchase_order_id=order.pk,
            lines=[ReceivedLine(line.pk, 4), ReceivedLine(line.pk, 4)],
            actor=stock_team,
        )
    assert not StockMovement.objects.exists()


def test_a_count_file_with_a_nul_in_a_cell_is_refused_naming_its_line(variant, stock_team):
    count = stock_count_open(warehouse=WarehouseFactory(), actor=stock_team)
    content = f"sku,bin,lot,counted\n{variant.sku},GERAL,,4\n{variant.sku}\x00,GERAL,,2\n".encode()
    with pytest.raises(CountFileRejected) as rejected:
        stock_count_import(count_id=count.pk, content=content, actor=stock_team)
    assert rejected.value.errors == [(3, "contém caracteres que a loja não aceita, como um byte NUL")]
    assert not count.lines.exists()
