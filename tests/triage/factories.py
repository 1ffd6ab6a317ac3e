from datetime import timedelta

from core.actor import Actor
from support.models import Message, Ticket, TicketQueue
from support.services import Contact, Incoming, ticket_open
from support.triage.models import TopicRoute
from tests.accounts.factories import UserFactory


def delivery_queue() -> TicketQueue:
    """A queue of its own for delivery tickets, as a manager would set it up in the admin."""
    queue = TicketQueue.objects.create(code="entregas", name="Entregas")
    TopicRoute.objects.filter(topic="delivery").update(queue=queue)
    return queue


def customer_ticket(
    *, body: str, customer=None, subject: str = "Contato", channel: str = "web", **kwargs
) -> Ticket:
    """A ticket a customer opened from the Help page."""
    customer = customer or UserFactory()
    return ticket_open(
        contact=Contact(customer=customer),
        subject=subject,
        incoming=Incoming(channel=channel, body_text=body),
        actor=Actor.customer(customer),
        **kwargs,
    )


def backdate(ticket: Ticket, *, days: float) -> None:
    """Move a ticket and its messages into the past."""
    moment = ticket.created_at - timedelta(days=days)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=moment, last_customer_message_at=moment)
    Message.objects.filter(ticket=ticket).update(created_at=moment)
