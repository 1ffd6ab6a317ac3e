"""What came back and what the customer gets for it: each unit inspected and put somewhere
(back on sale, quarantine, written off, back to the supplier, or refused and sent back), the
refund fixed from the units accepted, the entry invoice issued, and the money asked for once."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.actor import Actor
from core.money import quantize_brl
from inventory.models import Bin, Lot
from inventory.selectors import lots_shipped
from inventory.services import default_bin, quarantine_bin, stock_return
from logistics.services import invoice_issue_entry
from orders.models import Payment, Refund
from orders.services import order_note_add, refund_request
from returns.exceptions import (
    ReasonRequired,
    ReturnLineNotInOrder,
    ReturnLinesRequired,
    ReturnTransitionNotAllowed,
    UnitsNotOnRequest,
)
from returns.locks import lock_return_request
from returns.models import ReturnLine, ReturnRequest, ReturnUnit
from returns.notifications import return_notify
from returns.selectors import return_policy, units_claimed
from returns.services.exchanges import exchange_confirm_or_call_off, exchange_release
from returns.services.parcels import _return_shipment
from returns.services.transitions import return_transition
from returns.windows import SHIPPING_REFUNDED_BY_LAW

RS = ReturnRequest.Status
Disposition = ReturnUnit.Disposition
ORDER_NOTES = Actor.job("returns")
# Units that came back into the store's hands; a refused unit goes back to the customer.
ACCEPTED = frozenset({Disposition.RESTOCK, Disposition.QUARANTINE, Disposition.SCRAP, Disposition.SUPPLIER})


@dataclass(frozen=True)
class UnitDecision:
    """What the inspector did with one unit taken out of the parcel."""

    order_line_id: int
    disposition: str
    bin_id: int | None = None  # restock: a bin that sells (the warehouse's default one unless said)
    lot_id: int | None = None  # the lot it left in, unless said
    note: str = ""  # why it was refused: the customer reads it


def _decisions_check(request: ReturnRequest, decisions: list[UnitDecision]) -> dict[int, ReturnLine]:
    if not decisions:
        raise ReturnLinesRequired()
    lines = {line.order_line_id: line for line in request.lines.select_related("order_line__variant")}
    per_line = Counter(decision.order_line_id for decision in decisions)
    for order_line_id, count in per_line.items():
        line = lines.get(order_line_id)
        if line is None:
            raise ReturnLineNotInOrder()
        if count > line.quantity:
            raise UnitsNotOnRequest(item=line.order_line.product_name, count=line.quantity)
    for decision in decisions:
        if decision.disposition not in Disposition.values:
            raise ReturnLinesRequired()
        if decision.disposition == Disposition.REFUSED and not decision.note.strip():
            raise ReasonRequired()
    return lines


def _stock_back(
    *, request: ReturnRequest, line: ReturnLine, decision: UnitDecision, actor: Actor, warehouse
) -> tuple[Bin | None, Lot | None]:
    """Units restocked or quarantined go back on hand, in the lot they left in."""
    if decision.disposition not in (Disposition.RESTOCK, Disposition.QUARANTINE):
        return None, None
    variant_id = line.order_line.variant_id
    shipped = lots_shipped(reference=f"order:{request.order_id}", variant_id=variant_id)
    lot = next((lot for lot in shipped if lot.pk == decision.lot_id), shipped[0] if shipped else None)
    if decision.disposition == Disposition.QUARANTINE:
        bin = quarantine_bin(warehouse=warehouse)
    else:
        bin = Bin.objects.filter(
            pk=decision.bin_id, warehouse=warehouse, is_sellable=True
        ).first() or default_bin(warehouse=warehouse)
    stock_return(
        variant_id=variant_id,
        warehouse=warehouse,
        quantity=1,
        actor=actor,
        reference=f"return:{request.pk}",
        bin=bin,
        lot=lot,
        reason=str(Disposition(decision.disposition).label),
    )
    return bin, lot


def _refund_amounts(*, request: ReturnRequest, accepted: dict[int, int]) -> tuple[Decimal, Decimal]:
    """Items at the price paid (the order's discounts taken off in proportion) and, where the
    law or the store's policy says so, the shipping in the same proportion; the order's last
    accepted units take what is left of the shipping."""
    order = request.order
    lines = {line.order_line_id: line.order_line for line in request.lines.select_related("order_line")}
    gross = sum((lines[line_id].unit_price * units for line_id, units in accepted.items()), Decimal("0"))
    if not gross or not order.items_total:
        return Decimal("0.00"), Decimal("0.00")
    items = quantize_brl(gross - order.discount_total * gross / order.items_total)
    refunds_shipping = (
        request.reason in SHIPPING_REFUNDED_BY_LAW or return_policy().satisfaction_refunds_shipping
    )
    if not refunds_shipping or not order.shipping_total:
        return items, Decimal("0.00")
    claimed = units_claimed(order_id=order.pk, exclude_request_id=request.pk)
    all_back = all(
        claimed.get(line.pk, 0) + accepted.get(line.pk, 0) >= line.quantity for line in order.lines.all()
    )
    if all_back:
        refunded_before = sum(
            ReturnRequest.objects.filter(order=order)
            .exclude(pk=request.pk)
            .values_list("shipping_refund", flat=True),
            Decimal("0"),
        )
        return items, max(order.shipping_total - refunded_before, Decimal("0.00"))
    return items, quantize_brl(order.shipping_total * gross / order.items_total)


def _refund_method(request: ReturnRequest) -> tuple[str, dict]:
    if request.resolution == ReturnRequest.Resolution.STORE_CREDIT:
        return Refund.Method.STORE_CREDIT, {}
    paid_by_boleto = request.order.payments.filter(
        method=Payment.Method.BOLETO, status__in=[Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED]
    ).exists()
    if not paid_by_boleto:
        return Refund.Method.ORIGINAL, {}
    if request.refund_pix_key:
        return Refund.Method.BANK_TRANSFER, {"pix_key": request.refund_pix_key}
    return Refund.Method.BANK_TRANSFER, dict(request.refund_bank_account)


def _refund(*, request: ReturnRequest, amount: Decimal, actor: Actor) -> None:
    """Ask for the money once: after commit a task makes the refund."""
    method, destination = _refund_method(request)
    refund_request(
        order_id=request.order_id,
        amount=amount,
        method=method,
        source=f"return:{request.pk}",
        actor=actor,
        destination=destination,
    )


def _settle(*, request: ReturnRequest, actor: Actor) -> ReturnRequest:
    """Finish the request: an exchange sends its replacement (the items' value went into it;
    the shipping the law refunds is paid back), a refund asks for the money, and nothing
    accepted closes it."""
    if request.resolution == ReturnRequest.Resolution.EXCHANGE:
        exchange_release(
            request=request, actor=actor, note=_("Return %(number)s inspected") % {"number": request.number}
        )
        if request.shipping_refund:
            _refund(request=request, amount=request.shipping_refund, actor=actor)
        return_transition(
            request=request,
            to=RS.EXCHANGED,
            actor=actor,
            note=request.exchange_order.number,
            items_refund=Decimal("0.00"),
        )
        return request
    if request.refund_total <= 0:
        return_transition(request=request, to=RS.CLOSED, actor=actor, note=request.decision_note)
        return request
    _refund(request=request, amount=request.refund_total, actor=actor)
    return_transition(request=request, to=RS.REFUNDED, actor=actor, note=str(request.refund_total))
    return_notify(request=request, step="refunded")
    return request


@transaction.atomic
def return_inspect(
    *, request_id: int, actor: Actor, decisions: list[UnitDecision], note: str = ""
) -> ReturnRequest:
    """Record what was done with each unit of a received parcel: units back on sale or in
    quarantine return to stock (a RETURN line in the ledger, lot and expiry kept), the others
    are written off, set aside for the supplier, or refused with a reason the customer reads.
    Units asked back but not in the parcel are not refunded. Then the refund is fixed, the
    entry invoice issued and the money asked for.

    Raises UnitsNotOnRequest (more units than asked), ReturnLineNotInOrder, ReasonRequired,
    ReturnTransitionNotAllowed or PermissionMissing, changing nothing.
    """
    request = lock_return_request(request_id)
    actor.require_perm("returns.receive_return")
    if request.status != RS.RECEIVED:
        raise ReturnTransitionNotAllowed()
    lines = _decisions_check(request, decisions)
    warehouse = _return_shipment(request).warehouse
    received, accepted = Counter(), Counter()
    refused_notes = []
    for decision in decisions:
        line = lines[decision.order_line_id]
        bin, lot = _stock_back(
            request=request, line=line, decision=decision, actor=actor, warehouse=warehouse
        )
        ReturnUnit.objects.create(
            line=line,
            disposition=decision.disposition,
            bin=bin,
            lot=lot,
            note=decision.note.strip()[:300],
            inspected_by=actor.label,
        )
        received[line.order_line_id] += 1
        if decision.disposition in ACCEPTED:
            accepted[line.order_line_id] += 1
        else:
            refused_notes.append(f"{line.order_line.product_name}: {decision.note.strip()}")
    for order_line_id, line in lines.items():
        line.received_quantity, line.accepted_quantity = received[order_line_id], accepted[order_line_id]
        line.save(update_fields=["received_quantity", "accepted_quantity", "updated_at"])
    items_refund, shipping_refund = _refund_amounts(request=request, accepted=dict(accepted))
    decision_note = "\n".join([note.strip(), *refused_notes]).strip()
    return_transition(
        request=request,
        to=RS.INSPECTED,
        actor=actor,
        note=decision_note,
        items_refund=items_refund,
        shipping_refund=shipping_refund,
        decision_note=decision_note,
    )
    order_note_add(
        order_id=request.order_id,
        actor=ORDER_NOTES,
        note=_("%(number)s inspected: %(accepted)d of %(received)d units accepted back.")
        % {"number": request.number, "accepted": accepted.total(), "received": received.total()},
    )
    if accepted:
        order_lines = {line.order_line_id: line.order_line for line in lines.values()}
        invoice_issue_entry(
            order=request.order,
            lines=[(order_lines[order_line_id], units) for order_line_id, units in accepted.items()],
            freight=shipping_refund,
            source=f"return:{request.pk}",
        )
    exchange_confirm_or_call_off(request=request, actor=actor)
    return_notify(request=request, step="inspected")
    return _settle(request=request, actor=actor)


def return_settle_without_parcel(*, request: ReturnRequest, actor: Actor) -> ReturnRequest:
    """A missing item has nothing to send back: once approved, every unit asked is accepted
    and refunded. Caller holds the request's lock."""
    lines = list(request.lines.all())
    for line in lines:
        line.accepted_quantity = line.quantity
        line.save(update_fields=["accepted_quantity", "updated_at"])
    items_refund, shipping_refund = _refund_amounts(
        request=request, accepted={line.order_line_id: line.quantity for line in lines}
    )
    return_transition(
        request=request,
        to=RS.INSPECTED,
        actor=actor,
        note=_("Nothing to send back."),
        items_refund=items_refund,
        shipping_refund=shipping_refund,
    )
    exchange_confirm_or_call_off(request=request, actor=actor)
    return _settle(request=request, actor=actor)
