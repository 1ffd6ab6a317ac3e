"""What the store says on a ticket: the acknowledgement with the protocol, agents' public
replies (typed or from a macro), internal notes and logged calls. Replies reach the customer
through support.notifications, threaded by email and carrying the protocol."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.actor import Actor
from orders.services.notifications import order_links
from support.exceptions import TicketClosed, TicketTransitionNotAllowed
from support.locks import lock_ticket
from support.models import Channel, Macro, Message, PhoneCall, Ticket
from support.notifications.adapters.whatsapp import is_window_open
from support.notifications.models import Notification
from support.notifications.services import notification_queue
from support.selectors import ticket_access_token
from support.services.sla import SLA_FIELDS, sla_schedule
from support.services.tickets import (
    AFTER_REPLY,
    Incoming,
    _event,
    _message_add,
    ticket_transition,
    ticket_update,
)

# An email thread quotes at most this many earlier message ids in References.
REFERENCES_KEPT = 10


def _email_headers(*, ticket: Ticket, message: Message) -> dict[str, str]:
    """Threading headers: our own Message-ID, and the customer's last message it answers."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
    # Unguessable, so nobody can thread a message of their own onto someone else's ticket.
    message.message_id = f"<ticket-{ticket.protocol}-{message.pk}.{secrets.token_hex(8)}@{domain}>"
    message.save(update_fields=["message_id", "updated_at"])
    earlier = list(
        Message.objects.filter(ticket=ticket)
        .exclude(message_id="")
        .exclude(pk=message.pk)
        .order_by("-created_at", "-pk")
        .values_list("message_id", "direction")[:REFERENCES_KEPT]
    )
    headers = {"Message-ID": message.message_id}
    inbound = [message_id for message_id, direction in earlier if direction == Message.Direction.INBOUND]
    if inbound:
        headers["In-Reply-To"] = inbound[0]
    if earlier:
        headers["References"] = " ".join(message_id for message_id, _direction in reversed(earlier))
    return headers


def ticket_url(ticket: Ticket) -> str:
    """The link in messages about the ticket; it opens the conversation without logging in."""
    path = reverse("support:ticket-detail", kwargs={"protocol": ticket.protocol})
    return f"{settings.SITE_URL}{path}?t={ticket_access_token(ticket=ticket)}"


def whatsapp_window_open(ticket: Ticket) -> bool:
    return is_window_open(last_customer_message_at=ticket.last_customer_message_at)


def _deliver(*, ticket: Ticket, message: Message, kind: str) -> Notification | None:
    """Send an outbound message to the customer, logged as a notification: on WhatsApp for a
    WhatsApp conversation (free text within 24 hours of the customer's last message, else the
    approved template pointing to the conversation), by email otherwise; None when the ticket
    has no address to answer to (a phone contact without email)."""
    context = {"ticket": ticket, "message": message, "ticket_url": ticket_url(ticket)}
    if ticket.channel == Channel.WHATSAPP and ticket.contact_phone:
        window_open = whatsapp_window_open(ticket)
        notification = notification_queue(
            kind=kind,
            dedup_key=f"ticket_message:{message.pk}",
            recipient=ticket.customer,
            to_address=ticket.contact_phone,
            language=ticket.language,
            context=context,
            channel=Notification.Channel.WHATSAPP,
            template="" if window_open else "ticket_update",
            template_parameters=[] if window_open else [ticket.protocol, context["ticket_url"]],
        )
        message.notification = notification
        message.save(update_fields=["notification", "updated_at"])
        return notification
    address = ticket.contact_email or getattr(ticket.customer, "email", "")
    if not address:
        return None
    notification = notification_queue(
        kind=kind,
        dedup_key=f"ticket_message:{message.pk}",
        recipient=ticket.customer,
        to_address=address,
        language=ticket.language,
        context=context,
        headers=_email_headers(ticket=ticket, message=message),
    )
    message.notification = notification
    message.save(update_fields=["notification", "updated_at"])
    return notification


def ticket_acknowledge(*, ticket: Ticket) -> Message:
    """Tell the customer their protocol at the first contact; it shows in the conversation."""
    message = Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.OUTBOUND,
        channel=ticket.channel,
        author_label=settings.SITE_NAME,
        body_text="",
        is_automatic=True,
    )
    with translation.override(ticket.language):
        message.body_text = gettext("We received your message. Your protocol number is %(protocol)s.") % {
            "protocol": ticket.protocol
        }
    message.save(update_fields=["body_text", "updated_at"])
    _deliver(ticket=ticket, message=message, kind=Notification.Kind.TICKET_RECEIVED)
    return message


@transaction.atomic
def ticket_reply(
    *,
    ticket_id: int,
    actor: Actor,
    body_text: str,
    status_after: str = Ticket.Status.WAITING_CUSTOMER,
    files: list | None = None,
) -> Message:
    """An agent answers the customer: the message goes out on the ticket's channel, the first
    answer stops the first-response clock, and the ticket moves to `status_after`.

    Raises TicketClosed, TicketTransitionNotAllowed, AttachmentRefused or PermissionMissing.
    """
    ticket = lock_ticket(ticket_id)
    actor.require_perm(ticket.queue.work_permission)
    if ticket.status == Ticket.Status.CLOSED:
        raise TicketClosed()
    if status_after not in AFTER_REPLY:
        raise TicketTransitionNotAllowed()
    author = actor.user
    message = _message_add(
        ticket=ticket,
        incoming=Incoming(channel=ticket.channel, body_text=body_text, files=files or []),
        direction=Message.Direction.OUTBOUND,
        author=author,
        author_label=author.get_full_name() or author.email,
    )
    if ticket.first_responded_at is None:
        ticket.first_responded_at = message.created_at
        fields = ["first_responded_at"]
        if ticket.sla_paused_at is None:
            sla_schedule(ticket=ticket)  # the next deadline is now the resolution
            fields.extend(SLA_FIELDS)
        ticket.save(update_fields=[*fields, "updated_at"])
    if status_after != ticket.status:
        ticket_transition(ticket=ticket, to=status_after, actor=actor)
    _deliver(ticket=ticket, message=message, kind=Notification.Kind.TICKET_REPLY)
    return message


@transaction.atomic
def ticket_note(*, ticket_id: int, actor: Actor, body_text: str, files: list | None = None) -> Message:
    """An internal note: staff see it, the customer never does."""
    ticket = lock_ticket(ticket_id)
    actor.require_perm(ticket.queue.work_permission)
    return _message_add(
        ticket=ticket,
        incoming=Incoming(channel=Channel.INTERNAL, body_text=body_text, files=files or []),
        direction=Message.Direction.NOTE,
        author=actor.user,
        author_label=_author_label(actor),
    )


def _author_label(actor: Actor) -> str:
    user = actor.user
    return (user.get_full_name() or user.email) if user is not None else actor.label


@transaction.atomic
def ticket_store_message(*, ticket_id: int, body_text: str, author=None) -> Message:
    """The store writes first on a ticket it opened (a question about an order): the message
    goes out threaded with the protocol and the ticket waits for the customer. The caller
    checked that its actor may ask."""
    ticket = lock_ticket(ticket_id)
    message = _message_add(
        ticket=ticket,
        incoming=Incoming(channel=ticket.channel, body_text=body_text),
        direction=Message.Direction.OUTBOUND,
        author=author,
        author_label=(author.get_full_name() or author.email) if author else settings.SITE_NAME,
    )
    ticket.first_responded_at = message.created_at
    sla_schedule(ticket=ticket)
    ticket.save(update_fields=["first_responded_at", *SLA_FIELDS, "updated_at"])
    ticket_transition(ticket=ticket, to=Ticket.Status.WAITING_CUSTOMER, actor=Actor.job("support"))
    _deliver(ticket=ticket, message=message, kind=Notification.Kind.TICKET_REPLY)
    return message


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def macro_render(*, macro: Macro, ticket: Ticket) -> str:
    """The macro's text with the ticket's protocol, customer, order and tracking filled in;
    unknown or missing placeholders become blank."""
    shipment = ticket.shipment or (ticket.order.shipments.order_by("-pk").first() if ticket.order else None)
    values = _Blank(
        protocol=ticket.protocol,
        customer_name=(ticket.contact_name or "").split(" ")[0],
        order_number=ticket.order.number if ticket.order else "",
        tracking_code=getattr(shipment, "tracking_code", "") or "",
        tracking_url=order_links(order=ticket.order)["order_url"] if ticket.order else "",
    )
    try:
        return macro.body.format_map(values)
    except (ValueError, IndexError, AttributeError):  # a stray brace in the text: send it as written
        return macro.body


@transaction.atomic
def ticket_reply_with_macro(
    *,
    ticket_id: int,
    macro: Macro,
    actor: Actor,
    body_text: str = "",
    status_after: str = "",
    files: list | None = None,
) -> Message:
    """Answer with a macro (its text, or the agent's edit of it), then set what it sets. The
    agent's own choice of status wins over the macro's, which only suggests it."""
    ticket = lock_ticket(ticket_id)
    text = body_text or macro_render(macro=macro, ticket=ticket)
    suggested = macro.set_status if macro.set_status in AFTER_REPLY else Ticket.Status.WAITING_CUSTOMER
    message = ticket_reply(
        ticket_id=ticket_id, actor=actor, body_text=text, status_after=status_after or suggested, files=files
    )
    if macro.set_priority:
        ticket_update(ticket_id=ticket_id, actor=actor, priority=macro.set_priority)
    ticket.refresh_from_db()
    tags = list(macro.add_tags.all())
    if tags:
        ticket.tags.add(*tags)
    if (
        macro.set_status == Ticket.Status.CLOSED
        and not status_after
        and ticket.status != Ticket.Status.CLOSED
    ):
        ticket_transition(
            ticket=ticket,
            to=Ticket.Status.CLOSED,
            actor=actor,
            note=gettext("Macro %(name)s") % {"name": macro.name},
        )
    return message


@transaction.atomic
def phone_call_log(
    *, ticket_id: int, actor: Actor, direction: str, duration: timedelta, outcome: str, notes: str = ""
) -> PhoneCall:
    """Record a call on a ticket; its notes join the conversation as an internal note."""
    ticket = lock_ticket(ticket_id)
    actor.require_perm(ticket.queue.work_permission)
    call = PhoneCall.objects.create(
        ticket=ticket, agent=actor.user, direction=direction, duration=duration, outcome=outcome, notes=notes
    )
    summary = f"{call.get_direction_display()} · {duration} · {call.get_outcome_display()}"
    _event(ticket, actor, f"call: {summary}")
    if notes:
        _message_add(
            ticket=ticket,
            incoming=Incoming(channel=Channel.PHONE, body_text=notes),
            direction=Message.Direction.NOTE,
            author=actor.user,
            author_label=_author_label(actor),
        )
    return call


@transaction.atomic
def macro_upsert(*, name: str, body: str, set_status: str = "") -> Macro:
    """Create a macro, or change the text and status of the one with that name."""
    macro, _created = Macro.objects.update_or_create(
        name=name, defaults={"body": body, "set_status": set_status}
    )
    macro.full_clean()
    return macro


@transaction.atomic
def ticket_open_for_call(
    *, actor: Actor, direction: str, duration: timedelta, outcome: str, **ticket_fields
) -> Ticket:
    """A ticket for a phone call, with the call logged on it (one or the other never alone).
    Takes ticket_open's arguments besides the call's."""
    from support.services.tickets import ticket_open

    ticket = ticket_open(actor=actor, **ticket_fields)
    phone_call_log(ticket_id=ticket.pk, actor=actor, direction=direction, duration=duration, outcome=outcome)
    return ticket
