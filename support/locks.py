from core.locks import for_update
from support.models import Ticket


def lock_ticket(ticket_id: int) -> Ticket:
    return for_update(Ticket.objects.filter(pk=ticket_id)).select_related("queue").get()


def lock_tickets(ticket_ids: list[int]) -> list[Ticket]:
    return list(for_update(Ticket.objects.filter(pk__in=ticket_ids)).select_related("queue"))
