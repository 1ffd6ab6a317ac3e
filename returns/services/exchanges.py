"""Exchanges: the customer picks a replacement for each unit they send back (the same product
in another size or colour, or another product of equal or greater value, paying the
difference). The replacement is an order of its own, its stock held from the approval; it
ships once what it replaces is back and accepted, or at once when a manager (or the store's
policy) trusts the customer."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from core.actor import Actor
from core.money import format_brl
from inventory.exceptions import OutOfStock
from orders.models import CUSTOMER_CANCELLABLE, Order, OrderLine
from orders.services import order_place_replacement, order_release_after_return
from orders.services.cancellation import order_cancel
from returns.exceptions import (
    ExchangeNotPending,
    ReplacementCheaper,
    ReplacementNotAvailable,
    ReplacementRequired,
)
from returns.locks import lock_return_request
from returns.models import ReturnRequest
from returns.notifications import return_notify
from returns.services.transitions import return_event
from storefront.catalog.models import Variant

if TYPE_CHECKING:
    from returns.services.requests import LineAsk

EXCHANGE_ACTOR = Actor.job("returns_exchange")


def _unit_credit(*, line: OrderLine, replacement: Variant) -> Decimal:
    """What one returned unit is worth towards its replacement: the price it was sold at, up to
    the replacement's own price (a cheaper size of the same product gives no money back)."""
    return min(line.unit_price, replacement.price)


def replacements_check(*, lines: dict[int, OrderLine], asks: list["LineAsk"]) -> None:
    """Every unit asked back has a replacement on sale now: the same product, or another one
    costing at least what the returned item was sold at.
    Raises ReplacementRequired, ReplacementNotAvailable or ReplacementCheaper."""
    if any(ask.replacement_variant_id is None for ask in asks):
        raise ReplacementRequired()
    replacements = Variant.objects.select_related("product").in_bulk(
        [ask.replacement_variant_id for ask in asks]
    )
    for ask in asks:
        line, replacement = lines[ask.order_line_id], replacements.get(ask.replacement_variant_id)
        if replacement is None or not (replacement.is_available and replacement.product.is_published):
            name = replacement.product.name if replacement else line.product_name
            raise ReplacementNotAvailable(item=name)
        same_product = replacement.product_id == line.variant.product_id
        if not same_product and replacement.price < line.unit_price:
            raise ReplacementCheaper(item=line.product_name, price=format_brl(line.unit_price))


def exchange_place(*, request: ReturnRequest, actor: Actor, ship_at_once: bool) -> Order:
    """Hold the replacement as an order at the original's address, the returned units' value
    taken off; what is left the customer pays on its page. Caller holds the request's lock.
    Raises OutOfStock (nothing is held)."""
    lines = list(request.lines.select_related("order_line", "replacement_variant"))
    credit = sum(
        (
            _unit_credit(line=line.order_line, replacement=line.replacement_variant) * line.quantity
            for line in lines
        ),
        Decimal("0"),
    )
    exchange = order_place_replacement(
        original_order_id=request.order_id,
        lines=[(line.replacement_variant_id, line.quantity) for line in lines],
        credit=credit,
        awaits_return=not ship_at_once,
        note=_("Exchange for return %(number)s") % {"number": request.number},
        actor=actor,
    )
    request.exchange_order = exchange
    request.ship_replacement_at_once = ship_at_once
    request.save(update_fields=["exchange_order", "ship_replacement_at_once", "updated_at"])
    return exchange


def exchange_place_or_refund(*, request: ReturnRequest, actor: Actor, ship_at_once: bool) -> None:
    """At a staff approval: the replacement is held, or, sold out since the customer chose it,
    the request turns into a refund and the decision note tells the customer why."""
    try:
        with transaction.atomic():
            exchange_place(request=request, actor=actor, ship_at_once=ship_at_once)
    except OutOfStock:
        _turn_into_refund(
            request=request,
            actor=actor,
            note=_("The item you chose in exchange sold out meanwhile: you get your money back instead."),
        )


def _turn_into_refund(*, request: ReturnRequest, actor: Actor, note: str) -> None:
    """The request gives money back instead of a replacement; `note` tells the customer why."""
    request.resolution = ReturnRequest.Resolution.REFUND
    request.decision_note = "\n".join(filter(None, [request.decision_note, note]))
    request.save(update_fields=["resolution", "decision_note", "updated_at"])
    return_event(request=request, actor=actor, note=note)


def exchange_is_live(request: ReturnRequest) -> bool:
    """The replacement is still wanted: not cancelled meanwhile (by the customer, or unpaid)."""
    exchange = request.exchange_order
    return exchange is not None and exchange.status != Order.Status.CANCELLED


def exchange_call_off(*, request: ReturnRequest, note: str) -> None:
    """The return will not be exchanged (withdrawn, expired, or not all accepted back): a
    replacement not yet sent is cancelled, its stock freed and any difference paid refunded.
    Caller holds the request's lock."""
    exchange = request.exchange_order
    if exchange is None or exchange.status not in CUSTOMER_CANCELLABLE:  # gone, or on its way
        return
    order_cancel(
        order_id=exchange.pk, actor=EXCHANGE_ACTOR, reason=Order.CancelReason.EXCHANGE_CALLED_OFF, note=note
    )
    exchange.refresh_from_db(fields=["status"])


def exchange_confirm_or_call_off(*, request: ReturnRequest, actor: Actor) -> None:
    """Once inspected, an exchange goes ahead when every unit asked back was accepted (or its
    replacement already went, the customer trusted) and its replacement is still wanted;
    otherwise it is called off and what was accepted is paid back as money, the decision note
    saying why. Caller holds the request's lock."""
    if request.resolution != ReturnRequest.Resolution.EXCHANGE:
        return
    all_accepted = all(line.accepted_quantity == line.quantity for line in request.lines.all())
    if exchange_is_live(request) and (all_accepted or request.ship_replacement_at_once):
        return
    if exchange_is_live(request):
        note = _(
            "Not every item came back as expected, so the exchange is called off: "
            "you get the money of what we accepted."
        )
    else:
        note = _("The replacement order was cancelled, so you get your money back instead.")
    exchange_call_off(
        request=request, note=_("Return %(number)s: exchange called off") % {"number": request.number}
    )
    _turn_into_refund(request=request, actor=actor, note=note)


def exchange_release(*, request: ReturnRequest, actor: Actor, note: str) -> None:
    """The replacement may go to the warehouse (as soon as its difference is paid)."""
    order_release_after_return(order_id=request.exchange_order_id, actor=actor, note=note)


@transaction.atomic
def return_exchange_ship_now(*, request_id: int, actor: Actor) -> ReturnRequest:
    """A manager trusts the customer: the replacement ships without waiting for the return.
    Raises ExchangeNotPending or PermissionMissing."""
    actor.require_perm("returns.ship_exchange_early")
    request = lock_return_request(request_id)
    if not request.is_open or request.ship_replacement_at_once or not exchange_is_live(request):
        raise ExchangeNotPending()
    request.ship_replacement_at_once = True
    request.save(update_fields=["ship_replacement_at_once", "updated_at"])
    exchange_release(
        request=request,
        actor=actor,
        note=_("Return %(number)s: ships before the return arrives") % {"number": request.number},
    )
    return_event(request=request, actor=actor, note=_("The replacement ships before the return arrives."))
    return_notify(request=request, step="exchange_shipping")
    return request
