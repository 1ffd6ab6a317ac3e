"""Reads of the support desk shaped for pages: a customer's tickets and conversations."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core import signing
from django.db import connection
from django.db.models import Count, F, Min, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from orders.models import Order
from returns.models import ReturnRequest
from storefront.accounts.models import User
from storefront.accounts.selectors import staff_team
from support.models import (
    Attachment,
    ChatSession,
    Message,
    Ticket,
    TicketEvent,
    TicketQueue,
    TicketView,
)

ACCESS_SALT = "support.ticket"
# A guest's link to their ticket works this long (the ticket closes well before).
ACCESS_MAX_AGE = 180 * 24 * 3600


def ticket_access_token(*, ticket: Ticket) -> str:
    """The signed part of the link a customer follows their ticket with, sent in every reply."""
    return signing.dumps(ticket.protocol, salt=ACCESS_SALT)


# A customer choosing which order a message is about picks from their latest ones.
ORDERS_OFFERED = 30


def order_numbers_for_customer(*, customer) -> list[str]:
    return list(
        Order.objects.filter(customer=customer)
        .order_by("-placed_at", "-pk")
        .values_list("number", flat=True)[:ORDERS_OFFERED]
    )


def order_for_contact(*, number: str, customer=None, email: str = "") -> Order | None:
    """The order a message is about, when it is theirs: the signed-in customer's, or for a
    guest one placed with the email they gave. Anyone else's is ignored."""
    orders = Order.objects.filter(number=number)
    orders = (
        orders.filter(customer=customer)
        if customer is not None
        else orders.filter(email=email.strip().lower())
    )
    return orders.first() if (customer is not None or email) else None


def ticket_list_for_customer(*, customer) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(customer=customer, merged_into__isnull=True)
        .select_related("order")
        .order_by("-created_at", "-pk")
    )


def _for_page(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    public = Message.objects.exclude(direction=Message.Direction.NOTE).order_by("created_at", "pk")
    return tickets.select_related("queue", "order", "merged_into").prefetch_related(
        Prefetch("messages", queryset=public.prefetch_related("attachments"), to_attr="conversation"),
        Prefetch("escalations", to_attr="escalation_list"),
    )


def ticket_get_for_customer(*, customer, protocol: str) -> Ticket:
    """The customer's own ticket with its public conversation; anyone else's is not found."""
    ticket = _for_page(Ticket.objects.filter(customer=customer, protocol=protocol)).first()
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def ticket_get_for_guest(*, protocol: str, token: str) -> Ticket:
    """The ticket a signed link names; a wrong, altered or expired link finds nothing."""
    try:
        signed_protocol = signing.loads(token, salt=ACCESS_SALT, max_age=ACCESS_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404("No such ticket.") from error
    if signed_protocol != protocol:
        raise Http404("No such ticket.")
    ticket = _for_page(Ticket.objects.filter(protocol=protocol)).first()
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def attachment_get(*, token: str) -> Attachment:
    attachment = Attachment.objects.select_related("message__ticket").filter(token=token).first()
    if attachment is None:
        raise Http404("No such file.")
    return attachment


# --- The agents' desk -------------------------------------------------------------------

DESK_FILTERS = ("mine", "unassigned", "breached", "all")
# Someone who opened a ticket this recently still has it on screen.
VIEWING_WITHIN_SECONDS = 120


def queue_list_for_agent(*, user) -> list[TicketQueue]:
    """The queues the agent works, each with its active ticket count and oldest ticket."""
    queues = [
        queue
        for queue in TicketQueue.objects.order_by("is_ombudsman", "name")
        if user.has_perm(queue.work_permission)
    ]
    stats = {
        row["queue_id"]: row
        for row in Ticket.objects.active()
        .filter(queue__in=queues)
        .values("queue_id")
        .annotate(count=Count("pk"), oldest=Min("created_at"))
    }
    for queue in queues:
        queue.active_count = stats.get(queue.pk, {}).get("count", 0)
        queue.oldest_at = stats.get(queue.pk, {}).get("oldest")
    return queues


@dataclass(frozen=True)
class DeskFilters:
    queue: TicketQueue
    show: str = "all"  # one of DESK_FILTERS
    status: str = ""  # "" is every active status
    search: str = ""


def ticket_desk_list(*, filters: DeskFilters, user, now: datetime | None = None) -> QuerySet[Ticket]:
    """A queue's tickets for the desk, the next deadline first (tickets without one last)."""
    tickets = Ticket.objects.filter(queue=filters.queue)
    if filters.status:  # a merged ticket is closed: only a chosen status can show one
        tickets = tickets.filter(status=filters.status, merged_into__isnull=True)
    else:
        tickets = tickets.active()
    if filters.show == "mine":
        tickets = tickets.filter(assignee=user)
    elif filters.show == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.show == "breached":
        tickets = tickets.filter(sla_due_at__lte=now or timezone.now(), sla_paused_at__isnull=True)
    if filters.search:
        tickets = tickets.filter(pk__in=ticket_search_ids(term=filters.search))
    return tickets.select_related("assignee", "customer", "order").order_by(
        F("sla_due_at").asc(nulls_last=True), "pk"
    )


SEARCH_LIMIT = 500


def ticket_search_ids(*, term: str) -> QuerySet:
    """Tickets a term finds: a protocol (13 digits or more), an email, a CPF (11 digits), an
    order number (other digits), or else words of the subject or of any message."""
    term = term.strip()
    digits = re.sub(r"[.\-\s/]", "", term)
    if "@" in term:
        email = term.lower()
        # The account's id first: an OR across the join would read every ticket.
        customer_ids = list(User.objects.filter(email=email).values_list("pk", flat=True))
        match = Q(contact_email=email) | Q(customer_id__in=customer_ids)
    elif digits.isdigit() and len(digits) >= 13:
        match = Q(protocol=digits)
    elif digits.isdigit() and len(digits) == 11:  # a CPF, on the ticket's order or the customer's orders
        match = Q(order__cpf=digits) | Q(customer__in=Order.objects.filter(cpf=digits).values("customer_id"))
    elif digits.isdigit():
        match = Q(order__number=digits)
    else:
        match = Q(subject__icontains=term) | Q(pk__in=_tickets_whose_messages_say(term))
    return Ticket.objects.filter(match).values("pk")[:SEARCH_LIMIT]


def _tickets_whose_messages_say(term: str) -> QuerySet:
    """Tickets with a message holding the words: PostgreSQL's full-text search in Portuguese
    (the index of migration 0009), or on SQLite the plain text."""
    if connection.vendor != "postgresql":
        return Message.objects.filter(body_text__icontains=term).values("ticket_id")[:SEARCH_LIMIT]
    query = SearchQuery(term, config="portuguese", search_type="websearch")
    found = Message.objects.annotate(words=SearchVector("body_text", config="portuguese")).filter(words=query)
    return found.order_by().values("ticket_id")[:SEARCH_LIMIT]


def ticket_get_for_desk(*, protocol: str) -> Ticket:
    """A ticket with everything its desk screen shows: the whole conversation (notes too),
    events, calls, the customer's order and the links between tickets."""
    ticket = (
        Ticket.objects.filter(protocol=protocol)
        .select_related(
            "queue",
            "assignee",
            "customer",
            "order",
            "shipment",
            "escalated_from",
            "merged_into",
            "return_request",
        )
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.select_related("notification").prefetch_related("attachments"),
                to_attr="conversation",
            ),
            Prefetch("events", queryset=TicketEvent.objects.order_by("created_at", "pk"), to_attr="history"),
            Prefetch("escalations", to_attr="escalation_list"),
            "tags",
        )
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def ticket_viewers(*, ticket: Ticket, user, now: datetime | None = None) -> list:
    """Other agents who have this ticket open now."""
    since = (now or timezone.now()) - timedelta(seconds=VIEWING_WITHIN_SECONDS)
    return [
        view.agent
        for view in TicketView.objects.filter(ticket=ticket, seen_at__gte=since)
        .exclude(agent=user)
        .select_related("agent")
    ]


def agents_for_queue(*, queue: TicketQueue) -> QuerySet:
    """Active staff who may work the queue: who a ticket can be given to."""
    return staff_team(permission=queue.work_permission).order_by("full_name", "pk")


# --- Customer 360 ---------------------------------------------------------------------

STORY_ORDERS = 20
STORY_TICKETS = 20
STORY_MESSAGES = 60


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    direction: str  # "in", "out" or "note"
    channel: str
    title: str
    text: str
    ticket: Ticket | None = None


@dataclass
class CustomerStory:
    customer: User
    order_count: int = 0
    spent: object = None
    documents: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    tickets: list = field(default_factory=list)
    returns: list = field(default_factory=list)
    timeline: list = field(default_factory=list)
    risk_hits: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def customer_story(
    *, customer_id: int, with_orders: bool, with_support: bool, with_risk: bool
) -> CustomerStory:
    """Everything the store knows of one customer, in a bounded number of queries whatever
    their history: the latest orders with payments, shipments and tracking, totals, the
    documents and addresses they bought with, tickets, every message in and out, risk
    findings and staff notes. Parts a role may not see are not read."""
    from logistics.models import Shipment, TrackingEvent
    from orders.models import OrderEvent, Payment, RiskCheck
    from support.notifications.models import Notification

    customer = (
        User.objects.filter(pk=customer_id, is_staff=False).select_related("contact_preference").first()
    )
    if customer is None:
        raise Http404("No such customer.")
    story = CustomerStory(customer=customer)
    customer_orders = Order.objects.filter(customer=customer)
    if with_orders or with_risk:
        totals = customer_orders.aggregate(count=Count("pk"), spent=Sum("grand_total"))
        story.order_count, story.spent = totals["count"], totals["spent"]
        story.orders = list(
            customer_orders.order_by("-placed_at", "-pk").prefetch_related(
                Prefetch("payments", queryset=Payment.objects.order_by("pk")),
                Prefetch(
                    "shipments",
                    queryset=Shipment.objects.select_related("service").prefetch_related(
                        Prefetch("tracking_events", queryset=TrackingEvent.objects.order_by("-occurred_at"))
                    ),
                ),
            )[:STORY_ORDERS]
        )
        story.documents = sorted({order.cpf for order in story.orders if order.cpf})
        seen = set()
        for order in story.orders:
            key = (order.cep, order.street, order.street_number)
            if key not in seen:
                seen.add(key)
                story.addresses.append(order)
    if with_risk:
        story.risk_hits = list(
            RiskCheck.objects.filter(analysis__order__customer=customer, hit=True)
            .select_related("analysis__order")
            .order_by("-analysis__created_at", "pk")[:STORY_ORDERS]
        )
        story.notes = list(
            OrderEvent.objects.filter(order__customer=customer, to_status="")
            .exclude(note="")
            .select_related("order")
            .order_by("-created_at", "-pk")[:STORY_ORDERS]
        )
    if with_orders or with_support:
        story.returns = list(
            ReturnRequest.objects.filter(order__customer=customer)
            .select_related("order", "ticket")
            .order_by("-created_at", "-pk")[:STORY_ORDERS]
        )
    if with_support:
        story.tickets = list(
            Ticket.objects.filter(customer=customer)
            .select_related("queue")
            .order_by("-created_at", "-pk")[:STORY_TICKETS]
        )
        messages = Message.objects.filter(ticket__customer=customer).select_related("ticket")
        notifications = Notification.objects.filter(recipient=customer).exclude(ticket_message__isnull=False)
        entries = [
            TimelineEntry(
                at=message.created_at,
                direction=message.direction,
                channel=message.get_channel_display(),
                title=f"{message.ticket.protocol} · {message.author_label}",
                text=message.body_text,
                ticket=message.ticket,
            )
            for message in messages.order_by("-created_at", "-pk")[:STORY_MESSAGES]
        ] + [
            TimelineEntry(
                at=notification.created_at,
                direction="out",
                channel=notification.get_channel_display(),
                title=notification.subject,
                text=notification.body_text,
            )
            for notification in notifications.order_by("-created_at", "-pk")[:STORY_MESSAGES]
        ]
        story.timeline = sorted(entries, key=lambda entry: entry.at, reverse=True)[:STORY_MESSAGES]
    return story


# --- Live chat ------------------------------------------------------------------------

CHAT_MESSAGES_SHOWN = 100


def chat_get_for_visitor(*, token: str) -> ChatSession | None:
    """The chat of the visitor's session, with its latest messages, or None."""
    if not token:
        return None
    chat = ChatSession.objects.select_related("ticket", "bot_conversation").filter(token=token).first()
    if chat is not None:
        chat.recent = list(reversed(chat.messages.order_by("-pk")[:CHAT_MESSAGES_SHOWN]))
    return chat


def chat_list_live() -> QuerySet[ChatSession]:
    """Chats waiting for an agent (oldest first), then those an agent has."""
    return (
        ChatSession.objects.filter(
            Q(status=ChatSession.Status.ACTIVE)
            | Q(status=ChatSession.Status.WAITING, waiting_since__isnull=False)  # not the bot's
        )
        .select_related("agent")
        .order_by("-status", "created_at")[:CHAT_MESSAGES_SHOWN]  # "waiting" sorts after "active"
    )


def chat_get_for_agent(*, chat_id: int) -> ChatSession:
    chat = ChatSession.objects.select_related("agent", "ticket", "customer").filter(pk=chat_id).first()
    if chat is None:
        raise Http404("No such chat.")
    chat.recent = list(reversed(chat.messages.order_by("-pk")[:CHAT_MESSAGES_SHOWN]))
    return chat
