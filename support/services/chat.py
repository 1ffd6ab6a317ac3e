"""The storefront's live chat: a visitor writes, an agent may take the chat at once; when
nobody answers in time, or when the agent closes it, the conversation becomes a ticket."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.actor import Actor
from core.locks import for_update
from core.transitions import status_move
from support.exceptions import ChatClosed, TicketClosed
from support.models import CHAT_TRANSITIONS, Channel, ChatMessage, ChatSession, Ticket
from support.services.tickets import (
    Contact,
    Incoming,
    ticket_customer_message,
    ticket_open,
    ticket_transition,
)

CHAT_ACTOR = Actor.job("chat")
UNANSWERED_BATCH = 200


def _lock_chat(chat_id: int) -> ChatSession:
    return for_update(ChatSession.objects.filter(pk=chat_id)).get()


def _say(chat: ChatSession, *, body: str, from_visitor: bool, author_label: str) -> ChatMessage:
    return ChatMessage.objects.create(
        session=chat, from_visitor=from_visitor, author_label=author_label[:200], body=body
    )


@transaction.atomic
def chat_start(*, name: str, email: str, body: str, customer=None) -> ChatSession:
    """A visitor opens the chat with their first message."""
    chat = ChatSession.objects.create(
        token=secrets.token_urlsafe(32),
        customer=customer,
        name=name[:150],
        email=email.strip().lower(),
        waiting_since=timezone.now(),
    )
    _say(chat, body=body, from_visitor=True, author_label=name)
    _bot_hear(chat, body=body)
    return chat


def _bot_hear(chat: ChatSession, *, body: str) -> None:
    """The service bot answers while no agent has taken the chat (support/bot)."""
    from support.bot.services import bot_chat_hear

    bot_chat_hear(chat=chat, body=body)


def chat_waiting_set(*, chat: ChatSession, since: datetime | None) -> ChatSession:
    """The chat waits for a person from `since`, or (None) the service bot answers it, out of
    the agents' list and the unanswered-chat clock. Caller holds the chat's lock."""
    if chat.waiting_since != since:
        chat.waiting_since = since
        chat.save(update_fields=["waiting_since", "updated_at"])
    return chat


def chat_bot_say(*, chat_id: int, body: str, author_label: str) -> ChatMessage:
    """The service bot writes in a chat. Caller holds the chat's lock."""
    return ChatMessage.objects.create(
        session_id=chat_id, from_visitor=False, author_label=author_label[:200], body=body
    )


@transaction.atomic
def chat_visitor_say(*, chat_id: int, body: str) -> ChatMessage:
    """The visitor writes again. A chat that became a ticket carries the message to the
    ticket (it reopens a ticket waiting on them). Raises ChatClosed when that ticket is closed."""
    chat = _lock_chat(chat_id)
    message = _say(chat, body=body, from_visitor=True, author_label=chat.name)
    if chat.status == ChatSession.Status.WAITING:
        _bot_hear(chat, body=body)
    if chat.status == ChatSession.Status.TICKETED:
        try:
            ticket_customer_message(
                ticket_id=chat.ticket_id,
                incoming=Incoming(channel=Channel.CHAT, body_text=body),
                actor=Actor.customer(chat.customer),
            )
        except TicketClosed as error:
            raise ChatClosed() from error
    return message


@transaction.atomic
def chat_agent_say(*, chat_id: int, actor: Actor, body: str) -> ChatMessage:
    """An agent answers a live chat; the first answer takes it. Raises PermissionMissing or
    ChatClosed (it became a ticket: answer there)."""
    actor.require_perm("support.answer_ticket")
    chat = _lock_chat(chat_id)
    if chat.status == ChatSession.Status.TICKETED:
        raise ChatClosed()
    if chat.status == ChatSession.Status.WAITING:
        status_move(
            row=chat,
            to=ChatSession.Status.ACTIVE,
            transitions=CHAT_TRANSITIONS,
            refused=ChatClosed(),
            agent=actor.user,
        )
    user = actor.user
    return _say(chat, body=body, from_visitor=False, author_label=user.get_full_name() or user.email)


def _transcript(chat: ChatSession) -> str:
    return "\n".join(
        f"[{timezone.localtime(message.created_at):%H:%M}] {message.author_label}: {message.body}"
        for message in chat.messages.all()
    )


def _to_ticket(chat: ChatSession, *, actor: Actor, resolved: bool) -> Ticket:
    """Keep the conversation as a ticket; the chat points to it from now on. Caller holds
    the chat's lock."""
    with override(getattr(chat.customer, "language", "") or settings.LANGUAGE_CODE):
        subject = _("Chat with %(name)s") % {"name": chat.name}
    ticket = ticket_open(
        contact=Contact(customer=chat.customer, name=chat.name, email=chat.email),
        subject=subject,
        incoming=Incoming(channel=Channel.CHAT, body_text=_transcript(chat)),
        actor=CHAT_ACTOR,
        acknowledge=not resolved,
    )
    status_move(
        row=chat,
        to=ChatSession.Status.TICKETED,
        transitions=CHAT_TRANSITIONS,
        refused=ChatClosed(),
        ticket=ticket,
    )
    if resolved:
        ticket_transition(ticket=ticket, to=Ticket.Status.RESOLVED, actor=actor, note=_("Chat closed"))
    return ticket


@transaction.atomic
def chat_close(*, chat_id: int, actor: Actor) -> Ticket:
    """The agent ends a chat: it is kept as a resolved ticket whose protocol the visitor sees.
    Raises PermissionMissing or ChatClosed."""
    actor.require_perm("support.answer_ticket")
    chat = _lock_chat(chat_id)
    if chat.status == ChatSession.Status.TICKETED:
        raise ChatClosed()
    ticket = _to_ticket(chat, actor=actor, resolved=True)
    with override(ticket.language):
        body = _("This chat was closed. Its protocol is %(protocol)s; reply here or by email.") % {
            "protocol": ticket.protocol
        }
    _say(chat, body=body, from_visitor=False, author_label=settings.SITE_NAME)
    return ticket


# A chat with an agent where nobody wrote for this long is over: it is kept as a ticket.
IDLE_AFTER = timedelta(minutes=30)


def chats_idle_to_tickets(*, now: datetime | None = None) -> int:
    """Chats with an agent that went quiet are kept as resolved tickets, as if the agent had
    closed them, so every conversation reaches the customer's story. Returns how many."""
    quiet_since = (now or timezone.now()) - IDLE_AFTER
    idle = list(
        ChatSession.objects.filter(status=ChatSession.Status.ACTIVE)
        .exclude(messages__created_at__gte=quiet_since)
        .order_by("created_at")
        .values_list("pk", flat=True)[:UNANSWERED_BATCH]
    )
    for chat_id in idle:
        with transaction.atomic():
            chat = _lock_chat(chat_id)
            if chat.status == ChatSession.Status.ACTIVE:
                _to_ticket(chat, actor=CHAT_ACTOR, resolved=True)
    return len(idle)


def chats_unanswered_to_tickets(*, now: datetime | None = None) -> int:
    """Chats no agent answered in time become tickets answered by email; the visitor is told
    the protocol in the chat and by email. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.STORE_CHAT_TICKET_AFTER_MINUTES)
    due = list(
        ChatSession.objects.filter(status=ChatSession.Status.WAITING, waiting_since__lt=cutoff)
        .order_by("waiting_since")
        .values_list("pk", flat=True)[:UNANSWERED_BATCH]
    )
    for chat_id in due:
        with transaction.atomic():
            chat = _lock_chat(chat_id)
            if chat.status != ChatSession.Status.WAITING:
                continue
            ticket = _to_ticket(chat, actor=CHAT_ACTOR, resolved=False)
            with override(ticket.language):
                body = _(
                    "Our agents are all busy. We opened protocol %(protocol)s and will answer you by "
                    "email at %(email)s; you can keep writing here."
                ) % {"protocol": ticket.protocol, "email": chat.email}
            _say(chat, body=body, from_visitor=False, author_label=settings.SITE_NAME)
    return len(due)
