"""Deadlines watched: a ticket about to miss its deadline warns whoever works it; one that
missed it is escalated to the managers, who see it at the top of the queue."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.actor import Actor
from storefront.accounts.selectors import staff_team
from support.locks import lock_ticket
from support.notifications.models import Notification
from support.notifications.services import notification_queue
from support.services.sla import tickets_to_escalate, tickets_to_warn
from support.services.tickets import _event

SLA_ACTOR = Actor.job("sla_watch")
SUPERVISOR_PERMISSION = "support.change_slatarget"


def _alert(*, ticket, breached: bool) -> None:
    people = (
        [ticket.assignee] if ticket.assignee_id else list(staff_team(permission=ticket.queue.work_permission))
    )
    if breached:
        people += [person for person in staff_team(permission=SUPERVISOR_PERMISSION) if person not in people]
    moment = f"{'breach' if breached else 'warn'}:{ticket.sla_due_at:%Y%m%d%H%M}"
    for person in people:
        notification_queue(
            kind=Notification.Kind.SUPPORT_SLA_ALERT,
            dedup_key=f"sla:{ticket.pk}:{moment}:{person.pk}",
            recipient=person,
            context={"ticket": ticket, "breached": breached},
        )


def _deadline_mark(*, ticket_id: int, now: datetime, breached: bool) -> bool:
    """Record the warning (or the breach) of the ticket's next deadline and tell the people
    concerned, unless another run did so meanwhile. Returns whether this run did."""
    with transaction.atomic():
        ticket = lock_ticket(ticket_id)
        field, moment = (
            ("sla_breached_at", ticket.sla_due_at) if breached else ("sla_warned_at", ticket.sla_warn_at)
        )
        marked = getattr(ticket, field)
        if moment is None or (marked is not None and marked >= moment):
            return False
        setattr(ticket, field, now)
        ticket.save(update_fields=[field, "updated_at"])
        what = "deadline missed" if breached else "deadline near"
        _event(ticket, SLA_ACTOR, f"{what}: {timezone.localtime(ticket.sla_due_at):%d/%m %H:%M}")
        _alert(ticket=ticket, breached=breached)
        return True


def tickets_sla_watch(*, now: datetime | None = None) -> tuple[int, int]:
    """Warn about near deadlines and escalate missed ones, once per deadline; return how many.
    Safe to run twice at once: each mark is checked again under the ticket's lock."""
    now = now or timezone.now()
    warned = sum(_deadline_mark(ticket_id=pk, now=now, breached=False) for pk in tickets_to_warn(now=now))
    escalated = sum(
        _deadline_mark(ticket_id=pk, now=now, breached=True) for pk in tickets_to_escalate(now=now)
    )
    return warned, escalated
