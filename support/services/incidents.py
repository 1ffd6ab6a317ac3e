"""Tickets the store opens itself: a delivery that went wrong, an analyst's question about a
held order, and a return request (agents follow the return on its ticket). Each incident
opens one ticket, however often it is looked at."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.actor import Actor
from logistics.models import TrackingEvent
from orders.models import Order
from orders.services.review import order_ask_customer
from returns.models import OPEN_STATUSES, ReturnRequest
from support.locks import lock_ticket
from support.models import Channel, Priority, Ticket
from support.services.replies import ticket_note, ticket_store_message
from support.services.tickets import Contact, Incoming, ticket_open, ticket_transition

INCIDENT_ACTOR = Actor.job("support_incidents")
DELIVERY_INCIDENTS = (TrackingEvent.Kind.DELIVERY_FAILED, TrackingEvent.Kind.RETURNED)
# Carrier events older than this are history, not news to act on.
INCIDENT_WINDOW = timedelta(days=3)
INCIDENT_BATCH = 200


def _contact(order: Order) -> Contact:
    return Contact(
        customer=order.customer,
        name=order.full_name,
        email=order.email,
        phone=order.phone,
        language=order.language,
    )


def delivery_incident_ticket_open(*, event_id: int) -> Ticket:
    """Open the ticket for a failed delivery attempt or a parcel sent back, linked to its
    shipment and order, once per carrier event; the incident is its first (internal) note."""
    event = TrackingEvent.objects.select_related("shipment__order__customer").get(pk=event_id)
    shipment, order = event.shipment, event.shipment.order
    with transaction.atomic():
        with override(order.language):
            subject = _("%(kind)s: order %(number)s") % {
                "kind": event.get_kind_display(),
                "number": order.number,
            }
        ticket = ticket_open(
            contact=_contact(order),
            subject=subject,
            incoming=Incoming(channel=Channel.INTERNAL, body_text=""),
            actor=INCIDENT_ACTOR,
            priority=Priority.HIGH,
            order=order,
            shipment=shipment,
            incident_key=f"delivery:{event.pk}",
            acknowledge=False,
        )
        if not ticket.messages.exists():
            where = f" ({event.location})" if event.location else ""
            what = f"{event.get_kind_display()} — {event.description}{where}"
            ticket_note(
                ticket_id=ticket.pk, actor=INCIDENT_ACTOR, body_text=f"{shipment.tracking_code}: {what}"
            )
    return ticket


def delivery_incident_tickets_open(*, now: datetime | None = None) -> int:
    """Open the tickets of recent delivery incidents that have none yet; return how many.
    Runs every minute: an incident waits at most that long for its ticket."""
    key = Concat(Value("delivery:"), Cast(OuterRef("pk"), output_field=CharField()), output_field=CharField())
    pending = list(
        TrackingEvent.objects.filter(
            kind__in=DELIVERY_INCIDENTS, created_at__gte=(now or timezone.now()) - INCIDENT_WINDOW
        )
        .exclude(Exists(Ticket.objects.filter(incident_key=key)))
        .order_by("pk")
        .values_list("pk", flat=True)[:INCIDENT_BATCH]
    )
    for event_id in pending:
        delivery_incident_ticket_open(event_id=event_id)
    return len(pending)


@transaction.atomic
def order_question_ask(*, order_id: int, actor: Actor, seen: datetime, question: str) -> Ticket:
    """An analyst asks the customer about a held order: the question goes on the order's
    timeline and out on a ticket, so the customer's answer comes back to the ticket.

    Raises what order_ask_customer raises (ReasonRequired, TransitionNotAllowed, ...)."""
    event = order_ask_customer(order_id=order_id, actor=actor, seen=seen, message=question, notify=False)
    order = Order.objects.select_related("customer").get(pk=order_id)
    with override(order.language):
        subject = _("Information about order %(number)s") % {"number": order.number}
    ticket = ticket_open(
        contact=_contact(order),
        subject=subject,
        incoming=Incoming(channel=Channel.EMAIL, body_text=""),
        actor=INCIDENT_ACTOR,
        order=order,
        incident_key=f"order_question:{event.pk}",
        acknowledge=False,
    )
    ticket_store_message(ticket_id=ticket.pk, body_text=question.strip(), author=actor.user)
    return ticket


# A return's ticket waits on the returns team while the return is open, and is resolved
# (then closed by the desk's usual job) once the return is finished.
RETURN_TICKET_DONE = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)


@transaction.atomic
def return_ticket_open(*, return_request_id: int) -> Ticket:
    """Open the ticket of a return request, once: its protocol is the request's, its first
    message the customer's reason and description, and it waits on the returns team."""
    existing = Ticket.objects.filter(return_request_id=return_request_id).first()
    if existing is not None:
        return existing
    request = ReturnRequest.objects.select_related("order__customer").get(pk=return_request_id)
    order = request.order
    with override(order.language):
        subject = _("Return %(number)s: %(reason)s") % {
            "number": request.number,
            "reason": request.get_reason_display(),
        }
        body = "\n\n".join(filter(None, [str(request.get_reason_display()), request.description]))
    ticket = ticket_open(
        contact=_contact(order),
        subject=subject,
        incoming=Incoming(channel=Channel.WEB, body_text=body),
        actor=INCIDENT_ACTOR,
        order=order,
        incident_key=f"return:{request.pk}",
        acknowledge=False,
        return_request=request,
    )
    return ticket_transition(
        ticket=lock_ticket(ticket.pk), to=Ticket.Status.WAITING_THIRD_PARTY, actor=INCIDENT_ACTOR
    )


def return_tickets_sync() -> int:
    """Open the tickets of return requests that have none (their task was lost) and resolve
    those of finished returns; return how many tickets changed. Runs every minute."""
    missing = list(
        ReturnRequest.objects.filter(ticket__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:INCIDENT_BATCH]
    )
    for request_id in missing:
        return_ticket_open(return_request_id=request_id)
    finished = list(
        Ticket.objects.filter(return_request__isnull=False)
        .exclude(return_request__status__in=OPEN_STATUSES)
        .exclude(status__in=RETURN_TICKET_DONE)
        .order_by("pk")
        .values_list("pk", flat=True)[:INCIDENT_BATCH]
    )
    for ticket_id in finished:
        with transaction.atomic():
            ticket = lock_ticket(ticket_id)
            if ticket.status not in RETURN_TICKET_DONE:
                ticket_transition(
                    ticket=ticket,
                    to=Ticket.Status.RESOLVED,
                    actor=INCIDENT_ACTOR,
                    note=_("The return is finished"),
                )
    return len(missing) + len(finished)
