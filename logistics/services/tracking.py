"""What carriers say about shipments, by signed notice or by asking them: each event stored
once, moving the shipment and the order, and reaching the customer. Notices about parcels of
other apps (see logistics/parcels.py) are handed to their owner."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.actor import Actor
from core.queues import Queue
from inbox.exceptions import NoticeMalformed, NoticeRejected
from inbox.models import WebhookEvent
from inbox.senders import Notice, Outcome, Sender
from inbox.services import notice_payload
from logistics.adapters.base import CarrierEvent, CarrierUnavailable
from logistics.models import SHIPMENT_TRANSITIONS, Shipment, TrackingEvent
from logistics.notifications import shipment_news_notify
from logistics.parcels import parcel_owner_for
from logistics.services.dispatch import carrier_gateway, lock_shipment, shipment_transition
from orders.models import Order, OrderEvent
from orders.services import order_transition

TRACKING_ACTOR = Actor.job("tracking")
Kind = TrackingEvent.Kind
# The shipment status each kind of event leads to; a posting only confirms it was shipped.
STATUS_FOR_KIND = {
    Kind.IN_TRANSIT: Shipment.Status.IN_TRANSIT,
    Kind.OUT_FOR_DELIVERY: Shipment.Status.OUT_FOR_DELIVERY,
    Kind.DELIVERY_FAILED: Shipment.Status.DELIVERY_FAILED,
    Kind.DELIVERED: Shipment.Status.DELIVERED,
    Kind.RETURNED: Shipment.Status.RETURNED,
}
# Shipments on the way are asked about this often when no notice came.
POLL_EVERY = timedelta(hours=2)
POLL_BATCH = 200


def tracking_notice_read(carrier: str, body: bytes) -> Notice:
    """A carrier's tracking event about one of our tracking codes: a shipment's, or a parcel
    a registered owner claims. Raises NoticeRejected."""
    try:
        payload = notice_payload(body)
        data = payload["data"]
        code = data["tracking_code"]
        at = datetime.fromisoformat(data["at"])
        valid = payload["type"] == "tracking" and data["kind"] in Kind.values
    except (NoticeMalformed, ValueError, KeyError, TypeError) as error:
        raise NoticeRejected("malformed notice", status=400) from error
    texts = (data.get("description", ""), data.get("location", ""))
    if at.tzinfo is None or not all(isinstance(text, str) for text in texts):  # could never be applied
        raise NoticeRejected("malformed notice", status=400)
    if not valid:
        raise NoticeRejected("unknown notice", status=400)
    is_shipment = Shipment.objects.filter(tracking_code=code, service__gateway=carrier).exists()
    if not is_shipment and parcel_owner_for(carrier=carrier, tracking_code=code) is None:
        raise NoticeRejected("unknown tracking code", status=404)
    return Notice(event_id=payload["id"], kind="tracking", payload=payload)


def tracking_notice_apply(*, event: WebhookEvent) -> Outcome:
    """Apply a stored tracking notice to its shipment, or hand it to the parcel's owner; an
    event already known (polled first) is ignored."""
    data = event.payload["data"]
    code = data["tracking_code"]
    carrier_event = CarrierEvent(
        event_id=event.event_id,
        kind=data["kind"],
        occurred_at=datetime.fromisoformat(data["at"]),
        description=data.get("description", ""),
        location=data.get("location", ""),
    )
    shipment_id = Shipment.objects.filter(tracking_code=code).values_list("pk", flat=True).first()
    if shipment_id is not None:
        stored = tracking_events_apply(
            shipment_id=shipment_id, events=[carrier_event], source=TrackingEvent.Source.WEBHOOK
        )
    elif owner := parcel_owner_for(carrier=event.provider, tracking_code=code):
        stored = owner.apply(code, [carrier_event], TrackingEvent.Source.WEBHOOK)
    else:  # its owner let go of it since the notice was taken
        return Outcome(applied=False, note="nobody owns this parcel")
    return Outcome(applied=True) if stored else Outcome(applied=False, note="already known")


CARRIER_SENDER = Sender(
    name="carrier",
    secrets_setting="STORE_CARRIER_WEBHOOK_SECRETS",
    read=tracking_notice_read,
    apply=tracking_notice_apply,
    queue=Queue.LOGISTICS,
    unknown_provider="unknown carrier",
)


def _order_follow(*, shipment: Shipment, event: TrackingEvent) -> None:
    """The order's timeline tells the event; the order is delivered once all its parcels are."""
    order = shipment.order
    all_delivered = not order.shipments.exclude(
        status__in=[Shipment.Status.DELIVERED, Shipment.Status.CANCELLED]
    ).exists()
    if event.kind == Kind.DELIVERED and order.status == Order.Status.SHIPPED and all_delivered:
        order_transition(
            order_id=order.pk, to=Order.Status.DELIVERED, actor=TRACKING_ACTOR, note=shipment.tracking_code
        )
        return
    OrderEvent.objects.create(
        order=order,
        actor=TRACKING_ACTOR.label,
        note=f"{shipment.tracking_code}: {event.get_kind_display()} — {event.description} ({event.location})",
    )


@transaction.atomic
def tracking_events_apply(*, shipment_id: int, events: list[CarrierEvent], source: str) -> int:
    """Store the events of a shipment not stored before and let the newest ones move it;
    return how many were new. Events that arrive late (older than what we know) are kept
    for the record but move nothing."""
    shipment = lock_shipment(shipment_id)
    known = set(shipment.tracking_events.values_list("event_id", flat=True))
    new = 0
    for carrier_event in sorted(events, key=lambda event: event.occurred_at):
        if carrier_event.event_id in known or carrier_event.kind not in Kind.values:
            continue
        known.add(carrier_event.event_id)
        new += 1
        event = TrackingEvent.objects.create(
            shipment=shipment,
            event_id=carrier_event.event_id,
            kind=carrier_event.kind,
            occurred_at=carrier_event.occurred_at,
            description=carrier_event.description[:200],
            location=carrier_event.location[:120],
            source=source,
        )
        _shipment_follow(shipment=shipment, event=event)
    return new


def _shipment_follow(*, shipment: Shipment, event: TrackingEvent) -> None:
    if shipment.last_event_at and event.occurred_at < shipment.last_event_at:
        return
    status = STATUS_FOR_KIND.get(event.kind)
    fields = {"last_event_at": event.occurred_at}
    if event.kind in (Kind.DELIVERY_FAILED, Kind.RETURNED):
        fields["incidents"] = shipment.incidents + 1
    if event.kind == Kind.DELIVERED:
        fields["delivered_at"] = event.occurred_at
    if status and status != shipment.status and status in SHIPMENT_TRANSITIONS[shipment.status]:
        shipment_transition(shipment=shipment, to=status, **fields)
    else:
        for name, value in fields.items():
            setattr(shipment, name, value)
        shipment.save(update_fields=["updated_at", *fields])
    _order_follow(shipment=shipment, event=event)
    shipment_news_notify(shipment=shipment, event=event)


def shipments_track(*, now: datetime | None = None) -> int:
    """Ask the carriers about one batch of shipments on the way that have not been asked
    about lately; return how many were asked. A carrier that does not answer is asked again
    next time."""
    now = now or timezone.now()
    due = list(
        Shipment.objects.active()
        .filter(tracking_code__isnull=False)
        .exclude(last_polled_at__gte=now - POLL_EVERY)
        .order_by(F("last_polled_at").asc(nulls_first=True), "pk")
        .values_list("pk", "tracking_code", "service__gateway")[:POLL_BATCH]
    )
    gateways = {name: carrier_gateway(name) for name in {name for _pk, _code, name in due}}
    asked = 0
    for shipment_id, code, name in due:
        try:
            events = gateways[name].track(tracking_code=code)
        except CarrierUnavailable:
            continue
        tracking_events_apply(shipment_id=shipment_id, events=events, source=TrackingEvent.Source.POLL)
        Shipment.objects.filter(pk=shipment_id).update(last_polled_at=now)
        asked += 1
    return asked
