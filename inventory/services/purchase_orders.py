"""Purchase orders drafted, edited and sent by the stock team: by hand, or in one step from
the variants below their reorder minimum. A draft changes freely; sending it moves it along
PURCHASE_ORDER_TRANSITIONS, after which only receiving (services/purchasing.py) moves it."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from core.actor import Actor
from core.locks import for_update
from inventory.exceptions import (
    InvalidQuantity,
    InvalidUnitCost,
    NotOnDocument,
    PurchaseLineDuplicate,
    PurchaseOrderEmpty,
    PurchaseOrderNotDraft,
    VariantUnknown,
)
from inventory.locks import lock_document
from inventory.models import (
    PURCHASE_ORDER_TRANSITIONS,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    Warehouse,
)
from inventory.selectors import replenishment_needs
from inventory.services.stock import document_transition
from storefront.catalog.models import Variant

# More units than this in one line, or a cost above this, is a typo.
MAX_UNITS = 1_000_000
MAX_UNIT_COST = Decimal("9999999999.99")
DRAFT = PurchaseOrder.Status.DRAFT


def expected_arrival(*, supplier: Supplier, today: date | None = None) -> date:
    """The day an order sent today arrives, by the supplier's lead time (calendar days)."""
    return (today or timezone.localdate()) + timedelta(days=supplier.lead_time_days)


def _checked_quantity(quantity: object) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_UNITS:
        raise InvalidQuantity()
    return quantity


def _checked_cost(unit_cost: object) -> Decimal:
    try:
        cost = Decimal(str(unit_cost))
    except (InvalidOperation, ValueError) as error:
        raise InvalidUnitCost() from error
    if not cost.is_finite() or cost < 0 or cost > MAX_UNIT_COST or cost != cost.quantize(Decimal("0.01")):
        raise InvalidUnitCost()
    return cost.quantize(Decimal("0.01"))


def _lock_draft(purchase_order_id: int) -> PurchaseOrder:
    order = lock_document(PurchaseOrder, purchase_order_id)
    if order.status != DRAFT:
        raise PurchaseOrderNotDraft()
    return order


@transaction.atomic
def purchase_order_draft(
    *, supplier: Supplier, warehouse: Warehouse, actor: Actor, note: str = ""
) -> PurchaseOrder:
    """Start a draft purchase order, expected after the supplier's lead time."""
    actor.require_perm("inventory.add_purchaseorder")
    return PurchaseOrder.objects.create(
        supplier=supplier,
        warehouse=warehouse,
        status=DRAFT,
        expected_on=expected_arrival(supplier=supplier),
        note=note,
        created_by=actor.label,
    )


@transaction.atomic
def purchase_order_update(
    *, purchase_order_id: int, expected_on: date, note: str, actor: Actor
) -> PurchaseOrder:
    """Change a draft's expected date and note. Raises PurchaseOrderNotDraft."""
    actor.require_perm("inventory.change_purchaseorder")
    order = _lock_draft(purchase_order_id)
    order.expected_on, order.note = expected_on, note
    order.save(update_fields=["expected_on", "note", "updated_at"])
    return order


@transaction.atomic
def purchase_order_line_add(
    *, purchase_order_id: int, variant_id: int, quantity: int, unit_cost: Decimal | None, actor: Actor
) -> PurchaseOrderLine:
    """Add a variant to a draft; without a unit cost, the variant's cost price (or zero).

    Raises InvalidQuantity, InvalidUnitCost, PurchaseOrderNotDraft, VariantUnknown or
    PurchaseLineDuplicate, changing nothing."""
    actor.require_perm("inventory.change_purchaseorder")
    quantity = _checked_quantity(quantity)
    cost = None if unit_cost is None else _checked_cost(unit_cost)
    order = _lock_draft(purchase_order_id)
    variant = Variant.objects.filter(pk=variant_id).first() if isinstance(variant_id, int) else None
    if variant is None:
        raise VariantUnknown()
    if order.lines.filter(variant=variant).exists():
        raise PurchaseLineDuplicate(sku=variant.sku)
    return PurchaseOrderLine.objects.create(
        purchase_order=order,
        variant=variant,
        quantity_ordered=quantity,
        unit_cost=cost if cost is not None else (variant.cost_price or Decimal("0.00")),
    )


@transaction.atomic
def purchase_order_line_change(
    *, purchase_order_id: int, line_id: int, quantity: int, unit_cost: Decimal, actor: Actor
) -> PurchaseOrderLine:
    """Change the quantity and unit cost of a draft's line. Raises InvalidQuantity,
    InvalidUnitCost, PurchaseOrderNotDraft or NotOnDocument, changing nothing."""
    actor.require_perm("inventory.change_purchaseorder")
    quantity, cost = _checked_quantity(quantity), _checked_cost(unit_cost)
    order = _lock_draft(purchase_order_id)
    line = order.lines.filter(pk=line_id).first()
    if line is None:
        raise NotOnDocument()
    line.quantity_ordered, line.unit_cost = quantity, cost
    line.save(update_fields=["quantity_ordered", "unit_cost", "updated_at"])
    return line


@transaction.atomic
def purchase_order_line_remove(*, purchase_order_id: int, line_id: int, actor: Actor) -> None:
    """Take a line off a draft. Raises PurchaseOrderNotDraft or NotOnDocument."""
    actor.require_perm("inventory.change_purchaseorder")
    order = _lock_draft(purchase_order_id)
    deleted, _rows = order.lines.filter(pk=line_id).delete()
    if not deleted:
        raise NotOnDocument()


@transaction.atomic
def purchase_order_send(*, purchase_order_id: int, actor: Actor) -> PurchaseOrder:
    """Send a draft to its supplier: it becomes ordered, what it brings counts as owed in the
    reorder list, and the warehouse may receive it. Raises PurchaseOrderNotDraft or
    PurchaseOrderEmpty, changing nothing."""
    actor.require_perm("inventory.send_purchase_order")
    order = _lock_draft(purchase_order_id)
    if not order.lines.exists():
        raise PurchaseOrderEmpty()
    document_transition(
        document=order,
        to=PurchaseOrder.Status.ORDERED,
        transitions=PURCHASE_ORDER_TRANSITIONS,
        sent_by=actor.label,
        sent_at=timezone.now(),
    )
    return order


@transaction.atomic
def purchase_order_cancel(*, purchase_order_id: int, actor: Actor) -> PurchaseOrder:
    """Drop a draft that will not be sent (a sent order is closed from receiving). Raises
    PurchaseOrderNotDraft."""
    actor.require_perm("inventory.change_purchaseorder")
    order = _lock_draft(purchase_order_id)
    document_transition(
        document=order, to=PurchaseOrder.Status.CANCELLED, transitions=PURCHASE_ORDER_TRANSITIONS
    )
    return order


@dataclass
class ReorderDrafts:
    """What one run of purchase_orders_from_reorder did."""

    created: list[PurchaseOrder] = field(default_factory=list)
    extended: list[PurchaseOrder] = field(default_factory=list)
    lines_added: int = 0
    already_drafted: int = 0
    without_supplier: list[str] = field(default_factory=list)


@transaction.atomic
def purchase_orders_from_reorder(*, actor: Actor, warehouse_id: int | None = None) -> ReorderDrafts:
    """Draft what the reorder list asks for, in one step: one draft per supplier and
    warehouse, each variant below its minimum ordered up to its maximum, less what is free,
    owed by suppliers and in transit (`replenishment_needs`). A variant already on a draft
    for its warehouse is left as it is, and a supplier's open draft for the warehouse gets
    the new lines, so running it again while the drafts exist adds nothing. Variants whose
    rule names no supplier are reported, not ordered.

    Locks the suppliers concerned, in pk order, so two runs at once cannot both draft."""
    actor.require_perm("inventory.add_purchaseorder")
    needs = list(replenishment_needs(warehouse_id=warehouse_id))
    result = ReorderDrafts(without_supplier=[need.variant.sku for need in needs if need.supplier_id is None])
    needs = [need for need in needs if need.supplier_id is not None]
    if not needs:
        return result
    suppliers = {
        supplier.pk: supplier
        for supplier in for_update(
            Supplier.objects.filter(pk__in={need.supplier_id for need in needs}).order_by("pk")
        )
    }
    warehouse_ids = {need.warehouse_id for need in needs}
    drafted = set(
        PurchaseOrderLine.objects.filter(
            purchase_order__status=DRAFT, purchase_order__warehouse_id__in=warehouse_ids
        ).values_list("variant_id", "purchase_order__warehouse_id")
    )
    drafts: dict[tuple[int, int], PurchaseOrder] = {}
    for order in PurchaseOrder.objects.filter(
        status=DRAFT, supplier_id__in=suppliers, warehouse_id__in=warehouse_ids
    ).order_by("pk"):
        drafts[order.supplier_id, order.warehouse_id] = order  # the newest draft of each pair
    wanted: dict[tuple[int, int], list] = defaultdict(list)
    for need in needs:
        if (need.variant_id, need.warehouse_id) in drafted:
            result.already_drafted += 1
        else:
            wanted[need.supplier_id, need.warehouse_id].append(need)
    lines = []
    for (supplier_id, warehouse_id), group in wanted.items():
        order = drafts.get((supplier_id, warehouse_id))
        if order is None:
            order = PurchaseOrder.objects.create(
                supplier=suppliers[supplier_id],
                warehouse_id=warehouse_id,
                status=DRAFT,
                expected_on=expected_arrival(supplier=suppliers[supplier_id]),
                created_by=actor.label,
            )
            result.created.append(order)
        else:
            result.extended.append(order)
        lines += [
            PurchaseOrderLine(
                purchase_order=order,
                variant_id=need.variant_id,
                quantity_ordered=need.suggested,
                unit_cost=need.variant.cost_price or Decimal("0.00"),
            )
            for need in group
        ]
    PurchaseOrderLine.objects.bulk_create(lines)
    result.lines_added = len(lines)
    return result
