"""The service-level clock of tickets, on the store's business calendar.

Deadlines count from when the ticket was opened: the first response in business hours, the
resolution in calendar time (the SAC rule) or business hours, as the queue's target for the
ticket's priority says. Time spent waiting on the customer, or resolved before a reopening,
does not count: it is added to the deadlines when the clock runs again."""

from datetime import datetime

from django.db.models import F, Q
from django.utils import timezone

from core.calendar import BusinessCalendar, business_calendar
from support.models import SlaTarget, Ticket

# While the ticket is in one of these, its clock stands still.
PAUSED_STATUSES = frozenset({Ticket.Status.WAITING_CUSTOMER, Ticket.Status.RESOLVED, Ticket.Status.CLOSED})
SLA_FIELDS = ("first_response_due_at", "resolution_due_at", "sla_due_at", "sla_warn_at")


def sla_schedule(*, ticket: Ticket, calendar: BusinessCalendar | None = None) -> None:
    """Set the ticket's deadlines from its queue's target (none when the queue has none).
    Assigns the fields; the caller saves them (SLA_FIELDS)."""
    target = SlaTarget.objects.filter(queue_id=ticket.queue_id, priority=ticket.priority).first()
    if target is None:
        for name in SLA_FIELDS:
            setattr(ticket, name, None)
        return
    calendar = calendar or business_calendar()
    start = ticket.created_at
    first_response = calendar.add_business_time(start, target.first_response + ticket.sla_paused_business)
    if target.resolution_in_calendar_time:
        resolution = start + target.resolution + ticket.sla_paused_calendar
    else:
        resolution = calendar.add_business_time(start, target.resolution + ticket.sla_paused_business)
    if ticket.external_deadline:  # a consumer-protection body's deadline is never moved
        resolution = min(resolution, ticket.external_deadline)
    ticket.first_response_due_at = first_response
    ticket.resolution_due_at = resolution
    ticket.sla_due_at = resolution if ticket.first_responded_at else min(first_response, resolution)
    ticket.sla_warn_at = ticket.sla_due_at - target.warn_before


def sla_follow_status(*, ticket: Ticket, to: str, now: datetime) -> tuple[str, ...]:
    """Stop the clock when the ticket starts waiting on the customer (or is resolved), run it
    again when it leaves. Assigns; returns the fields to save."""
    was_paused = ticket.sla_paused_at is not None
    pauses = to in PAUSED_STATUSES
    if pauses and not was_paused:
        ticket.sla_paused_at = now
        return ("sla_paused_at",)
    if was_paused and not pauses:
        calendar = business_calendar()
        ticket.sla_paused_business += calendar.business_time_between(ticket.sla_paused_at, now)
        ticket.sla_paused_calendar += now - ticket.sla_paused_at
        ticket.sla_paused_at = None
        sla_schedule(ticket=ticket, calendar=calendar)
        return ("sla_paused_at", "sla_paused_business", "sla_paused_calendar", *SLA_FIELDS)
    return ()


def _running(now: datetime):
    return Ticket.objects.filter(
        status__in=[Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.WAITING_THIRD_PARTY],
        sla_paused_at__isnull=True,
    )


def tickets_to_warn(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Running tickets whose next deadline is near and not yet warned about."""
    now = now or timezone.now()
    return list(
        _running(now)
        .filter(sla_warn_at__lte=now, sla_due_at__gt=now)
        .filter(Q(sla_warned_at__isnull=True) | Q(sla_warned_at__lt=F("sla_warn_at")))
        .order_by("sla_due_at")
        .values_list("pk", flat=True)[:limit]
    )


def tickets_to_escalate(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Running tickets past their next deadline and not yet escalated for it."""
    now = now or timezone.now()
    return list(
        _running(now)
        .filter(sla_due_at__lte=now)
        .filter(Q(sla_breached_at__isnull=True) | Q(sla_breached_at__lt=F("sla_due_at")))
        .order_by("sla_due_at")
        .values_list("pk", flat=True)[:limit]
    )
