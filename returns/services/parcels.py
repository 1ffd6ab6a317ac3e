"""The parcel a customer sends back: authorised by the carrier (a code for the post office, or
a pickup), followed by its tracking events, scanned in at the warehouse, or expired when it
never left."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from logistics.adapters.base import Address, CarrierEvent, CarrierUnavailable, ReturnShipmentRequest
from logistics.models import Shipment, TrackingEvent
from logistics.parcels import ParcelOwner
from logistics.services import carrier_gateway
from returns.exceptions import ParcelUnknown
from returns.locks import lock_return_request
from returns.models import ReturnRequest, ReturnTrackingEvent
from returns.notifications import return_notify
from returns.services.exchanges import exchange_call_off
from returns.services.transitions import return_event, return_transition

RS = ReturnRequest.Status
Kind = TrackingEvent.Kind
PARCEL_ACTOR = Actor.job("return_parcels")
# Approved requests still without an authorisation this long were lost on the way: ask again.
AUTHORISE_AFTER = timedelta(minutes=10)
POLL_EVERY = timedelta(hours=2)
BATCH = 200


def _return_shipment(request: ReturnRequest) -> Shipment:
    """The parcel the units went out in: the same carrier takes them back to the same warehouse."""
    return (
        Shipment.objects.filter(order_id=request.order_id, status=Shipment.Status.DELIVERED)
        .select_related("service", "warehouse")
        .order_by("pk")
        .first()
    )


def _parcel_request(request: ReturnRequest, shipment: Shipment) -> ReturnShipmentRequest:
    order, warehouse = request.order, shipment.warehouse
    return ReturnShipmentRequest(
        service=shipment.service.code,
        mode=request.parcel_mode,
        sender=Address(
            name=order.full_name,
            street=order.street,
            number=order.street_number,
            complement=order.complement,
            district=order.district,
            city=order.city,
            state=order.state,
            cep=order.cep,
        ),
        recipient=Address(
            name=warehouse.name,
            street=warehouse.street,
            number=warehouse.street_number,
            complement="",
            district=warehouse.district,
            city=warehouse.city,
            state=warehouse.state,
            cep=warehouse.cep,
        ),
        weight_grams=shipment.weight_grams,
        declared_value=sum(
            (
                line.order_line.unit_price * line.quantity
                for line in request.lines.select_related("order_line")
            ),
            start=0,
        ),
    )


def return_parcel_authorise(*, request_id: int) -> ReturnRequest:
    """Ask the carrier to take the parcel back and give the customer the code (drop-off) or
    the pickup. The carrier is asked outside any transaction with a key derived from the
    request, so asking again never books a second parcel. A request already authorised (or
    no longer approved) is returned as it is. Raises CarrierUnavailable for a retry."""
    request = ReturnRequest.objects.select_related("order").get(pk=request_id)
    if request.status != RS.APPROVED or not request.needs_parcel:
        return request
    shipment = _return_shipment(request)
    ReturnRequest.objects.filter(pk=request_id).update(authorisation_attempts=F("authorisation_attempts") + 1)
    authorisation = carrier_gateway(shipment.service.gateway).authorise_return(
        request=_parcel_request(request, shipment), idempotency_key=f"return:{request.pk}"
    )
    with transaction.atomic():
        request = lock_return_request(request_id)
        if request.status != RS.APPROVED:
            return request
        return_transition(
            request=request,
            to=RS.AWAITING_SHIPMENT,
            actor=PARCEL_ACTOR,
            note=authorisation.code,
            carrier_service=shipment.service,
            authorisation_code=authorisation.code,
            authorisation_valid_until=authorisation.valid_until,
            tracking_code=authorisation.tracking_code or None,
        )
        return_notify(request=request, step="authorised")
        return request


def returns_authorise_reconcile(*, now: datetime | None = None) -> int:
    """Enqueue again the authorisation of approved requests that never got one; return how many."""
    from returns.tasks import return_parcel_authorise as return_parcel_authorise_task

    now = now or timezone.now()
    due = list(
        ReturnRequest.objects.filter(status=RS.APPROVED, updated_at__lt=now - AUTHORISE_AFTER)
        .exclude(reason=ReturnRequest.Reason.MISSING_ITEM)
        .values_list("pk", flat=True)[:BATCH]
    )
    for request_id in due:
        return_parcel_authorise_task.delay(request_id=request_id)
    return len(due)


@transaction.atomic
def return_tracking_apply(*, tracking_code: str, events: list[CarrierEvent]) -> int:
    """Store the reverse parcel's events not stored before; posting and transit put the request
    on its way back. Arrival at the warehouse is noted: receiving is the warehouse's scan.
    Return how many events were new."""
    request_id = ReturnRequest.objects.values_list("pk", flat=True).get(tracking_code=tracking_code)
    request = lock_return_request(request_id)
    known = set(request.tracking_events.values_list("event_id", flat=True))
    new = 0
    for carrier_event in sorted(events, key=lambda event: event.occurred_at):
        if carrier_event.event_id in known or carrier_event.kind not in Kind.values:
            continue
        known.add(carrier_event.event_id)
        new += 1
        ReturnTrackingEvent.objects.create(
            request=request,
            event_id=carrier_event.event_id,
            kind=carrier_event.kind,
            occurred_at=carrier_event.occurred_at,
            description=carrier_event.description[:200],
            location=carrier_event.location[:120],
        )
        if request.last_event_at and carrier_event.occurred_at < request.last_event_at:
            continue  # late news of something already known
        request.last_event_at = carrier_event.occurred_at
        if request.status == RS.AWAITING_SHIPMENT and carrier_event.kind in (Kind.POSTED, Kind.IN_TRANSIT):
            return_transition(
                request=request,
                to=RS.IN_TRANSIT,
                actor=PARCEL_ACTOR,
                note=carrier_event.description,
                shipped_at=carrier_event.occurred_at,
                last_event_at=carrier_event.occurred_at,
            )
        else:
            request.save(update_fields=["last_event_at", "updated_at"])
            return_event(
                request=request,
                actor=PARCEL_ACTOR,
                note=f"{carrier_event.description} ({carrier_event.location})".strip(),
            )
    return new


def _owns(carrier: str, tracking_code: str) -> bool:
    return ReturnRequest.objects.filter(
        tracking_code=tracking_code, carrier_service__gateway=carrier
    ).exists()


def _on_the_way() -> list[str]:
    return list(
        ReturnRequest.objects.filter(
            status__in=[RS.AWAITING_SHIPMENT, RS.IN_TRANSIT], tracking_code__isnull=False
        ).values_list("tracking_code", flat=True)
    )


# Reverse parcels, as the carrier's notices and the sandbox carrier reach them.
RETURN_PARCELS = ParcelOwner(
    name="returns",
    owns=_owns,
    apply=lambda tracking_code, events, _source: return_tracking_apply(
        tracking_code=tracking_code, events=events
    ),
    active_codes=_on_the_way,
)


def returns_track(*, now: datetime | None = None) -> int:
    """Ask the carriers about one batch of reverse parcels not heard of lately; return how
    many were asked. A carrier that does not answer is asked again next time."""
    now = now or timezone.now()
    due = list(
        ReturnRequest.objects.filter(
            status__in=[RS.AWAITING_SHIPMENT, RS.IN_TRANSIT], tracking_code__isnull=False
        )
        .exclude(last_polled_at__gte=now - POLL_EVERY)
        .order_by(F("last_polled_at").asc(nulls_first=True), "pk")
        .values_list("pk", "tracking_code", "carrier_service__gateway")[:BATCH]
    )
    asked = 0
    for request_id, code, gateway in due:
        try:
            events = carrier_gateway(gateway).track(tracking_code=code)
        except CarrierUnavailable:
            continue
        return_tracking_apply(tracking_code=code, events=events)
        ReturnRequest.objects.filter(pk=request_id).update(last_polled_at=now)
        asked += 1
    return asked


def return_find_by_parcel(*, code: str) -> ReturnRequest:
    """The request a scanned parcel belongs to: its tracking code, authorisation code or
    request number. Raises ParcelUnknown."""
    code = code.strip().upper()
    request = (
        ReturnRequest.objects.filter(tracking_code=code).first()
        or ReturnRequest.objects.filter(number=code).first()
        or ReturnRequest.objects.filter(authorisation_code=code).exclude(authorisation_code="").first()
    )
    if request is None:
        raise ParcelUnknown()
    return request


@transaction.atomic
def return_receive(*, code: str, actor: Actor) -> ReturnRequest:
    """The warehouse scans a parcel in. Scanning it twice changes nothing. Raises ParcelUnknown,
    ReturnTransitionNotAllowed (not expected: rejected, expired, withdrawn) or PermissionMissing."""
    request = lock_return_request(return_find_by_parcel(code=code).pk)
    if request.status == RS.RECEIVED:
        return request
    return_transition(
        request=request, to=RS.RECEIVED, actor=actor, received_at=timezone.now(), received_by=actor.label
    )
    return_notify(request=request, step="received")
    return request


def returns_expire(*, today: date | None = None) -> int:
    """Expire one batch of authorised requests whose parcel was never posted by the
    authorisation's last day (a replacement not yet sent is called off), telling the
    customer; return how many."""
    today = today or timezone.localdate()
    due = list(
        ReturnRequest.objects.filter(status=RS.AWAITING_SHIPMENT, authorisation_valid_until__lt=today)
        .order_by("authorisation_valid_until", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    expired = 0
    for request_id in due:
        with transaction.atomic():
            request = lock_return_request(request_id)
            if request.status != RS.AWAITING_SHIPMENT or request.authorisation_valid_until >= today:
                continue
            return_transition(
                request=request, to=RS.EXPIRED, actor=PARCEL_ACTOR, note=_("The parcel was never posted")
            )
            exchange_call_off(
                request=request, note=_("Return %(number)s expired") % {"number": request.number}
            )
            return_notify(request=request, step="expired")
            expired += 1
    return expired
