from support.models import Ticket
from support.triage.models import TicketTriage


def ticket_triage_get(*, ticket: Ticket) -> TicketTriage | None:
    """A ticket's current triage for its desk screen, with who corrected it (one query)."""
    return TicketTriage.objects.select_related("corrected_by").filter(ticket=ticket).first()
