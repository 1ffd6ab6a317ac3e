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
from support.services.tickets import _event, work_permission

SLA_ACTOR = Actor.job("sla_watch")
SUPERVISOR_PERMISSION = "support.change_slatarget"


def _alert(*, ticket, breached: bool) -> None:
    people = (
        [ticket.assignee]
        if ticket.assignee_id
        else list(staff_team(permission=work_permission(ticket.queue)))
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


def tickets_sla_watch(*, now: datetime | None = None) -> tuple[int, int]:
    """Warn about near deadlines and escalate missed ones, once per deadline; return how many."""
    now = now or timezone.now()
    warned = escalated = 0
    for ticket_id in tickets_to_warn(now=now):
        with transaction.atomic():
            ticket = lock_ticket(ticket_id)
            ticket.sla_warned_at = now
            ticket.save(update_fields=["sla_warned_at", "updated_at"])
            _event(ticket, SLA_ACTOR, f"deadline near: {timezone.localtime(ticket.sla_due_at):%d/%m %H:%M}")
            _alert(ticket=ticket, breached=False)
            warned += 1
    for ticket_id in tickets_to_escalate(now=now):
        with transaction.atomic():
            ticket = lock_ticket(ticket_id)
            ticket.sla_breached_at = now
            ticket.save(update_fields=["sla_breached_at", "updated_at"])
            _event(ticket, SLA_ACTOR, f"deadline missed: {timezone.localtime(ticket.sla_due_at):%d/%m %H:%M}")
            _alert(ticket=ticket, breached=True)
            escalated += 1
    return warned, escalated
