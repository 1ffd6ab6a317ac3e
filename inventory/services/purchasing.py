"""Goods received against purchase orders: partial deliveries, and more than ordered only when said."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F

from core.actor import Actor
from inventory.exceptions import (
    DocumentClosed,
    InvalidQuantity,
    NotOnDocument,
    ReceiptEmpty,
    ReceiptOverOrdered,
)
from inventory.locks import lock_document
from inventory.models import (
    PURCHASE_ORDER_TRANSITIONS,
    Bin,
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    StockMovement,
    Supplier,
    Warehouse,
)
from inventory.services.stock import (
    default_bin,
    document_transition,
    levels_for_update,
    lot_for_receipt,
    quant_for,
    stock_apply,
    stock_sync_online,
)

OPEN = (PurchaseOrder.Status.ORDERED, PurchaseOrder.Status.PARTIALLY_RECEIVED)


@dataclass(frozen=True)
class ReceivedLine:
    """What the receiver counted of one purchase order line, and where it went."""

    purchase_line_id: int
    quantity: int
    bin_id: int | None = None
    lot_code: str = ""
    expires_on: date | None = None


@transaction.atomic
def purchase_order_receive(
    *,
    purchase_order_id: int,
    lines: list[ReceivedLine],
    actor: Actor,
    accept_over_delivery: bool = False,
    note: str = "",
) -> GoodsReceipt:
    """Receive one delivery against a purchase order, all or nothing: each line's units go on
    hand in its bin (and lot), the order becomes partially received or received, and the
    receipt records who received what. Fewer units than ordered are fine (the rest is still
    expected); more than ordered only with `accept_over_delivery`, and the excess is recorded.

    Raises DocumentClosed, ReceiptEmpty, InvalidQuantity, ReceiptOverOrdered, LotRequired or
    LotExpiryMismatch, changing nothing.
    """
    actor.require_perm("inventory.receive_stock")
    order = lock_document(PurchaseOrder, purchase_order_id)
    if order.status not in OPEN:
        raise DocumentClosed()
    if any(not isinstance(line.quantity, int) or line.quantity < 0 for line in lines):
        raise InvalidQuantity()
    counted = [line for line in lines if line.quantity > 0]
    if not counted:
        raise ReceiptEmpty()
    order_lines = {line.pk: line for line in order.lines.select_related("variant")}
    bins = {bin.pk: bin for bin in Bin.objects.filter(warehouse=order.warehouse, is_active=True)}
    line_ids = [line.purchase_line_id for line in counted]
    if len(set(line_ids)) != len(line_ids) or any(
        line.purchase_line_id not in order_lines or (line.bin_id is not None and line.bin_id not in bins)
        for line in counted
    ):
        raise NotOnDocument()  # a line twice, or a line or bin of another order: a forged form
    levels = levels_for_update(
        variant_ids=[order_lines[line_id].variant_id for line_id in line_ids], warehouse=order.warehouse
    )
    receipt = GoodsReceipt.objects.create(purchase_order=order, received_by=actor.label, note=note)
    for line in sorted(counted, key=lambda line: levels[order_lines[line.purchase_line_id].variant_id].pk):
        ordered = order_lines[line.purchase_line_id]
        over = max(line.quantity - ordered.quantity_missing, 0)
        if over and not accept_over_delivery:
            raise ReceiptOverOrdered(sku=ordered.variant.sku, missing=ordered.quantity_missing)
        lot = lot_for_receipt(variant=ordered.variant, code=line.lot_code, expires_on=line.expires_on)
        bin = bins[line.bin_id] if line.bin_id is not None else default_bin(warehouse=order.warehouse)
        level = levels[ordered.variant_id]
        stock_apply(
            level=level,
            quant=quant_for(level=level, bin=bin, lot=lot),
            kind=StockMovement.Kind.RECEIVE,
            on_hand=line.quantity,
            actor=actor,
            reference=f"receipt:{receipt.pk}",
            reason=order.number,
        )
        GoodsReceiptLine.objects.create(
            receipt=receipt,
            purchase_line=ordered,
            quantity=line.quantity,
            bin=bin,
            lot=lot,
            over_delivery=over,
        )
        type(ordered).objects.filter(pk=ordered.pk).update(
            quantity_received=F("quantity_received") + line.quantity
        )
    complete = not order.lines.filter(quantity_received__lt=F("quantity_ordered")).exists()
    document_transition(
        document=order,
        to=PurchaseOrder.Status.RECEIVED if complete else PurchaseOrder.Status.PARTIALLY_RECEIVED,
        transitions=PURCHASE_ORDER_TRANSITIONS,
    )
    stock_sync_online(variant_ids=[order_lines[line.purchase_line_id].variant_id for line in counted])
    return receipt


@transaction.atomic
def purchase_order_close(*, purchase_order_id: int, actor: Actor) -> PurchaseOrder:
    """Stop waiting for the rest of a partly delivered order (what never came stays recorded as
    short on its lines), or cancel one nothing was received of."""
    actor.require_perm("inventory.receive_stock")
    order = lock_document(PurchaseOrder, purchase_order_id)
    to = (
        PurchaseOrder.Status.RECEIVED
        if order.status == PurchaseOrder.Status.PARTIALLY_RECEIVED
        else PurchaseOrder.Status.CANCELLED
    )
    document_transition(document=order, to=to, transitions=PURCHASE_ORDER_TRANSITIONS)
    return order


@transaction.atomic
def supplier_upsert(*, cnpj: str, name: str, email: str = "") -> Supplier:
    supplier = Supplier.objects.filter(cnpj=cnpj).first() or Supplier(cnpj=cnpj)
    supplier.name, supplier.email = name, email
    supplier.full_clean()
    supplier.save()
    return supplier


@transaction.atomic
def purchase_order_create(
    *, supplier: Supplier, warehouse: Warehouse, expected_on: date, lines: list[tuple[int, int]], actor: Actor
) -> PurchaseOrder:
    """Order `(variant_id, quantity)` lines from a supplier for a warehouse. Raises InvalidQuantity."""
    actor.require_perm("inventory.add_purchaseorder")
    if not lines or any(not isinstance(quantity, int) or quantity < 1 for _variant_id, quantity in lines):
        raise InvalidQuantity()
    order = PurchaseOrder.objects.create(supplier=supplier, warehouse=warehouse, expected_on=expected_on)
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(purchase_order=order, variant_id=variant_id, quantity_ordered=quantity)
        for variant_id, quantity in lines
    )
    return order
