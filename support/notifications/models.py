from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Notification(TimeStampedModel):
    """One message to a customer, rendered when queued and kept as the log of what was sent."""

    class Kind(models.TextChoices):
        WELCOME = "welcome", _("Welcome")
        ORDER_RECEIVED = "order_received", _("Order received")
        PAYMENT_CONFIRMED = "payment_confirmed", _("Payment confirmed")
        PAYMENT_EXPIRED = "payment_expired", _("Payment expired")
        LOW_STOCK = "low_stock", _("Stock to reorder")
        ORDER_CANCELLED = "order_cancelled", _("Order cancelled")
        INFORMATION_REQUEST = "information_request", _("Information requested")
        SHIPMENT_SHIPPED = "shipment_shipped", _("Order shipped")
        SHIPMENT_NEWS = "shipment_news", _("Delivery news")
        SHORT_PICK = "short_pick", _("Units not found when picking")
        SHIPPING_ALERT = "shipping_alert", _("Shipments needing attention")
        LATE_PAYMENT_REFUND = "late_payment_refund", _("Payment after cancellation refunded")
        TICKET_RECEIVED = "ticket_received", _("Ticket received")
        TICKET_REPLY = "ticket_reply", _("Reply on a ticket")
        SUPPORT_SLA_ALERT = "support_sla_alert", _("Ticket deadline alert")
        RETURN_UPDATE = "return_update", _("Return request news")
        STORE_CREDIT = "store_credit", _("Store credit issued")
        SATISFACTION_SURVEY = "satisfaction_survey", _("Satisfaction survey after delivery")
        TICKET_SURVEY = "ticket_survey", _("Satisfaction survey after a ticket")
        SALES_RECOVERY = "sales_recovery", _("Sales recovery")
        BOT_REPLY = "bot_reply", _("Service bot answer")
        PASSWORD_RESET = "password_reset", _("Password reset")
        EMAIL_CHANGED = "email_changed", _("Account email changed")
        STOCK_ALERT = "stock_alert", _("Back in stock")
        PAYMENT_REQUEST = "payment_request", _("How to pay, sent by a sales agent")
        ERASURE_DONE = "erasure_done", _("Personal data erased")
        ERASURE_REFUSED = "erasure_refused", _("Erasure request refused")
        ERASURE_WAITING = "erasure_waiting", _("Erasure request waiting")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    to_address = models.CharField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=200)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Extra email headers: a ticket's replies thread (Message-ID, In-Reply-To, References).
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # WhatsApp: outside the customer-service window only an approved template may be sent.
    template = models.CharField(_("approved template"), max_length=60, blank=True)
    template_parameters = models.JSONField(_("template parameters"), default=list, blank=True)
    # The id the channel gave the message, and what it later said of it.
    external_id = models.CharField(_("channel message id"), max_length=120, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    dedup_key = models.CharField(
        _("deduplication key"),
        max_length=120,
        unique=True,
        help_text=_("The same message is never queued twice."),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        permissions = [("retry_notification", _("Can send a failed message again"))]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="notification_status_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            models.Index(fields=["-created_at", "-id"], name="notification_created_idx"),
            models.Index(fields=["external_id"], name="notification_external_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="notification_sent_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_address}"


NOTIFICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    Notification.Status.PENDING: frozenset({Notification.Status.SENT, Notification.Status.FAILED}),
    # A WhatsApp message the provider took can still fail to reach the phone.
    Notification.Status.SENT: frozenset({Notification.Status.FAILED}),
    Notification.Status.FAILED: frozenset({Notification.Status.PENDING}),
}


class SandboxWhatsAppMessage(models.Model):
    """The sandbox WhatsApp provider's own books: what customers sent (with media) and what
    the store sent, so it can refuse free text outside the 24-hour window as the real one does."""

    class Direction(models.TextChoices):
        FROM_CUSTOMER = "in", _("From the customer")
        TO_CUSTOMER = "out", _("To the customer")

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    phone = models.CharField(_("phone"), max_length=20)
    message_id = models.CharField(_("message id"), max_length=120, unique=True)
    body = models.TextField(_("text"), blank=True)
    template = models.CharField(_("template"), max_length=60, blank=True)
    media = models.BinaryField(_("media"), null=True, blank=True)
    media_type = models.CharField(_("media type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox WhatsApp message")
        verbose_name_plural = _("sandbox WhatsApp messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["phone", "direction", "-created_at"], name="sandbox_whatsapp_phone_idx")
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.phone} {self.message_id}"


class ContactPreference(TimeStampedModel):
    """How a customer chose to hear from the store: order updates on WhatsApp instead of
    email, with the consent kept (when given, when withdrawn)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="contact_preference",
    )
    whatsapp_phone = models.CharField(_("WhatsApp number"), max_length=20, blank=True)
    whatsapp_consent_at = models.DateTimeField(_("WhatsApp consent given at"), null=True, blank=True)
    whatsapp_withdrawn_at = models.DateTimeField(_("WhatsApp consent withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.user_id}: {'whatsapp' if self.uses_whatsapp else 'email'}"

    @property
    def uses_whatsapp(self) -> bool:
        return bool(self.whatsapp_phone and self.whatsapp_consent_at and not self.whatsapp_withdrawn_at)


class MarketingConsent(TimeStampedModel):
    """One change of a person's consent to marketing on a channel: given or withdrawn, when
    and how (LGPD art. 8: the store must prove consent and honour its withdrawal). Append-only:
    the latest row of an address and channel is the consent in force (`marketing_consent_state`);
    no row means the person was never asked.

    Keyed by the lowercased email, so guests (known by the email they gave at checkout) and
    customers alike; `user` links the account when there is one. Marketing on WhatsApp is
    separate from ContactPreference's order updates on WhatsApp: a different purpose, so a
    different consent (art. 8 §4)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class Source(models.TextChoices):
        CHECKOUT = "checkout", _("The checkbox at checkout")
        ACCOUNT = "account", _("Their account's communications page")
        UNSUBSCRIBE_LINK = "unsubscribe_link", _("The unsubscribe link of a message")
        MAIL_CLIENT = "mail_client", _("The unsubscribe button of their email program")
        WHATSAPP_REPLY = "whatsapp_reply", _("A reply on WhatsApp")
        STAFF = "staff", _("Asked a staff member")

    email = models.EmailField(_("email"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # marketing_consent_user_idx leads with it
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    is_given = models.BooleanField(_("consent given"))
    source = models.CharField(_("given or withdrawn through"), max_length=20, choices=Source.choices)
    # Who recorded it: the customer, or the staff member who took the request on the phone.
    recorded_by = models.CharField(_("recorded by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("marketing consent")
        verbose_name_plural = _("marketing consents")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The consent in force: the latest row of an address and channel.
            models.Index(
                fields=["email", "channel", "-created_at", "-id"], name="marketing_consent_email_idx"
            ),
            models.Index(fields=["user", "-created_at"], name="marketing_consent_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} {self.channel}: {'given' if self.is_given else 'withdrawn'}"
