"""Handing shipments to the carrier: booked once whatever happens to the worker, stock
shipped out of the ledger, the order shipped and the customer told."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.actor import Actor
from core.calendar import add_business_days
from core.exceptions import DomainError
from core.locks import for_update
from core.transitions import status_move
from inventory.services import reservation_ship
from logistics.adapters.base import (
    Address,
    Booking,
    CarrierGateway,
    CarrierUnavailable,
    ShipmentRefused,
    ShipmentRequest,
)
from logistics.exceptions import ShipmentNotDispatchable
from logistics.models import SHIPMENT_TRANSITIONS, InvoiceRecord, Shipment
from logistics.notifications import shipment_shipped_notify
from logistics.tasks import shipment_dispatch as shipment_dispatch_task
from orders.locks import lock_order
from orders.models import Order, Payment
from orders.services import order_transition

DISPATCH_ACTOR = Actor.job("shipment_dispatch")
# A packed shipment still not booked after this lost its task (or waits for its payment): try again.
DISPATCH_RETRY_AFTER = timedelta(minutes=10)
RECONCILE_BATCH = 200


class ShipmentTransitionNotAllowed(ValueError):
    pass


def carrier_gateway(name: str) -> CarrierGateway:
    """The adapter of a carrier, by the name its services give (CarrierService.gateway)."""
    return import_string(settings.STORE_CARRIER_GATEWAYS[name])()


def shipment_transition(*, shipment: Shipment, to: str, **fields) -> Shipment:
    """The one way to change `Shipment.status`. Caller holds the shipment's lock."""
    refused = ShipmentTransitionNotAllowed(f"shipment {shipment.pk} cannot go from {shipment.status} to {to}")
    return status_move(row=shipment, to=to, transitions=SHIPMENT_TRANSITIONS, refused=refused, **fields)


def shipment_cancel(*, shipment: Shipment) -> Shipment:
    """A packed shipment whose order was cancelled never leaves: its invoice is void (the
    number stays used, as the tax authority wants). Caller holds the shipment's lock."""
    InvoiceRecord.objects.filter(shipment=shipment, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
    return shipment_transition(shipment=shipment, to=Shipment.Status.CANCELLED)


def lock_shipment(shipment_id: int) -> Shipment:
    """A shipment with its order locked first, in the project's lock order."""
    order_id = Shipment.objects.values_list("order_id", flat=True).get(pk=shipment_id)
    lock_order(order_id)
    for_update(Shipment.objects.filter(pk=shipment_id)).get()
    # Fetched apart from the lock: FOR UPDATE would lock the joined warehouse and service rows too.
    return Shipment.objects.select_related("order", "warehouse", "service").get(pk=shipment_id)


def _dispatch_blocker(shipment: Shipment) -> str:
    """Why a shipment may not go to the carrier now ("" when it may)."""
    order = shipment.order
    if shipment.status != Shipment.Status.PACKED:
        return _("This shipment was already handed to the carrier or cancelled.")
    if order.status not in (Order.Status.PACKED, Order.Status.SHIPPED):
        return _("Order %(number)s is %(status)s: it cannot ship.") % {
            "number": order.number,
            "status": order.get_status_display().lower(),
        }
    if not order.payments.filter(status=Payment.Status.PAID).exists():
        return _("Order %(number)s is not paid yet (its card is not captured).") % {"number": order.number}
    return ""


def _shipment_request(shipment: Shipment) -> ShipmentRequest:
    order, warehouse = shipment.order, shipment.warehouse
    return ShipmentRequest(
        service=shipment.service.code,
        sender=Address(
            name=settings.STORE_COMPANY_NAME,
            street=warehouse.street,
            number=warehouse.street_number,
            complement="",
            district=warehouse.district,
            city=warehouse.city,
            state=warehouse.state,
            cep=warehouse.cep,
        ),
        recipient=Address(
            name=order.full_name,
            street=order.street,
            number=order.street_number,
            complement=order.complement,
            district=order.district,
            city=order.city,
            state=order.state,
            cep=order.cep,
        ),
        weight_grams=shipment.weight_grams,
        length_cm=shipment.length_cm,
        width_cm=shipment.width_cm,
        height_cm=shipment.height_cm,
        declared_value=shipment.declared_value,
        invoice_key=shipment.invoice.access_key,
    )


@transaction.atomic
def shipment_dispatch_request(*, shipment_id: int, actor: Actor) -> Shipment:
    """Staff send a packed shipment to the carrier again (after a refusal was dealt with, or
    to hurry a retry). Raises ShipmentNotDispatchable saying why it cannot go."""
    actor.require_perm("logistics.dispatch_shipment")
    shipment = lock_shipment(shipment_id)
    reason = _dispatch_blocker(shipment)
    if reason:
        raise ShipmentNotDispatchable(reason=reason)
    shipment.needs_attention = False
    shipment.save(update_fields=["needs_attention", "updated_at"])
    shipment_dispatch_task.delay_on_commit(shipment_id=shipment.pk)
    return shipment


def _record_failure(*, shipment_id: int, error: str, needs_attention: bool) -> None:
    Shipment.objects.filter(pk=shipment_id, status=Shipment.Status.PACKED).update(
        last_error=error[:300], needs_attention=needs_attention, updated_at=timezone.now()
    )


def shipment_dispatch(*, shipment_id: int) -> Shipment:
    """Book a packed shipment with its carrier and ship it. Safe to run again at any point:
    the booking's idempotency key is the shipment's, so a run that dies after the carrier
    booked and before we recorded it gets the same booking back on the next run.

    The carrier is called outside any transaction (no lock is held while it answers). A
    carrier that cannot be reached leaves the shipment packed and raises CarrierUnavailable
    for the task to retry; a refusal marks it for a person to look at.
    """
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        reason = _dispatch_blocker(shipment)
        if shipment.status == Shipment.Status.PACKED and shipment.order.status == Order.Status.CANCELLED:
            shipment_cancel(shipment=shipment)
            return shipment
        if reason or shipment.needs_attention:
            if shipment.status == Shipment.Status.PACKED:
                _record_failure(
                    shipment_id=shipment.pk,
                    error=reason or shipment.last_error,
                    needs_attention=shipment.needs_attention,
                )
            return shipment
        Shipment.objects.filter(pk=shipment.pk).update(
            booking_attempts=F("booking_attempts") + 1, updated_at=timezone.now()
        )
        request = _shipment_request(shipment)
    gateway = carrier_gateway(shipment.service.gateway)
    try:
        booking = gateway.book(request=request, idempotency_key=f"shipment:{shipment.pk}")
    except CarrierUnavailable as error:
        _record_failure(shipment_id=shipment.pk, error=f"{gateway.name}: {error}", needs_attention=False)
        raise
    except ShipmentRefused as error:
        _record_failure(shipment_id=shipment.pk, error=f"{gateway.name}: {error}", needs_attention=True)
        return shipment
    try:
        return _booking_record(shipment_id=shipment.pk, booking=booking, gateway=gateway)
    except DomainError as error:  # booked, but the stock cannot leave as recorded: a person must look
        _record_failure(shipment_id=shipment.pk, error=str(error.message), needs_attention=True)
        return shipment


@transaction.atomic
def _booking_record(*, shipment_id: int, booking: Booking, gateway: CarrierGateway) -> Shipment:
    """Ship what the carrier booked; a booking for a shipment cancelled meanwhile is cancelled
    at the carrier too."""
    shipment = lock_shipment(shipment_id)
    order = shipment.order
    if shipment.status == Shipment.Status.PACKED and order.status == Order.Status.CANCELLED:
        shipment_cancel(shipment=shipment)
    if shipment.status == Shipment.Status.CANCELLED:
        transaction.on_commit(
            lambda: gateway.cancel(
                tracking_code=booking.tracking_code, idempotency_key=f"shipment:{shipment.pk}"
            )
        )
        return shipment
    if shipment.status != Shipment.Status.PACKED:
        return shipment  # another run recorded this booking first
    reservation_ship(reference=f"order:{order.pk}", warehouse=shipment.warehouse, actor=DISPATCH_ACTOR)
    now = timezone.now()
    shipment_transition(
        shipment=shipment,
        to=Shipment.Status.SHIPPED,
        tracking_code=booking.tracking_code,
        carrier_reference=booking.carrier_reference,
        freight_cost=booking.price,
        shipped_at=now,
        last_event_at=now,
        promised_on=add_business_days(timezone.localdate(now), order.delivery_days),
        last_error="",
    )
    unshipped = order.shipments.exclude(pk=shipment.pk).filter(status=Shipment.Status.PACKED).exists()
    if order.status == Order.Status.PACKED and not unshipped:
        order_transition(
            order_id=order.pk, to=Order.Status.SHIPPED, actor=DISPATCH_ACTOR, note=booking.tracking_code
        )
    shipment_shipped_notify(shipment=shipment)
    return shipment


def shipments_dispatch_reconcile(*, now: datetime | None = None) -> int:
    """Enqueue again packed shipments not booked in time (a lost task, a worker killed while
    the carrier answered, a payment captured since); return how many."""
    stuck = list(
        Shipment.objects.filter(
            Q(status=Shipment.Status.PACKED, needs_attention=False),
            updated_at__lt=(now or timezone.now()) - DISPATCH_RETRY_AFTER,
        )
        .order_by("updated_at")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )
    for shipment_id in stuck:
        shipment_dispatch_task.delay(shipment_id=shipment_id)
    return len(stuck)
