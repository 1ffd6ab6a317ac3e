"""A customer asks to return units of a delivered order: checked against the order, what was
already asked back and the windows of the law and the store; decided at once or by the
returns team; withdrawn by the customer while nothing is on its way."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.sequences import sequence_next
from core.uploads import PICTURES, IncomingFile, upload_check, upload_name
from inventory.exceptions import OutOfStock
from logistics.services import carrier_claim_open
from orders.locks import lock_order
from orders.models import Order, OrderLine, Payment
from orders.services.refunds import refund_destination_clean
from returns.exceptions import (
    DefectDateRequired,
    OrderNotReturnable,
    ReasonRequired,
    RefundDestinationRequired,
    ReplacementNotAvailable,
    ReturnDetailsRequired,
    ReturnLineNotInOrder,
    ReturnLinesRequired,
    ReturnNotWithdrawable,
    ReturnPhotosTooMany,
    ReturnQuantityInvalid,
    ReturnWindowClosed,
)
from returns.locks import lock_return_request
from returns.models import ReturnLine, ReturnPhoto, ReturnRequest
from returns.notifications import return_notify
from returns.selectors import order_delivered_on, return_policy, units_claimed
from returns.services.exchanges import (
    exchange_call_off,
    exchange_place,
    exchange_place_or_refund,
    replacements_check,
)
from returns.services.transitions import return_event, return_transition
from returns.windows import AUTO_APPROVED, window_ends_on

Reason = ReturnRequest.Reason
RS = ReturnRequest.Status
AUTO_ACTOR = Actor.job("returns_auto_approve")
TICKET_TASK = "support.return_ticket_open"
MAX_PHOTOS = 5
# Reasons whose claim the returns team judges from a description and photos.
NEEDS_EVIDENCE = frozenset({Reason.DEFECT, Reason.HIDDEN_DEFECT, Reason.TRANSPORT_DAMAGE, Reason.WRONG_ITEM})
# Until the parcel is posted, the customer may change their mind.
WITHDRAWABLE = frozenset({RS.REQUESTED, RS.APPROVED, RS.AWAITING_SHIPMENT})


@dataclass(frozen=True)
class LineAsk:
    """Units of one order line the customer asks to return."""

    order_line_id: int
    quantity: int
    replacement_variant_id: int | None = None


def _photos_check(photos: list[IncomingFile]) -> list[str]:
    if len(photos) > MAX_PHOTOS:
        raise ReturnPhotosTooMany(count=MAX_PHOTOS)
    return [
        upload_check(photo, allowed=PICTURES, limit=settings.STORE_SUPPORT_ATTACHMENT_MAX_BYTES)
        for photo in photos
    ]


def _lines_check(
    *, order: Order, asks: list[LineAsk], reason: str, noticed_on: date | None, today: date
) -> dict[int, OrderLine]:
    """Every line is the order's, within what may still be returned and inside its window;
    returns the order's lines by id."""
    if not asks or any(ask.quantity < 1 for ask in asks):
        raise ReturnLinesRequired()
    lines = {line.pk: line for line in order.lines.select_related("variant__product")}
    claimed = units_claimed(order_id=order.pk)
    delivered_on = order_delivered_on(order=order)
    policy = return_policy()
    seen = set()
    for ask in asks:
        line = lines.get(ask.order_line_id)
        if line is None or ask.order_line_id in seen:
            raise ReturnLineNotInOrder()
        seen.add(ask.order_line_id)
        left = line.quantity - claimed.get(line.pk, 0)
        if ask.quantity > left:
            raise ReturnQuantityInvalid(item=line.product_name, count=max(left, 0))
        ends_on = window_ends_on(
            reason=reason,
            delivered_on=delivered_on,
            is_durable=line.variant.product.is_durable,
            policy=policy,
            noticed_on=noticed_on,
        )
        if today > ends_on:
            raise ReturnWindowClosed(item=line.product_name, ended_on=ends_on)
    return lines


def _refund_destination_check(
    *, order: Order, resolution: str, pix_key: str, bank_account: dict
) -> tuple[str, dict]:
    """Money back for a boleto needs somewhere to go (a boleto cannot be paid back to its
    payer): a valid Pix key or bank account, returned normalised; none is kept otherwise.
    Raises RefundDestinationRequired, PixKeyInvalid or BankAccountInvalid."""
    paid_by_boleto = order.payments.filter(
        method=Payment.Method.BOLETO, status__in=[Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED]
    ).exists()
    # An exchange may still end in money back (called off, or the shipping the law refunds).
    if resolution == ReturnRequest.Resolution.STORE_CREDIT or not paid_by_boleto:
        return "", {}
    if not (pix_key.strip() or bank_account):
        raise RefundDestinationRequired()
    destination = refund_destination_clean({"pix_key": pix_key.strip(), **bank_account})
    if "pix_key" in destination:
        return destination["pix_key"], {}
    return "", destination


def _ticket_ask(request: ReturnRequest) -> None:
    """The support desk opens the request's ticket after commit. The desk sits above returns,
    so it is asked by task name; its minutely sync opens any ticket this missed."""
    signature = current_app.signature(TICKET_TASK, kwargs={"return_request_id": request.pk})
    transaction.on_commit(signature.delay)


@transaction.atomic
def return_request_create(
    *,
    order_id: int,
    actor: Actor,
    reason: str,
    lines: list[LineAsk],
    resolution: str,
    description: str = "",
    noticed_on: date | None = None,
    photos: list[IncomingFile] | None = None,
    parcel_mode: str = ReturnRequest.ParcelMode.DROP_OFF,
    refund_pix_key: str = "",
    refund_bank_account: dict | None = None,
    now: datetime | None = None,
) -> ReturnRequest:
    """Ask to return units of a delivered order. The caller checked the order is the
    customer's (their account or the order's signed link). Everything is checked again here,
    under the order's lock, so two requests never claim the same units: the lines, the
    windows (in store days), the description and photos (real pictures) a defect needs, and
    where the money of a boleto goes. Regret and dissatisfaction are approved at once.

    Raises a ReturnsError subclass or UploadRefused, storing nothing.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    photos = photos or []
    order = lock_order(order_id)
    if reason not in Reason.values or resolution not in ReturnRequest.Resolution.values:
        raise ReturnLinesRequired()
    delivered = order.status == Order.Status.DELIVERED or (
        order.status == Order.Status.COMPLETED and reason == Reason.HIDDEN_DEFECT
    )
    if not delivered or order_delivered_on(order=order) is None:
        raise OrderNotReturnable()
    if reason == Reason.HIDDEN_DEFECT and (
        noticed_on is None or noticed_on > today or noticed_on < order_delivered_on(order=order)
    ):
        raise DefectDateRequired()
    order_lines = _lines_check(order=order, asks=lines, reason=reason, noticed_on=noticed_on, today=today)
    if resolution == ReturnRequest.Resolution.EXCHANGE:
        replacements_check(lines=order_lines, asks=lines)
    if reason in NEEDS_EVIDENCE and (not description.strip() or not photos):
        raise ReturnDetailsRequired()
    content_types = _photos_check(photos)
    refund_pix_key, refund_bank_account = _refund_destination_check(
        order=order, resolution=resolution, pix_key=refund_pix_key, bank_account=refund_bank_account or {}
    )
    request = ReturnRequest.objects.create(
        number=f"{order.number}-D{sequence_next(f'return:{order.number}')}",
        order=order,
        customer=order.customer,
        reason=reason,
        description=description.strip(),
        noticed_on=noticed_on if reason == Reason.HIDDEN_DEFECT else None,
        resolution=resolution,
        parcel_mode=parcel_mode,
        refund_pix_key=refund_pix_key,
        refund_bank_account=refund_bank_account,
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(
            request=request,
            order_line_id=ask.order_line_id,
            quantity=ask.quantity,
            replacement_variant_id=ask.replacement_variant_id
            if resolution == ReturnRequest.Resolution.EXCHANGE
            else None,
        )
        for ask in lines
    )
    for photo, content_type in zip(photos, content_types, strict=True):
        row = ReturnPhoto(
            request=request, name=upload_name(photo.name), content_type=content_type, size=len(photo.content)
        )
        row.file.save(secrets.token_urlsafe(24), ContentFile(photo.content), save=False)
        row.save()
    return_event(request=request, actor=actor, to_status=RS.REQUESTED, note=request.get_reason_display())
    _ticket_ask(request)
    if reason in AUTO_APPROVED:  # the approval is the customer's only notice
        return _approve(request=request, actor=AUTO_ACTOR, by_customer_choice=True)
    return_notify(request=request, step="requested")
    return request


@transaction.atomic
def return_approve(*, request_id: int, actor: Actor, note: str = "") -> ReturnRequest:
    """Accept the request (see `_approve`). Raises ReturnTransitionNotAllowed or
    PermissionMissing."""
    return _approve(request=lock_return_request(request_id), actor=actor, note=note)


def _carrier_claim(*, request: ReturnRequest, actor: Actor) -> None:
    """Damage in transport is the carrier's to make good: a claim for the units' value is
    filed against the parcel that delivered them (once per request)."""
    lines = request.lines.select_related("order_line")
    amount = sum((line.order_line.unit_price * line.quantity for line in lines), Decimal("0"))
    claim = carrier_claim_open(
        order_id=request.order_id,
        source=f"return:{request.pk}",
        amount=amount,
        description=f"{request.number}: {request.description}"[:2000],
        actor=actor,
    )
    return_event(request=request, actor=actor, note=_("Carrier claim %(claim)s opened") % {"claim": claim.pk})


def _approve(
    *, request: ReturnRequest, actor: Actor, note: str = "", by_customer_choice: bool = False
) -> ReturnRequest:
    """The request is accepted: an exchange's replacement is held, the carrier is asked for the
    parcel's authorisation after commit, and a missing item, with nothing to send back, goes
    straight to settling; damage in transport files a claim against the carrier. Approved as
    the customer asks (regret, dissatisfaction), a
    replacement sold out meanwhile refuses the request (ReplacementNotAvailable, the customer
    chooses again); approved by staff, it turns into a refund. Caller holds the lock."""
    from returns.services.inspection import return_settle_without_parcel
    from returns.tasks import return_parcel_authorise as return_parcel_authorise_task

    return_transition(
        request=request, to=RS.APPROVED, actor=actor, note=note, decided_at=timezone.now(), decision_note=note
    )
    if request.resolution == ReturnRequest.Resolution.EXCHANGE:
        ship_at_once = return_policy().ship_replacement_at_once
        if not by_customer_choice:
            exchange_place_or_refund(request=request, actor=actor, ship_at_once=ship_at_once)
        else:
            try:
                exchange_place(request=request, actor=actor, ship_at_once=ship_at_once)
            except OutOfStock as error:
                sold_out = request.lines.filter(replacement_variant_id__in=error.variant_ids).first()
                raise ReplacementNotAvailable(item=sold_out.order_line.product_name) from error
    if request.reason == Reason.TRANSPORT_DAMAGE:
        _carrier_claim(request=request, actor=actor)
    return_notify(request=request, step="approved")
    if not request.needs_parcel:
        return return_settle_without_parcel(request=request, actor=actor)
    return_parcel_authorise_task.delay_on_commit(request_id=request.pk)
    return request


@transaction.atomic
def return_reject(*, request_id: int, actor: Actor, note: str) -> ReturnRequest:
    """Refuse the request, saying why (the customer reads it). Raises ReasonRequired,
    ReturnTransitionNotAllowed or PermissionMissing."""
    if not note.strip():
        raise ReasonRequired()
    request = lock_return_request(request_id)
    return_transition(
        request=request,
        to=RS.REJECTED,
        actor=actor,
        note=note.strip(),
        decided_at=timezone.now(),
        decision_note=note.strip(),
    )
    return_notify(request=request, step="rejected")
    return request


@transaction.atomic
def return_withdraw(*, request_id: int, customer) -> ReturnRequest:
    """The customer no longer wants to return: allowed until the parcel is posted (the view
    checked the request is theirs); a replacement not yet sent is called off.
    Raises ReturnNotWithdrawable."""
    request = lock_return_request(request_id)
    if request.status not in WITHDRAWABLE:
        raise ReturnNotWithdrawable()
    return_transition(
        request=request,
        to=RS.CLOSED,
        actor=Actor.customer(customer),
        by_customer=True,
        note=_("Withdrawn by the customer"),
    )
    exchange_call_off(request=request, note=_("Return %(number)s withdrawn") % {"number": request.number})
    return_notify(request=request, step="withdrawn")
    return request
