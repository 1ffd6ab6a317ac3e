"""Reads of the support desk shaped for pages: a customer's tickets and conversations."""

from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from orders.models import Order
from support.models import Attachment, Message, Ticket

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
