"""Tickets: opened from any channel with a protocol number, answered, moved along their
table, assigned, merged and escalated to the ombudsman."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor, ActorKind
from core.sequences import sequence_next
from core.transitions import status_move
from support.exceptions import (
    AssigneeNotAllowed,
    EscalationNotAllowed,
    TicketClosed,
    TicketMergeNotAllowed,
    TicketTransitionNotAllowed,
)
from support.locks import lock_ticket, lock_tickets
from support.models import (
    TICKET_TRANSITIONS,
    Message,
    Priority,
    Tag,
    Ticket,
    TicketEvent,
    TicketQueue,
    TicketView,
)
from support.services.attachments import IncomingFile, attachments_check, attachments_save
from support.services.sla import SLA_FIELDS, sla_follow_status, sla_schedule

FIRST_LEVEL_QUEUE = "sac"
OMBUDSMAN_QUEUE = "ouvidoria"
SUPPORT_ACTOR = Actor.job("support")
# Statuses an agent's public reply may leave the ticket in.
AFTER_REPLY = frozenset(
    {
        Ticket.Status.OPEN,
        Ticket.Status.WAITING_CUSTOMER,
        Ticket.Status.WAITING_THIRD_PARTY,
        Ticket.Status.RESOLVED,
    }
)


@dataclass(frozen=True)
class Contact:
    """Who a ticket is for: a customer with an account, or someone known by email or phone."""

    customer: object | None = None  # storefront.accounts.User
    name: str = ""
    email: str = ""
    phone: str = ""
    language: str = ""

    @property
    def label(self) -> str:
        customer_name = getattr(self.customer, "full_name", "") or getattr(self.customer, "email", "")
        return self.name or customer_name or self.email or self.phone


@dataclass(frozen=True)
class Incoming:
    """A message arriving on a ticket, from whatever channel."""

    channel: str
    body_text: str
    body_html: str = ""
    files: list[IncomingFile] = field(default_factory=list)
    message_id: str = ""
    in_reply_to: str = ""
    external_id: str = ""
    is_automatic: bool = False


def _event(
    ticket: Ticket, actor: Actor, note: str = "", *, from_status: str = "", to_status: str = ""
) -> None:
    TicketEvent.objects.create(
        ticket=ticket, actor=actor.label, note=note[:500], from_status=from_status, to_status=to_status
    )


def protocol_next(*, now: datetime | None = None) -> str:
    """The next protocol number: the day (YYYYMMDD) and that day's count, e.g. 2026120300042.
    Caller is in a transaction (the day's counter stays locked until it commits)."""
    day = timezone.localdate(now)
    return f"{day:%Y%m%d}{sequence_next(f'ticket-protocol:{day:%Y%m%d}'):05d}"


def _message_add(
    *, ticket: Ticket, incoming: Incoming, direction: str, author=None, author_label: str
) -> Message:
    message = Message.objects.create(
        ticket=ticket,
        direction=direction,
        channel=incoming.channel,
        author=author,
        author_label=author_label[:200],
        body_text=incoming.body_text,
        body_html=incoming.body_html,
        message_id=incoming.message_id[:255],
        in_reply_to=incoming.in_reply_to[:255],
        external_id=incoming.external_id[:120],
        is_automatic=incoming.is_automatic,
    )
    attachments_save(message=message, files=incoming.files)
    return message


@transaction.atomic
def ticket_open(
    *,
    contact: Contact,
    subject: str,
    incoming: Incoming,
    actor: Actor,
    queue_code: str = FIRST_LEVEL_QUEUE,
    priority: str = Priority.NORMAL,
    order=None,
    shipment=None,
    incident_key: str = "",
    escalated_from: Ticket | None = None,
    external_reference: str = "",
    external_deadline: datetime | None = None,
    public_url: str = "",
    acknowledge: bool = True,
    return_request=None,
) -> Ticket:
    """Open a ticket with the customer's first message and give it its protocol; the customer
    is told the protocol on the channel they used (unless the store opened it itself,
    `acknowledge=False`, and speaks first). A ticket for an incident that already has
    one (`incident_key`) is that ticket. Staff need the queue's work permission.

    The caller checked that the order and shipment are the customer's. Raises
    AttachmentRefused or PermissionMissing, storing nothing.
    """
    if incident_key:
        existing = Ticket.objects.filter(incident_key=incident_key).first()
        if existing is not None:
            return existing
    queue = TicketQueue.objects.get(code=queue_code)
    if actor.kind == ActorKind.STAFF:
        actor.require_perm(queue.work_permission)
    attachments_check(incoming.files)
    customer = contact.customer
    ticket = Ticket(
        subject=subject[:200],
        channel=incoming.channel,
        priority=priority,
        queue=queue,
        customer=customer,
        contact_name=(contact.name or getattr(customer, "full_name", ""))[:150],
        contact_email=contact.email or getattr(customer, "email", ""),
        contact_phone=contact.phone[:20],
        language=contact.language or getattr(customer, "language", "") or settings.LANGUAGE_CODE,
        order=order,
        shipment=shipment,
        escalated_from=escalated_from,
        external_reference=external_reference,
        external_deadline=external_deadline,
        public_url=public_url,
        incident_key=incident_key,
        return_request=return_request,
    )
    ticket.protocol = protocol_next()
    ticket.save()
    sla_schedule(ticket=ticket)
    ticket.last_customer_message_at = ticket.created_at
    ticket.save(update_fields=[*SLA_FIELDS, "last_customer_message_at"])
    _event(ticket, actor, to_status=Ticket.Status.NEW)
    if incoming.body_text or incoming.files:
        message = _message_add(
            ticket=ticket, incoming=incoming, direction=Message.Direction.INBOUND, author_label=contact.label
        )
        from support.triage.services import triage_incoming

        triage_incoming(ticket=ticket, message=message)  # may route it to another queue
    if ticket.queue.assignment == TicketQueue.Assignment.ROUND_ROBIN:
        _assign_round_robin(ticket=ticket)
    if acknowledge:
        from support.services.replies import ticket_acknowledge

        ticket_acknowledge(ticket=ticket)
    return ticket


def ticket_transition(
    *, ticket: Ticket, to: str, actor: Actor, note: str = "", by_customer: bool = False
) -> Ticket:
    """Move a ticket along TICKET_TRANSITIONS, writing its event and keeping its clock. The one
    place that assigns `Ticket.status`. Staff need the queue's work permission; the customer
    may only act on their own ticket (`by_customer`, its caller having checked).

    Caller holds the ticket's lock. Raises TicketTransitionNotAllowed or PermissionMissing.
    """
    if not (by_customer and actor.kind == ActorKind.CUSTOMER):
        actor.require_perm(ticket.queue.work_permission)
    now = timezone.now()
    from_status = ticket.status
    fields = {}
    if to == Ticket.Status.RESOLVED:
        fields["resolved_at"] = now
    if to == Ticket.Status.CLOSED:
        fields["closed_at"] = now
    if to not in TICKET_TRANSITIONS[from_status]:
        raise TicketTransitionNotAllowed()
    clock_fields = sla_follow_status(ticket=ticket, to=to, now=now)
    fields.update({name: getattr(ticket, name) for name in clock_fields})
    status_move(
        row=ticket, to=to, transitions=TICKET_TRANSITIONS, refused=TicketTransitionNotAllowed(), **fields
    )
    _event(ticket, actor, note, from_status=from_status, to_status=to)
    if to == Ticket.Status.RESOLVED:
        # The customer is asked how it went (support/surveys: once per ticket, after commit).
        from support.surveys.tasks import ticket_survey_send as ticket_survey_send_task

        ticket_survey_send_task.delay_on_commit(ticket_id=ticket.pk)
    return ticket


@transaction.atomic
def ticket_move(*, ticket_id: int, to: str, actor: Actor, note: str = "") -> Ticket:
    """Staff change a ticket's status. Raises TicketTransitionNotAllowed or PermissionMissing."""
    return ticket_transition(ticket=lock_ticket(ticket_id), to=to, actor=actor, note=note)


@transaction.atomic
def ticket_customer_message(*, ticket_id: int, incoming: Incoming, actor: Actor) -> Message:
    """The customer writes on their ticket (from the page, by email, WhatsApp or chat). A
    message the channel delivered before is returned as it is. A ticket waiting on the
    customer opens again, and so does a resolved one within the reopening window.

    The caller checked the ticket is the customer's. Raises TicketClosed (a ticket closed for
    good: the channel opens a new one quoting it) or AttachmentRefused.
    """
    duplicate = _delivered_before(incoming)
    if duplicate is not None:
        return duplicate
    ticket = lock_ticket(ticket_id)
    if ticket.merged_into_id:
        ticket = lock_ticket(ticket.merged_into_id)
    if ticket.status == Ticket.Status.CLOSED:
        raise TicketClosed()
    reopen_until = (ticket.resolved_at or timezone.now()) + timedelta(days=settings.STORE_TICKET_REOPEN_DAYS)
    if ticket.status == Ticket.Status.RESOLVED and timezone.now() > reopen_until:
        raise TicketClosed()  # before anything, files included, is stored
    attachments_check(incoming.files)
    message = _message_add(
        ticket=ticket,
        incoming=incoming,
        direction=Message.Direction.INBOUND,
        author_label=ticket.contact_label,
    )
    ticket.last_customer_message_at = message.created_at
    ticket.save(update_fields=["last_customer_message_at", "updated_at"])
    from support.triage.services import triage_incoming

    triage_incoming(ticket=ticket, message=message)
    if incoming.is_automatic:
        return message  # an auto-reply or bounce moves nothing
    if ticket.status == Ticket.Status.WAITING_CUSTOMER:
        ticket_transition(ticket=ticket, to=Ticket.Status.OPEN, actor=actor, by_customer=True)
    elif ticket.status == Ticket.Status.RESOLVED:
        ticket_transition(
            ticket=ticket,
            to=Ticket.Status.OPEN,
            actor=actor,
            note=_("Reopened by the customer"),
            by_customer=True,
        )
    return message


def _delivered_before(incoming: Incoming) -> Message | None:
    if incoming.external_id:
        found = Message.objects.filter(
            channel=incoming.channel, external_id=incoming.external_id[:120]
        ).first()
        if found is not None:
            return found
    if incoming.message_id:
        return Message.objects.filter(message_id=incoming.message_id[:255]).first()
    return None


def _can_work(user, queue: TicketQueue) -> bool:
    return user.is_active and user.is_staff and user.has_perm(queue.work_permission)


@transaction.atomic
def ticket_assign(*, ticket_id: int, assignee, actor: Actor) -> Ticket:
    """Give a ticket to an agent (or take it: agents may pull tickets for themselves; giving
    one to someone else takes the assign permission). `assignee` None leaves it unassigned.

    Raises PermissionMissing or AssigneeNotAllowed (someone who cannot work the queue).
    """
    ticket = lock_ticket(ticket_id)
    actor.require_perm(ticket.queue.work_permission)
    if assignee is None or assignee != actor.user:
        actor.require_perm("support.assign_ticket")
    if assignee is not None and not _can_work(assignee, ticket.queue):
        raise AssigneeNotAllowed()
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    _event(ticket, actor, f"assigned to {assignee.email}" if assignee else "unassigned")
    return ticket


def _assign_round_robin(*, ticket: Ticket) -> None:
    """The next agent of the queue after the last one given a ticket. Caller holds the lock."""
    queue = TicketQueue.objects.select_for_update().get(pk=ticket.queue_id)
    agents = [agent for agent in queue.agents.order_by("pk") if _can_work(agent, queue)]
    if not agents:
        return
    after = [agent for agent in agents if queue.last_assigned_id is None or agent.pk > queue.last_assigned_id]
    chosen = (after or agents)[0]
    queue.last_assigned = chosen
    queue.save(update_fields=["last_assigned", "updated_at"])
    ticket.assignee = chosen
    ticket.save(update_fields=["assignee", "updated_at"])
    _event(ticket, SUPPORT_ACTOR, f"assigned to {chosen.email} (round-robin)")


@transaction.atomic
def ticket_update(
    *, ticket_id: int, actor: Actor, priority: str | None = None, tags: list[str] | None = None
) -> Ticket:
    """Change a ticket's priority (its deadlines follow) or its tags."""
    ticket = lock_ticket(ticket_id)
    actor.require_perm(ticket.queue.work_permission)
    if priority is not None and priority != ticket.priority:
        _event(ticket, actor, f"priority {ticket.priority} → {priority}")
        ticket.priority = priority
        if ticket.sla_paused_at is None:
            sla_schedule(ticket=ticket)
        ticket.save(update_fields=["priority", *SLA_FIELDS, "updated_at"])
    if tags is not None:
        ticket.tags.set(_tags(tags))
    return ticket


def _tags(names: list[str]) -> list[Tag]:
    return [Tag.objects.get_or_create(name=name.strip().lower()[:40])[0] for name in names if name.strip()]


def _same_person(first: Ticket, second: Ticket) -> bool:
    if first.customer_id or second.customer_id:
        return first.customer_id == second.customer_id
    return bool(
        (first.contact_email and first.contact_email.lower() == second.contact_email.lower())
        or (first.contact_phone and first.contact_phone == second.contact_phone)
    )


@transaction.atomic
def ticket_merge(*, duplicate_id: int, into_id: int, actor: Actor) -> Ticket:
    """Fold a duplicate ticket into another of the same person: its messages move over, and
    the duplicate closes pointing to it. Raises TicketMergeNotAllowed or PermissionMissing."""
    actor.require_perm("support.merge_ticket")
    if duplicate_id == into_id:
        raise TicketMergeNotAllowed()
    tickets = {ticket.pk: ticket for ticket in lock_tickets([duplicate_id, into_id])}
    duplicate, into = tickets[duplicate_id], tickets[into_id]
    if not (duplicate.is_open and into.status != Ticket.Status.CLOSED and _same_person(duplicate, into)):
        raise TicketMergeNotAllowed()
    if duplicate.queue.is_ombudsman != into.queue.is_ombudsman:
        raise TicketMergeNotAllowed()
    actor.require_perm(into.queue.work_permission)
    Message.objects.filter(ticket=duplicate).update(ticket=into)
    duplicate.merged_into = into
    duplicate.save(update_fields=["merged_into", "updated_at"])
    ticket_transition(
        ticket=duplicate,
        to=Ticket.Status.CLOSED,
        actor=actor,
        note=_("Merged into %(protocol)s") % {"protocol": into.protocol},
    )
    _event(into, actor, f"{duplicate.protocol} merged in")
    return into


def can_customer_escalate(ticket: Ticket, *, now: datetime | None = None) -> bool:
    """A customer may take a first-level case to the ombudsman once it was answered and they
    are not satisfied (resolved or closed), or once its deadline passed unanswered."""
    if ticket.queue.is_ombudsman or ticket.merged_into_id:
        return False
    # A clock paused while the ticket waits on the customer has not missed its deadline.
    breached = ticket.sla_breached_at is not None or (
        ticket.sla_paused_at is None
        and ticket.sla_due_at is not None
        and ticket.sla_due_at <= (now or timezone.now())
    )
    return ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED) or breached


@transaction.atomic
def ticket_escalate(*, ticket_id: int, actor: Actor, reason: str, by_customer: bool = False) -> Ticket:
    """Open the ombudsman case for a first-level ticket, once; the first ticket stays as it is
    and points to the case. Staff need the escalate permission; a customer may escalate their
    own ticket when `can_customer_escalate` says so.

    Raises EscalationNotAllowed or PermissionMissing.
    """
    ticket = lock_ticket(ticket_id)
    if by_customer and actor.kind == ActorKind.CUSTOMER:
        if not can_customer_escalate(ticket):
            raise EscalationNotAllowed()
    else:
        actor.require_perm("support.escalate_ticket")
    if ticket.queue.is_ombudsman or ticket.merged_into_id:
        raise EscalationNotAllowed()
    existing = ticket.escalations.first()
    if existing is not None:
        return existing
    case = ticket_open(
        contact=Contact(
            customer=ticket.customer,
            name=ticket.contact_name,
            email=ticket.contact_email,
            phone=ticket.contact_phone,
            language=ticket.language,
        ),
        subject=ticket.subject,
        incoming=Incoming(channel=ticket.channel, body_text=reason),
        actor=SUPPORT_ACTOR,
        queue_code=OMBUDSMAN_QUEUE,
        order=ticket.order,
        shipment=ticket.shipment,
        escalated_from=ticket,
    )
    _event(ticket, actor, f"escalated to the ombudsman: {case.protocol}")
    return case


def tickets_close_resolved(*, now: datetime | None = None, limit: int = 200) -> int:
    """Close tickets resolved longer ago than the reopening window; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.STORE_TICKET_REOPEN_DAYS)
    due = list(
        Ticket.objects.filter(status=Ticket.Status.RESOLVED, resolved_at__lt=cutoff)
        .order_by("resolved_at")
        .values_list("pk", flat=True)[:limit]
    )
    for ticket_id in due:
        with transaction.atomic():
            ticket = lock_ticket(ticket_id)
            if ticket.status == Ticket.Status.RESOLVED:
                ticket_transition(ticket=ticket, to=Ticket.Status.CLOSED, actor=Actor.job("tickets_close"))
    return len(due)


def ticket_view_record(*, ticket: Ticket, agent) -> None:
    """Note that an agent has the ticket on screen, for the collision warning."""
    TicketView.objects.bulk_create(
        [TicketView(ticket=ticket, agent=agent, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["ticket", "agent"],
        update_fields=["seen_at"],
    )
