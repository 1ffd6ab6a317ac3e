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
from inventory.selectors import sellable, sellable_on_hand
from inventory.services.stock import (
    default_bin,
    document_transition,
    fefo_key,
    levels_for_update,
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
    variants = Variant.objects.in_bulk(list(wanted))
    levels = levels_for_update(variant_ids=wanted, warehouse=source)
    lock_stock_quants(
        ids=StockQuant.objects.filter(level__in=list(levels.values())).values_list("pk", flat=True)
    )
    # Only units that may still be sold travel: expired lots stay to be written off.
    quants = sorted(
        StockQuant.objects.filter(sellable(), level__in=list(levels.values())).select_related("lot", "bin"),
        key=fefo_key,
    )
    on_hand = sellable_on_hand(level_ids=[level.pk for level in levels.values()])
    transfer = Transfer.objects.create(source=source, destination=destination, created_by=actor.label)
    for variant_id, quantity in sorted(wanted.items(), key=lambda item: levels[item[0]].pk):
        level = levels[variant_id]
        own = [quant for quant in quants if quant.level_id == level.pk]
        free = min(on_hand.get(level.pk, 0) - level.reserved, sum(q.on_hand - q.allocated for q in own))
        if quantity > free:
            raise TransferTooLarge(sku=variants[variant_id].sku, available=max(free, 0))
        remaining = quantity
        for quant in own:
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
    """Call back a transfer still in transit: its units go back on hand in the source
    warehouse (its default bin, for the team to put away)."""
    actor.require_perm("inventory.transfer_stock")
    transfer = lock_document(Transfer, transfer_id)
    document_transition(document=transfer, to=Transfer.Status.CANCELLED, transitions=TRANSFER_TRANSITIONS)
    _transfer_put(transfer=transfer, warehouse=transfer.source, actor=actor)
    return transfer


def _transfer_put(*, transfer: Transfer, warehouse: Warehouse, actor: Actor) -> None:
    """Put a transfer's units on hand in the warehouse's default bin, in their lots."""
    bin = default_bin(warehouse=warehouse)
    lines = list(transfer.lines.all())
    levels = levels_for_update(variant_ids=[line.variant_id for line in lines], warehouse=warehouse)
    for line in sorted(lines, key=lambda line: (levels[line.variant_id].pk, line.pk)):
        level = levels[line.variant_id]
        stock_apply(
            level=level,
            quant=quant_for(level=level, bin=bin, lot=line.lot),
            kind=StockMovement.Kind.TRANSFER,
            on_hand=line.quantity,
            actor=actor,
            reference=f"transfer:{transfer.pk}",
        )
    stock_sync_online(variant_ids={line.variant_id for line in lines})
