"""Units sent between warehouses (the shop and the online centre): out of one when sent, in
transit meanwhile, into the other when received."""

from django.db import transaction

from core.actor import Actor
from inventory.exceptions import InvalidQuantity, NotOnDocument, TransferTooLarge
from inventory.locks import lock_document, lock_stock_quants
from inventory.models import (
    TRANSFER_TRANSITIONS,
    StockMovement,
    StockQuant,
    Transfer,
    TransferLine,
    Warehouse,
)
from inventory.services.stock import (
    default_bin,
    document_transition,
    fefo_key,
    level_for_update,
    quant_for,
    stock_apply,
    stock_sync_online,
)
from storefront.catalog.models import Variant


@transaction.atomic
def transfer_send(
    *, source: Warehouse, destination: Warehouse, lines: list[tuple[int, int]], actor: Actor
) -> Transfer:
    """Send `(variant_id, quantity)` lines from one warehouse to another, all or nothing. Units
    leave the source's bins first to expire first, never those reserved or allocated to
    orders, and stay in transit until received.

    Raises InvalidQuantity, NotOnDocument (same warehouse both ends) or TransferTooLarge.
    """
    actor.require_perm("inventory.transfer_stock")
    if source.pk == destination.pk:
        raise NotOnDocument()
    wanted: dict[int, int] = {}
    for variant_id, quantity in lines:
        if not isinstance(quantity, int) or quantity < 1:
            raise InvalidQuantity()
        wanted[variant_id] = wanted.get(variant_id, 0) + quantity
    if not wanted:
        raise InvalidQuantity()
    transfer = Transfer.objects.create(source=source, destination=destination, created_by=actor.label)
    variants = Variant.objects.in_bulk(list(wanted))
    for variant_id, quantity in sorted(wanted.items()):
        level = level_for_update(variant_id=variant_id, warehouse=source)
        quant_ids = StockQuant.objects.filter(level=level).values_list("pk", flat=True)
        lock_stock_quants(ids=quant_ids)
        quants = sorted(StockQuant.objects.filter(level=level).select_related("lot", "bin"), key=fefo_key)
        free = min(level.on_hand - level.reserved, sum(q.on_hand - q.allocated for q in quants))
        if quantity > free:
            raise TransferTooLarge(sku=variants[variant_id].sku, available=max(free, 0))
        remaining = quantity
        for quant in quants:
            take = min(remaining, quant.on_hand - quant.allocated)
            if take <= 0:
                continue
            stock_apply(
                level=level,
                quant=quant,
                kind=StockMovement.Kind.TRANSFER,
                on_hand=-take,
                actor=actor,
                reference=f"transfer:{transfer.pk}",
            )
            TransferLine.objects.create(
                transfer=transfer, variant_id=variant_id, lot=quant.lot, quantity=take
            )
            remaining -= take
            if not remaining:
                break
    stock_sync_online(variant_ids=wanted)
    return transfer


@transaction.atomic
def transfer_receive(*, transfer_id: int, actor: Actor) -> Transfer:
    """The units in transit arrive: on hand in the destination's default bin, same lots."""
    actor.require_perm("inventory.transfer_stock")
    transfer = lock_document(Transfer, transfer_id)
    document_transition(
        document=transfer,
        to=Transfer.Status.RECEIVED,
        transitions=TRANSFER_TRANSITIONS,
        received_by=actor.label,
    )
    _transfer_put(transfer=transfer, warehouse=transfer.destination, actor=actor)
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer_id: int, actor: Actor) -> Transfer:
    """Call back a transfer still in transit: its units go back on hand where they left."""
    actor.require_perm("inventory.transfer_stock")
    transfer = lock_document(Transfer, transfer_id)
    document_transition(document=transfer, to=Transfer.Status.CANCELLED, transitions=TRANSFER_TRANSITIONS)
    _transfer_put(transfer=transfer, warehouse=transfer.source, actor=actor)
    return transfer


def _transfer_put(*, transfer: Transfer, warehouse: Warehouse, actor: Actor) -> None:
    bin = default_bin(warehouse=warehouse)
    lines = list(transfer.lines.order_by("variant_id", "pk"))
    for line in lines:
        level = level_for_update(variant_id=line.variant_id, warehouse=warehouse)
        stock_apply(
            level=level,
            quant=quant_for(level=level, bin=bin, lot=line.lot),
            kind=StockMovement.Kind.TRANSFER,
            on_hand=line.quantity,
            actor=actor,
            reference=f"transfer:{transfer.pk}",
        )
    stock_sync_online(variant_ids={line.variant_id for line in lines})
