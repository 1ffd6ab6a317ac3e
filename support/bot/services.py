"""The service bot: it answers WhatsApp numbers and storefront chats no person is talking to,
step by step (the order number and CPF that prove an order is the person's, then its tracking,
boleto or Pix code, or return link; the opening hours), and hands the conversation to a person
on request, when it does not understand twice, or after too many failed proofs.

Channel code calls `bot_whatsapp_hear` before a WhatsApp message becomes a ticket message, and
`bot_chat_hear` when a chat starts or its visitor writes while no agent has taken it. Every
write to a conversation goes through this module."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.actor import Actor
from core.locks import for_update
from core.transitions import status_move
from support.bot import answers
from support.bot.exceptions import ConversationTransitionNotAllowed
from support.bot.intents import Intent, cpf_in, intent_of, is_menu_choice, is_stop_request, order_number_in
from support.bot.models import CONVERSATION_TRANSITIONS, Conversation, Line, ProofFailure
from support.bot.selectors import (
    PROOF_FAILURES_KEPT,
    order_list_for_customer,
    order_proven,
    proof_is_blocked,
    proof_keys,
    ticket_active_for_number,
)
from support.models import Channel, ChatSession, Message
from support.notifications.models import Notification
from support.notifications.services import notification_queue
from support.recovery.services import recovery_opt_out_whatsapp
from support.services.tickets import Contact, Incoming, ticket_open

BOT_ACTOR = Actor.job("bot")
# Wrong number-and-CPF pairs a conversation may try before a person takes over.
PROOF_ATTEMPTS = 3
# Messages in a row the bot did not understand before a person takes over.
MISUNDERSTOOD_LIMIT = 2
SUBJECT_LENGTH = 60
EXPIRE_BATCH = 500
TOPIC_OF = {
    Intent.TRACKING: Conversation.Topic.TRACKING,
    Intent.PAYMENT: Conversation.Topic.PAYMENT,
    Intent.RETURN: Conversation.Topic.RETURN,
}


def bot_name() -> str:
    return _("Virtual assistant")


def _idle_after() -> timedelta:
    return timedelta(minutes=settings.STORE_SUPPORT_BOT_IDLE_MINUTES)


def _enabled(channel: str) -> bool:
    return channel in settings.STORE_SUPPORT_BOT_CHANNELS


@dataclass
class Reply:
    """What the bot answers one message with; `hand_over` passes the conversation to a person."""

    lines: list[str] = field(default_factory=list)
    hand_over: bool = False


# --- State ---------------------------------------------------------------------------------


def _forget(conversation: Conversation, *, now: datetime) -> None:
    """Start over: a new conversation on the same row (the proven order is forgotten)."""
    conversation.step = Conversation.Step.MENU
    conversation.topic = ""
    conversation.order = None
    conversation.order_number_given = ""
    conversation.failed_proofs = 0
    conversation.misunderstood = 0
    conversation.started_at = now


def _transition(conversation: Conversation, *, to: str, **fields) -> None:
    status_move(
        row=conversation,
        to=to,
        transitions=CONVERSATION_TRANSITIONS,
        refused=ConversationTransitionNotAllowed(),
        **fields,
    )


def _save(conversation: Conversation, *, now: datetime) -> None:
    conversation.last_activity_at = now
    conversation.save()


# --- Understanding -------------------------------------------------------------------------


def _about_order(conversation: Conversation, *, now: datetime) -> list[str]:
    """The answer of the conversation's topic for its proven order; back to the menu."""
    order_id = conversation.order_id
    conversation.step = Conversation.Step.MENU
    conversation.misunderstood = 0
    if conversation.topic == Conversation.Topic.PAYMENT:
        lines = answers.payment(order_id=order_id, now=now)
    elif conversation.topic == Conversation.Topic.RETURN:
        lines = answers.return_start(order_id=order_id)
    else:
        lines = answers.tracking(order_id=order_id)
    return [*lines, answers.anything_else()]


def _prove(conversation: Conversation, *, number: str, cpf: str, now: datetime) -> Reply:
    """Check the pair; a wrong one counts in the conversation and, for an hour, against the
    number and the CPF everywhere (a blocked pair is refused in the same words, right or not)."""
    blocked = proof_is_blocked(number=number, cpf=cpf, now=now)
    order = None if blocked else order_proven(number=number, cpf=cpf)
    if order is None:
        ProofFailure.objects.bulk_create(
            [ProofFailure(key=key) for key in proof_keys(number=number, cpf=cpf)]
        )
        conversation.failed_proofs += 1
        conversation.order_number_given = ""
        conversation.step = Conversation.Step.ORDER_NUMBER
        if conversation.failed_proofs >= PROOF_ATTEMPTS:
            return Reply(lines=[answers.too_many_failed_proofs()], hand_over=True)
        return Reply(lines=[answers.proof_failed()])
    conversation.order = order
    conversation.order_number_given = ""
    return Reply(lines=_about_order(conversation, now=now))


def _own_order(conversation: Conversation, text: str, number: str) -> int | None:
    """A signed-in customer's pick among their orders (by position or number), or None."""
    if conversation.customer is None:
        return None
    orders = order_list_for_customer(customer=conversation.customer)
    choice = text.strip(" .#")
    if choice.isdigit() and 1 <= int(choice) <= len(orders):
        return orders[int(choice) - 1].pk
    return next((order.pk for order in orders if number and order.number == number), None)


def _ask_for_order(conversation: Conversation, text: str, *, now: datetime) -> Reply:
    """The number (and CPF) given for the conversation's topic; prove it or ask what is missing."""
    cpf = cpf_in(text)
    number = order_number_in(text)
    own = _own_order(conversation, text, number)
    if own is not None:
        conversation.order_id = own
        return Reply(lines=_about_order(conversation, now=now))
    if number and cpf:
        return _prove(conversation, number=number, cpf=cpf, now=now)
    if number:
        conversation.order_number_given = number
        conversation.step = Conversation.Step.CPF
        return Reply(lines=[answers.ask_cpf()])
    conversation.step = Conversation.Step.ORDER_NUMBER
    if conversation.customer is not None:
        orders = order_list_for_customer(customer=conversation.customer)
        if orders:
            return Reply(lines=[answers.own_orders(orders)])
    return Reply(lines=[answers.ask_order_number()])


def _choose(conversation: Conversation, intent: Intent, text: str, *, now: datetime) -> Reply:
    """Act on what the person asked for, from any step."""
    conversation.misunderstood = 0
    if intent == Intent.HOURS:
        conversation.step = Conversation.Step.MENU
        return Reply(lines=answers.hours(now=now))
    if intent == Intent.MENU:
        conversation.step = Conversation.Step.MENU
        return Reply(lines=[answers.greeting(name=conversation.name)])
    conversation.topic = TOPIC_OF[intent]
    preface = [answers.return_rules()] if intent == Intent.RETURN else []
    named = order_number_in(text)
    if conversation.order_id and (not named or named == conversation.order.number):
        return Reply(lines=preface + _about_order(conversation, now=now))
    reply = _ask_for_order(conversation, text, now=now)
    return Reply(lines=preface + reply.lines, hand_over=reply.hand_over)


def _misunderstood(conversation: Conversation) -> Reply:
    conversation.misunderstood += 1
    if conversation.misunderstood >= MISUNDERSTOOD_LIMIT:
        return Reply(hand_over=True)
    return Reply(lines=[answers.not_understood()])


def _respond(conversation: Conversation, text: str, *, now: datetime) -> Reply:
    """The bot's answer to one message, by the conversation's step. Caller holds the lock."""
    intent = intent_of(text)
    if intent == Intent.PERSON:
        return Reply(hand_over=True)
    if conversation.channel == Conversation.Channel.WHATSAPP and is_stop_request(text):
        recovery_opt_out_whatsapp(phone=conversation.phone)
        return Reply(lines=[answers.reminders_stopped()])
    step = conversation.step
    if step != Conversation.Step.MENU and is_menu_choice(text) and conversation.customer is None:
        return _choose(conversation, intent, text, now=now)  # a guest's menu number changes topic
    if step == Conversation.Step.CPF:
        cpf = cpf_in(text)
        if cpf:
            number = order_number_in(text) or conversation.order_number_given
            return _prove(conversation, number=number, cpf=cpf, now=now)
        if intent not in (Intent.UNKNOWN, Intent.MENU) and not order_number_in(text):
            return _choose(conversation, intent, text, now=now)
        if any(char.isdigit() for char in text):
            return Reply(lines=[answers.cpf_invalid()])
        return _misunderstood(conversation) if intent == Intent.UNKNOWN else Reply(lines=[answers.ask_cpf()])
    if step == Conversation.Step.ORDER_NUMBER:
        if intent not in (Intent.UNKNOWN, Intent.MENU) and not any(char.isdigit() for char in text):
            return _choose(conversation, intent, text, now=now)
        if any(char.isdigit() for char in text):
            return _ask_for_order(conversation, text, now=now)
        return (
            _misunderstood(conversation)
            if intent == Intent.UNKNOWN
            else Reply(lines=[answers.ask_order_number()])
        )
    if intent == Intent.UNKNOWN:
        return _misunderstood(conversation)
    return _choose(conversation, intent, text, now=now)


# --- WhatsApp ------------------------------------------------------------------------------


def _whatsapp_say(conversation: Conversation, body: str, *, ticket=None) -> Line:
    """A bot line out through the gateway path ticket replies take (free text: the customer's
    message just opened the 24-hour window), logged as a notification of its own kind."""
    line = Line.objects.create(conversation=conversation, from_customer=False, body=body)
    line.notification = notification_queue(
        kind=Notification.Kind.BOT_REPLY,
        dedup_key=f"bot_line:{line.pk}",
        recipient=conversation.customer,
        to_address=conversation.phone,
        language=conversation.language,
        # A code to copy goes alone, unsigned.
        context={
            "body": body,
            "signed": not isinstance(body, answers.Verbatim),
            "bot_name": bot_name(),
            "ticket": ticket,
        },
        channel=Notification.Channel.WHATSAPP,
    )
    line.save(update_fields=["notification"])
    return line


def _transcript(lines) -> str:
    return "\n".join(
        f"[{timezone.localtime(line.created_at):%H:%M}] {label}: {line.body}" for line, label in lines
    )


def _whatsapp_hand_over(conversation: Conversation, *, now: datetime) -> None:
    """Open the number's ticket in the agents' queue with the whole conversation on it; the
    customer is told its protocol on WhatsApp, and their next messages go to it."""
    said = list(conversation.lines.filter(created_at__gte=conversation.started_at).order_by("pk"))
    customer_label = conversation.name or conversation.phone
    transcript = _transcript((line, customer_label if line.from_customer else bot_name()) for line in said)
    first = next((line.body for line in said if line.from_customer), "") or "WhatsApp"
    ticket = ticket_open(
        contact=Contact(
            customer=conversation.customer,
            name=conversation.name,
            phone=conversation.phone,
            language=conversation.language,
        ),
        subject=" ".join(first.split())[:SUBJECT_LENGTH],
        incoming=Incoming(channel=Channel.WHATSAPP, body_text=transcript),
        actor=BOT_ACTOR,
        order=conversation.order,
    )
    _transition(conversation, to=Conversation.Status.HANDED_OVER, ticket=ticket, handed_over_at=now)
    acknowledgement = (
        Message.objects.filter(ticket=ticket, direction=Message.Direction.OUTBOUND)
        .order_by("-pk")
        .only("body_text", "notification_id")
        .first()
    )
    if acknowledgement is not None:  # the protocol, as the ticket told it: logged here too
        Line.objects.create(
            conversation=conversation,
            from_customer=False,
            body=acknowledgement.body_text,
            notification_id=acknowledgement.notification_id,
        )


def _whatsapp_conversation(*, phone: str, name: str, now: datetime) -> Conversation:
    """The number's conversation, locked; created on its first message."""
    try:
        with transaction.atomic():
            Conversation.objects.get_or_create(
                channel=Conversation.Channel.WHATSAPP,
                phone=phone,
                defaults={
                    "name": name[:150],
                    "language": settings.LANGUAGE_CODE,
                    "started_at": now,
                    "last_activity_at": now,
                },
            )
    except IntegrityError:
        pass  # created by a message of the same number applied at the same moment
    return for_update(Conversation.objects.filter(channel=Conversation.Channel.WHATSAPP, phone=phone)).get()


def _is_placeholder(text: str) -> bool:
    """A message the channel could only name ("[location]", "[image]" without a caption)."""
    return text.startswith("[") and text.endswith("]")


def _hand_over_for_file(*, phone: str, now: datetime) -> None:
    """A file (or a location, a contact card...) in the middle of a conversation with the bot:
    a person takes over, and the channel puts the message on the ticket opened for them."""
    conversation = for_update(
        Conversation.objects.filter(
            channel=Conversation.Channel.WHATSAPP,
            phone=phone,
            status=Conversation.Status.ACTIVE,
            last_activity_at__gte=now - _idle_after(),
        )
    ).first()
    if (
        conversation is None
        or not conversation.lines.filter(created_at__gte=conversation.started_at).exists()
    ):
        return
    with translation.override(conversation.language):
        _whatsapp_say(conversation, answers.handing_over_whatsapp(now=now))
        _whatsapp_hand_over(conversation, now=now)
    _save(conversation, now=now)


@transaction.atomic
def bot_whatsapp_hear(*, phone: str, name: str, incoming: Incoming) -> bool:
    """Answer a customer's WhatsApp message, unless a person has the number's conversation (an
    open ticket): True when the bot took it, False when the channel keeps it for a ticket.

    A message delivered twice is answered once. A file is for a person: the conversation so
    far goes to a new ticket, and the channel adds the file's message to it (False).
    """
    if not _enabled(Conversation.Channel.WHATSAPP) or ticket_active_for_number(phone=phone) is not None:
        return False
    if incoming.external_id and Line.objects.filter(external_id=incoming.external_id[:120]).exists():
        return True
    now = timezone.now()
    if incoming.files or _is_placeholder(incoming.body_text):
        _hand_over_for_file(phone=phone, now=now)
        return False
    conversation = _whatsapp_conversation(phone=phone, name=name, now=now)
    if conversation.status == Conversation.Status.HANDED_OVER:  # its ticket is over: start again
        _transition(conversation, to=Conversation.Status.ACTIVE, ticket=None, handed_over_at=None)
        _forget(conversation, now=now)
    elif conversation.last_activity_at < now - _idle_after():
        _forget(conversation, now=now)
    if name:
        conversation.name = name[:150]
    Line.objects.create(
        conversation=conversation,
        from_customer=True,
        body=incoming.body_text,
        external_id=incoming.external_id[:120],
    )
    with translation.override(conversation.language):
        reply = _respond(conversation, incoming.body_text, now=now)
        for body in reply.lines:
            _whatsapp_say(conversation, body)
        if reply.hand_over:
            _whatsapp_say(conversation, answers.handing_over_whatsapp(now=now))
            _whatsapp_hand_over(conversation, now=now)
    _save(conversation, now=now)
    return True


# --- Chat ----------------------------------------------------------------------------------


def _chat_conversation(chat: ChatSession, *, now: datetime) -> Conversation:
    conversation = Conversation.objects.filter(chat=chat).first()
    if conversation is None:
        conversation = Conversation.objects.create(
            channel=Conversation.Channel.CHAT,
            chat=chat,
            customer=chat.customer,
            name=chat.name,
            # The account's language, else the one the visitor browses in.
            language=getattr(chat.customer, "language", "")
            or translation.get_language()
            or settings.LANGUAGE_CODE,
            started_at=now,
            last_activity_at=now,
        )
    return for_update(Conversation.objects.filter(pk=conversation.pk)).get()


def bot_chat_hear(*, chat: ChatSession, body: str) -> None:
    """Answer the visitor of a chat no agent has taken, in the chat. Once handed over, the chat
    waits for an agent as any other and the bot stays quiet. Caller holds the chat's lock."""
    from support.services.chat import chat_bot_say, chat_waiting_set

    if not _enabled(Conversation.Channel.CHAT) or chat.status != ChatSession.Status.WAITING:
        return
    now = timezone.now()
    conversation = _chat_conversation(chat, now=now)
    if conversation.status == Conversation.Status.HANDED_OVER:
        return
    if conversation.last_activity_at < now - _idle_after():
        _forget(conversation, now=now)
    with translation.override(conversation.language):
        reply = _respond(conversation, body, now=now)
        for line in reply.lines:
            chat_bot_say(chat_id=chat.pk, body=line, author_label=bot_name())
        if reply.hand_over:
            chat_bot_say(chat_id=chat.pk, body=answers.handing_over_chat(now=now), author_label=bot_name())
            _transition(conversation, to=Conversation.Status.HANDED_OVER, handed_over_at=now)
    chat_waiting_set(chat=chat, since=now if reply.hand_over else None)
    _save(conversation, now=now)


# --- Expiry --------------------------------------------------------------------------------


def conversations_expire(*, now: datetime | None = None) -> int:
    """Forget the proven order and the step of conversations idle for longer than
    STORE_SUPPORT_BOT_IDLE_MINUTES (their next message starts over), and failed proofs past
    their hour. Returns how many conversations."""
    cutoff = (now or timezone.now()) - _idle_after()
    due = list(
        Conversation.objects.filter(status=Conversation.Status.ACTIVE, last_activity_at__lt=cutoff)
        .exclude(step=Conversation.Step.MENU, order__isnull=True, failed_proofs=0, topic="")
        .order_by("last_activity_at")
        .values_list("pk", flat=True)[:EXPIRE_BATCH]
    )
    ProofFailure.objects.filter(created_at__lt=(now or timezone.now()) - PROOF_FAILURES_KEPT).delete()
    return Conversation.objects.filter(pk__in=due, last_activity_at__lt=cutoff).update(
        step=Conversation.Step.MENU,
        topic="",
        order=None,
        order_number_given="",
        failed_proofs=0,
        misunderstood=0,
        updated_at=timezone.now(),
    )
