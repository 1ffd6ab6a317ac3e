"""The support desk: tickets from every channel, each with the protocol number the customer
is given at the first contact, its conversation, its events and its service-level clock."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")
    SOCIAL = "social", _("Social media")
    CONSUMER_BODY = "consumer_body", _("Consumer-protection body")
    INTERNAL = "internal", _("Internal")


class TicketQueue(TimeStampedModel):
    """Where tickets wait for an agent. Ombudsman queues take only second-level cases."""

    class Assignment(models.TextChoices):
        PULL = "pull", _("Agents pull tickets")
        ROUND_ROBIN = "round_robin", _("Round-robin among the queue's agents")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_ombudsman = models.BooleanField(_("ombudsman"), default=False)
    assignment = models.CharField(
        _("assignment"), max_length=20, choices=Assignment.choices, default=Assignment.PULL
    )
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("agents"), blank=True, related_name="ticket_queues"
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ticket queue")
        verbose_name_plural = _("ticket queues")
        ordering = ["is_ombudsman", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def work_permission(self) -> str:
        """First-level agents work the SAC queues; only the ombudsman works its own."""
        return "support.work_ombudsman" if self.is_ombudsman else "support.answer_ticket"


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class SlaTarget(TimeStampedModel):
    """How soon a queue's tickets of a priority must be answered and resolved. The first
    response counts business hours; the resolution counts business hours too, or calendar
    time (the SAC rule: a conclusive answer within 7 days)."""

    queue = models.ForeignKey(
        TicketQueue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="sla_targets"
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    first_response = models.DurationField(_("first response within (business hours)"))
    resolution = models.DurationField(_("resolution within"))
    resolution_in_calendar_time = models.BooleanField(
        _("resolution counted in calendar time"),
        default=True,
        help_text=_("Otherwise the resolution target counts business hours only."),
    )
    warn_before = models.DurationField(_("warn this long before a breach"), default=timedelta(hours=1))

    class Meta:
        verbose_name = _("service-level target")
        verbose_name_plural = _("service-level targets")
        ordering = ["queue", "priority"]
        constraints = [models.UniqueConstraint(fields=["queue", "priority"], name="sla_target_once")]

    def __str__(self) -> str:
        return f"{self.queue} / {self.get_priority_display()}"


class Tag(models.Model):
    name = models.SlugField(_("name"), max_length=40, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TicketQuerySet(models.QuerySet):
    def active(self) -> "TicketQuerySet":
        return self.exclude(status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])


class Ticket(TimeStampedModel):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING_CUSTOMER = "waiting_customer", _("Waiting on customer")
        WAITING_THIRD_PARTY = "waiting_third_party", _("Waiting on a third party")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    protocol = models.CharField(_("protocol"), max_length=20, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    queue = models.ForeignKey(
        TicketQueue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    # Who wrote: a customer with an account, or a contact known only by email or phone.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, default="pt-br")
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    shipment = models.ForeignKey(
        "logistics.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    return_request = models.OneToOneField(
        "returns.ReturnRequest",
        verbose_name=_("return request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticket",
    )
    # The first-level ticket an ombudsman case reviews, and the ticket a duplicate went into.
    escalated_from = models.ForeignKey(
        "self",
        verbose_name=_("escalated from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
    )
    # A case brought by a consumer-protection body or a public complaint site.
    external_reference = models.CharField(_("external reference"), max_length=60, blank=True)
    external_deadline = models.DateTimeField(_("deadline set by the body"), null=True, blank=True)
    # A complaint or mention made in public: where, and when the store's public answer went up.
    public_url = models.URLField(_("public address"), max_length=500, blank=True)
    public_answer_posted_at = models.DateTimeField(_("public answer posted at"), null=True, blank=True)
    # Once per incident (a failed delivery attempt, an analyst's question): never two tickets.
    incident_key = models.CharField(_("incident"), max_length=120, blank=True)
    # The service-level clock: due times move forward by the time the ticket spent waiting on
    # the customer (or resolved, before a reopening). `sla_due_at` is the next deadline (the
    # first response until there is one, then the resolution); queues sort by it.
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    sla_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True)
    sla_warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    sla_paused_business = models.DurationField(_("business time paused"), default=timedelta(0))
    sla_paused_calendar = models.DurationField(_("calendar time paused"), default=timedelta(0))
    sla_warned_at = models.DateTimeField(_("breach warned at"), null=True, blank=True)
    sla_breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(_("customer last wrote at"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("answer_ticket", _("Can answer tickets and change their status")),
            ("assign_ticket", _("Can assign tickets to agents")),
            ("merge_ticket", _("Can merge duplicate tickets")),
            ("escalate_ticket", _("Can escalate a ticket to the ombudsman")),
            ("work_ombudsman", _("Can work ombudsman cases")),
        ]
        indexes = [
            # The desk lists a queue's (or an agent's) open tickets by deadline: only open ones indexed.
            models.Index(
                fields=["queue", "sla_due_at", "id"],
                condition=~Q(status__in=["resolved", "closed"]),
                name="ticket_queue_open_due_idx",
            ),
            models.Index(
                fields=["assignee", "sla_due_at", "id"],
                condition=~Q(status__in=["resolved", "closed"]),
                name="ticket_assignee_open_due_idx",
            ),
            models.Index(fields=["status", "sla_due_at"], name="ticket_sla_due_idx"),
            models.Index(fields=["status", "sla_warn_at"], name="ticket_sla_warn_idx"),
            models.Index(fields=["status", "resolved_at"], name="ticket_resolved_idx"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_idx"),
            models.Index(fields=["contact_email"], name="ticket_contact_email_idx"),
            models.Index(fields=["contact_phone"], name="ticket_contact_phone_idx"),
            models.Index(fields=["created_at"], name="ticket_created_idx"),
            models.Index(fields=["first_responded_at"], name="ticket_first_response_idx"),
        ]
        constraints = [
            models.CheckConstraint(  # an account, an email, a phone, or the public place of a complaint
                condition=~Q(customer__isnull=True, contact_email="", contact_phone="", public_url=""),
                name="ticket_has_someone_to_answer",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="ticket_not_merged_into_itself"
            ),
            models.UniqueConstraint(
                fields=["incident_key"], condition=~Q(incident_key=""), name="ticket_incident_once"
            ),
            models.UniqueConstraint(
                fields=["external_reference", "channel"],
                condition=~Q(external_reference=""),
                name="ticket_external_reference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.RESOLVED, self.Status.CLOSED)

    @property
    def is_sla_paused(self) -> bool:
        return self.sla_paused_at is not None

    @property
    def contact_label(self) -> str:
        return self.contact_name or self.contact_email or self.contact_phone


TICKET_TRANSITIONS: dict[str, frozenset[str]] = {
    Ticket.Status.NEW: frozenset(
        {
            Ticket.Status.OPEN,
            Ticket.Status.WAITING_CUSTOMER,
            Ticket.Status.WAITING_THIRD_PARTY,
            Ticket.Status.RESOLVED,
            Ticket.Status.CLOSED,
        }
    ),
    Ticket.Status.OPEN: frozenset(
        {
            Ticket.Status.WAITING_CUSTOMER,
            Ticket.Status.WAITING_THIRD_PARTY,
            Ticket.Status.RESOLVED,
            Ticket.Status.CLOSED,
        }
    ),
    Ticket.Status.WAITING_CUSTOMER: frozenset(
        {Ticket.Status.OPEN, Ticket.Status.WAITING_THIRD_PARTY, Ticket.Status.RESOLVED, Ticket.Status.CLOSED}
    ),
    Ticket.Status.WAITING_THIRD_PARTY: frozenset(
        {Ticket.Status.OPEN, Ticket.Status.WAITING_CUSTOMER, Ticket.Status.RESOLVED, Ticket.Status.CLOSED}
    ),
    Ticket.Status.RESOLVED: frozenset({Ticket.Status.OPEN, Ticket.Status.CLOSED}),
    Ticket.Status.CLOSED: frozenset(),
}


class TicketEvent(models.Model):
    """What happened to a ticket, by whom: status moves, assignment, merges, escalation, SLA."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=20, choices=Ticket.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Ticket.Status.choices, blank=True)
    actor = models.CharField(_("actor"), max_length=200)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_event_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.from_status} → {self.to_status} ({self.actor})"


class Message(TimeStampedModel):
    """One message on a ticket: from the customer, a public reply, or an internal note."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("From the customer")
        OUTBOUND = "out", _("To the customer")
        NOTE = "note", _("Internal note")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_label = models.CharField(_("from"), max_length=200)
    body_text = models.TextField(_("text"))
    # Inbound HTML, cleaned of scripts and active content when received; never the raw markup.
    body_html = models.TextField(_("HTML"), blank=True)
    # Email threading, and the id a channel gives its message (dropping a duplicate delivery).
    message_id = models.CharField(_("message id"), max_length=255, blank=True)
    in_reply_to = models.CharField(_("in reply to"), max_length=255, blank=True)
    external_id = models.CharField(_("channel message id"), max_length=120, blank=True)
    # How a reply went out: the logged message, with its delivery status.
    notification = models.OneToOneField(
        "notifications.Notification",
        verbose_name=_("sent as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ticket_message",
    )
    is_automatic = models.BooleanField(
        _("automatic"), default=False, help_text=_("An auto-reply or bounce: never answered.")
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_idx"),
            models.Index(fields=["message_id"], name="message_message_id_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="message_channel_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_direction_display()} {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Named by the store, never by the sender: the original name is kept apart.
    return f"support/attachments/{instance.message.ticket_id}/{instance.token}"


class Attachment(TimeStampedModel):
    """A file sent with a message; served only to the ticket's customer and to staff."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    token = models.CharField(_("token"), max_length=40, unique=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class Macro(TimeStampedModel):
    """A canned reply: its text fills in the protocol, the customer's name, the order number
    and tracking link; it may also set the status, the priority and tags."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    body = models.TextField(
        _("text"),
        help_text=_(
            "May use {protocol}, {customer_name}, {order_number}, {tracking_code} and {tracking_url}."
        ),
    )
    set_status = models.CharField(_("set status"), max_length=20, choices=Ticket.Status.choices, blank=True)
    set_priority = models.CharField(_("set priority"), max_length=10, choices=Priority.choices, blank=True)
    add_tags = models.ManyToManyField(Tag, verbose_name=_("add tags"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PhoneCall(TimeStampedModel):
    """A call an agent logged on a ticket."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")

    class Outcome(models.TextChoices):
        SOLVED = "solved", _("Solved on the call")
        FOLLOW_UP = "follow_up", _("Needs follow-up")
        NO_ANSWER = "no_answer", _("No answer")
        VOICEMAIL = "voicemail", _("Left a voicemail")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="calls"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    duration = models.DurationField(_("duration"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_direction_display()} {self.duration}"


class TicketView(models.Model):
    """Who has a ticket open on screen right now, to warn two agents working on the same one."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="viewers")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ticket viewer")
        verbose_name_plural = _("ticket viewers")
        ordering = ["-seen_at"]
        constraints = [models.UniqueConstraint(fields=["ticket", "agent"], name="ticket_view_once")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.agent_id}"


class SandboxComplaint(TimeStampedModel):
    """The sandbox complaint feed's own books: complaints and mentions as the public sites
    (Reclame Aqui, consumidor.gov.br, social networks) publish them. `SandboxComplaintFeed`
    reads them as a real feed would, by publication time."""

    source = models.CharField(_("source"), max_length=20)
    reference = models.CharField(_("reference"), max_length=60)
    url = models.URLField(_("public address"), max_length=500, blank=True)
    author_name = models.CharField(_("author"), max_length=150, blank=True)
    author_email = models.EmailField(_("author's email"), blank=True)
    author_phone = models.CharField(_("author's phone"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"))
    deadline = models.DateTimeField(_("deadline set by the body"), null=True, blank=True)

    class Meta:
        verbose_name = _("sandbox complaint")
        verbose_name_plural = _("sandbox complaints")
        ordering = ["published_at", "pk"]
        indexes = [models.Index(fields=["published_at"], name="sandbox_complaint_pub_idx")]
        constraints = [models.UniqueConstraint(fields=["source", "reference"], name="sandbox_complaint_once")]

    def __str__(self) -> str:
        return f"{self.source}:{self.reference}"


class ComplaintFeedCursor(TimeStampedModel):
    """How far each complaint feed (by its dotted path in STORE_COMPLAINT_FEEDS) was read:
    the next fetch asks for what was published since."""

    feed = models.CharField(_("feed"), max_length=200, unique=True)
    fetched_until = models.DateTimeField(_("read until"))

    class Meta:
        verbose_name = _("complaint feed cursor")
        verbose_name_plural = _("complaint feed cursors")
        ordering = ["feed"]

    def __str__(self) -> str:
        return f"{self.feed}: {self.fetched_until:%Y-%m-%d %H:%M}"


class ChatSession(TimeStampedModel):
    """A live chat from the storefront's chat box. An agent may take it at once; when nobody
    answers within STORE_CHAT_TICKET_AFTER_MINUTES, it becomes a ticket answered by email.
    A chat an agent closes becomes a resolved ticket, so every conversation keeps a protocol."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for an agent")
        ACTIVE = "active", _("With an agent")
        TICKETED = "ticketed", _("Became a ticket")

    token = models.CharField(_("token"), max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chats",
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chat",
    )
    # Since when the chat waits for a person; empty while the service bot answers it.
    waiting_since = models.DateTimeField(_("waiting for an agent since"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="chat_status_idx"),
            models.Index(fields=["status", "waiting_since"], name="chat_waiting_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        return self.status != self.Status.TICKETED


CHAT_TRANSITIONS: dict[str, frozenset[str]] = {
    ChatSession.Status.WAITING: frozenset({ChatSession.Status.ACTIVE, ChatSession.Status.TICKETED}),
    ChatSession.Status.ACTIVE: frozenset({ChatSession.Status.TICKETED}),
    ChatSession.Status.TICKETED: frozenset(),
}


class ChatMessage(models.Model):
    session = models.ForeignKey(
        ChatSession, verbose_name=_("chat"), on_delete=models.CASCADE, related_name="messages"
    )
    from_visitor = models.BooleanField(_("from the visitor"))
    author_label = models.CharField(_("from"), max_length=200)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["pk"]
        indexes = [models.Index(fields=["session", "id"], name="chat_message_session_idx")]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.author_label}"
