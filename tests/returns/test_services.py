from datetime import datetime, timedelta
from decimal import Decimal
from itertools import product
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from core.actor import Actor, PermissionMissing
from core.uploads import IncomingFile, UploadRefused
from inventory.models import Bin, StockLevel, StockMovement
from logistics.adapters.base import CarrierEvent
from logistics.models import InvoiceRecord, TrackingEvent
from orders.models import Order, OrderEvent, Refund
from returns.exceptions import (
    OrderNotReturnable,
    ReturnDetailsRequired,
    ReturnQuantityInvalid,
    ReturnTransitionNotAllowed,
    ReturnWindowClosed,
    UnitsNotOnRequest,
)
from returns.models import RETURN_TRANSITIONS, ReturnEvent, ReturnRequest, ReturnUnit
from returns.services import (
    UnitDecision,
    orders_complete,
    return_inspect,
    return_receive,
    return_reject,
    return_tracking_apply,
    return_transition,
    returns_expire,
)
from support.models import Ticket
from support.services.incidents import return_tickets_sync
from tests.logistics.factories import stocked_variant, validated_order
from tests.returns.factories import ask_return, delivered_order, photo

pytestmark = pytest.mark.django_db

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
RS = ReturnRequest.Status
Disposition = ReturnUnit.Disposition
JOB = Actor.job("test")


def _delivered_on_day(capture, day: datetime, **fields) -> Order:
    return delivered_order(capture, delivered_at=day, **fields)


# Windows, on a frozen clock in São Paulo


def test_regret_is_accepted_until_the_seventh_day_at_23_59_in_sao_paulo(django_capture_on_commit_callbacks):
    delivered = datetime(2026, 12, 1, 10, 0, tzinfo=SAO_PAULO)
    order = _delivered_on_day(django_capture_on_commit_callbacks, delivered)
    day_7 = datetime(2026, 12, 8, 23, 59, tzinfo=SAO_PAULO)
    with time_machine.travel(day_7, tick=False), django_capture_on_commit_callbacks(execute=True):
        request = ask_return(order)
    request.refresh_from_db()
    assert request.status == RS.AWAITING_SHIPMENT  # approved at once, the carrier authorised it
    assert request.authorisation_code and request.tracking_code


def test_regret_on_the_eighth_day_is_refused_and_nothing_is_stored(django_capture_on_commit_callbacks):
    delivered = datetime(2026, 12, 1, 10, 0, tzinfo=SAO_PAULO)
    order = _delivered_on_day(django_capture_on_commit_callbacks, delivered)
    day_8 = datetime(2026, 12, 9, 0, 0, tzinfo=SAO_PAULO)
    with time_machine.travel(day_8, tick=False), pytest.raises(ReturnWindowClosed) as refused:
        ask_return(order)
    assert "08/12/2026" in refused.value.message
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize(
    ("is_durable", "days", "accepted"),
    [(False, 30, True), (False, 31, False), (True, 90, True), (True, 91, False)],
)
def test_defects_have_30_days_for_non_durable_and_90_for_durable_goods(
    django_capture_on_commit_callbacks, is_durable, days, accepted
):
    delivered = datetime(2026, 9, 1, 15, 0, tzinfo=SAO_PAULO)
    variant = stocked_variant()
    variant.product.is_durable = is_durable
    variant.product.save(update_fields=["is_durable"])
    order = _delivered_on_day(django_capture_on_commit_callbacks, delivered, lines=[(variant, 1)])
    with time_machine.travel(delivered + timedelta(days=days), tick=False):
        if accepted:
            request = ask_return(
                order, reason=ReturnRequest.Reason.DEFECT, description="Não liga.", photos=[photo()]
            )
            assert request.status == RS.REQUESTED  # a defect waits for the returns team
        else:
            with pytest.raises(ReturnWindowClosed):
                ask_return(
                    order, reason=ReturnRequest.Reason.DEFECT, description="Não liga.", photos=[photo()]
                )


# Bad input changes nothing


def test_an_order_not_delivered_cannot_be_returned(django_capture_on_commit_callbacks):
    order = validated_order(django_capture_on_commit_callbacks)
    with pytest.raises(OrderNotReturnable):
        ask_return(order)
    assert not ReturnRequest.objects.exists()


def test_more_units_than_bought_are_refused(django_capture_on_commit_callbacks):
    order = delivered_order(django_capture_on_commit_callbacks)
    with pytest.raises(ReturnQuantityInvalid) as refused:
        ask_return(order, quantity=2)
    assert "1 unidade" in refused.value.message or "1 unit" in refused.value.message
    assert not ReturnRequest.objects.exists()


def test_a_line_already_returned_cannot_be_asked_again(django_capture_on_commit_callbacks):
    order = delivered_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ask_return(order)
    with pytest.raises(ReturnQuantityInvalid):
        ask_return(order)
    assert ReturnRequest.objects.count() == 1


def test_a_defect_needs_a_description_and_a_real_picture(django_capture_on_commit_callbacks):
    order = delivered_order(django_capture_on_commit_callbacks)
    with pytest.raises(ReturnDetailsRequired):
        ask_return(order, reason=ReturnRequest.Reason.DEFECT, description="Quebrado", photos=[])
    forged = IncomingFile(name="foto.jpg", content=b"MZ\x90\x00 a program pretending to be a photo")
    with pytest.raises(UploadRefused):
        ask_return(order, reason=ReturnRequest.Reason.DEFECT, description="Quebrado", photos=[forged])
    assert not ReturnRequest.objects.exists()


# The state machine


def test_exactly_the_moves_in_the_table_are_allowed(django_capture_on_commit_callbacks):
    order = delivered_order(django_capture_on_commit_callbacks)
    request = ask_return(order, reason=ReturnRequest.Reason.DEFECT, description="x", photos=[photo()])
    for from_status, to in product(RS.values, RS.values):
        ReturnRequest.objects.filter(pk=request.pk).update(status=from_status)
        request.refresh_from_db()
        allowed = to in RETURN_TRANSITIONS[from_status]
        try:
            return_transition(request=request, to=to, actor=JOB)
        except ReturnTransitionNotAllowed:
            assert not allowed, (from_status, to)
        else:
            assert allowed, (from_status, to)


def test_a_customer_cannot_approve_their_own_request(django_capture_on_commit_callbacks):
    order = delivered_order(django_capture_on_commit_callbacks)
    request = ask_return(order, reason=ReturnRequest.Reason.DEFECT, description="x", photos=[photo()])
    with pytest.raises(PermissionMissing):
        return_transition(request=request, to=RS.APPROVED, actor=Actor.customer(order.customer))


def test_a_rejection_says_why_and_tells_the_customer(django_capture_on_commit_callbacks, mailoutbox):
    order = delivered_order(django_capture_on_commit_callbacks)
    request = ask_return(order, reason=ReturnRequest.Reason.DEFECT, description="x", photos=[photo()])
    with django_capture_on_commit_callbacks(execute=True):
        return_reject(request_id=request.pk, actor=JOB, note="Marcas de uso indevido.")
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (RS.REJECTED, "Marcas de uso indevido.")
    assert any("Marcas de uso indevido." in message.body for message in mailoutbox)


# The whole way back: posted, received, inspected, refunded


def _regret_on_its_way(capture, *, units: int = 2) -> ReturnRequest:
    order = delivered_order(capture, lines=[(stocked_variant(units=5), units)])
    with capture(execute=True):
        request = ask_return(order)
    request.refresh_from_db()
    now = timezone.now()
    with capture(execute=True):
        return_tracking_apply(
            tracking_code=request.tracking_code,
            events=[
                CarrierEvent(
                    event_id="r-1",
                    kind=TrackingEvent.Kind.POSTED,
                    occurred_at=now,
                    description="Objeto postado",
                )
            ],
        )
    request.refresh_from_db()
    return request


def test_a_posted_parcel_puts_the_request_on_its_way_once(django_capture_on_commit_callbacks):
    request = _regret_on_its_way(django_capture_on_commit_callbacks)
    assert request.status == RS.IN_TRANSIT and request.shipped_at
    again = return_tracking_apply(
        tracking_code=request.tracking_code,
        events=[CarrierEvent(event_id="r-1", kind=TrackingEvent.Kind.POSTED, occurred_at=timezone.now())],
    )
    assert again == 0


def test_inspection_restocks_one_unit_quarantines_another_and_refunds_once(
    django_capture_on_commit_callbacks,
):
    request = _regret_on_its_way(django_capture_on_commit_callbacks)
    order = request.order
    line = order.lines.get()
    level = StockLevel.objects.get(variant=line.variant)
    online_before = line.variant.stock_online
    with django_capture_on_commit_callbacks(execute=True):
        return_receive(code=request.tracking_code, actor=JOB)
        request = return_inspect(
            request_id=request.pk,
            actor=JOB,
            decisions=[
                UnitDecision(order_line_id=line.pk, disposition=Disposition.RESTOCK),
                UnitDecision(order_line_id=line.pk, disposition=Disposition.QUARANTINE),
            ],
        )
    request.refresh_from_db()
    assert request.status == RS.REFUNDED
    # Regret: both units at the price paid and the whole shipping back.
    assert (request.items_refund, request.shipping_refund) == (Decimal("200.00"), order.shipping_total)
    refund = Refund.objects.get(source=f"return:{request.pk}")
    assert refund.amount == request.refund_total and refund.status == Refund.Status.DONE
    movements = StockMovement.objects.filter(reference=f"return:{request.pk}", kind=StockMovement.Kind.RETURN)
    assert sorted((movement.quant.bin.code, movement.on_hand_change) for movement in movements) == [
        (Bin.DEFAULT_CODE, 1),
        (Bin.QUARANTINE_CODE, 1),
    ]
    level.refresh_from_db()
    assert level.on_hand == sum(level.movements.values_list("on_hand_change", flat=True))
    line.variant.refresh_from_db()
    assert line.variant.stock_online == online_before + 1  # the quarantined unit never sells
    entry = InvoiceRecord.objects.get(source=f"return:{request.pk}")
    assert entry.kind == InvoiceRecord.Kind.ENTRY and entry.referenced_key
    assert OrderEvent.objects.filter(order=order, note__contains=request.number).exists()
    # Inspecting again changes nothing.
    with pytest.raises(ReturnTransitionNotAllowed):
        return_inspect(
            request_id=request.pk,
            actor=JOB,
            decisions=[UnitDecision(order_line_id=line.pk, disposition=Disposition.RESTOCK)],
        )
    assert Refund.objects.filter(order=order).count() == 1


def test_a_parcel_with_more_units_than_asked_is_refused_whole(django_capture_on_commit_callbacks):
    request = _regret_on_its_way(django_capture_on_commit_callbacks, units=1)
    line = request.order.lines.get()
    return_receive(code=request.tracking_code, actor=JOB)
    with pytest.raises(UnitsNotOnRequest):
        return_inspect(
            request_id=request.pk,
            actor=JOB,
            decisions=[UnitDecision(order_line_id=line.pk, disposition=Disposition.RESTOCK)] * 2,
        )
    assert not StockMovement.objects.filter(reference=f"return:{request.pk}").exists()
    assert ReturnRequest.objects.get(pk=request.pk).status == RS.RECEIVED


def test_refused_units_are_not_refunded_and_the_customer_reads_why(django_capture_on_commit_callbacks):
    request = _regret_on_its_way(django_capture_on_commit_callbacks, units=2)
    line = request.order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        return_receive(code=request.tracking_code, actor=JOB)
        request = return_inspect(
            request_id=request.pk,
            actor=JOB,
            decisions=[
                UnitDecision(order_line_id=line.pk, disposition=Disposition.RESTOCK),
                UnitDecision(order_line_id=line.pk, disposition=Disposition.REFUSED, note="Produto usado."),
            ],
        )
    request.refresh_from_db()
    assert request.items_refund == Decimal("100.00")
    assert "Produto usado." in request.decision_note
    assert request.lines.get().accepted_quantity == 1


def test_a_parcel_never_posted_expires_and_the_customer_is_told(
    django_capture_on_commit_callbacks, mailoutbox
):
    order = delivered_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        request = ask_return(order)
    request.refresh_from_db()
    later = request.authorisation_valid_until + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert returns_expire(today=later) == 1
    assert ReturnRequest.objects.get(pk=request.pk).status == RS.EXPIRED
    assert returns_expire(today=later) == 0


# The order's end and the support desk


def test_orders_complete_only_after_every_window_closed(django_capture_on_commit_callbacks):
    delivered = timezone.now() - timedelta(days=200)
    order = delivered_order(django_capture_on_commit_callbacks, delivered_at=delivered)
    recent = delivered_order(django_capture_on_commit_callbacks)
    assert orders_complete() == 1
    order.refresh_from_db()
    recent.refresh_from_db()
    assert (order.status, recent.status) == (Order.Status.COMPLETED, Order.Status.DELIVERED)


def test_every_request_gets_its_ticket_which_resolves_when_the_return_ends(
    django_capture_on_commit_callbacks,
):
    request = _regret_on_its_way(django_capture_on_commit_callbacks, units=1)
    ticket = Ticket.objects.get(return_request=request)
    assert ticket.status == Ticket.Status.WAITING_THIRD_PARTY and ticket.order_id == request.order_id
    line = request.order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        return_receive(code=request.tracking_code, actor=JOB)
        return_inspect(
            request_id=request.pk,
            actor=JOB,
            decisions=[UnitDecision(order_line_id=line.pk, disposition=Disposition.SCRAP)],
        )
    assert return_tickets_sync() == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ReturnEvent.objects.filter(request=request, to_status=RS.REFUNDED).exists()
