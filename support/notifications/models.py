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

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")

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
    Notification.Status.SENT: frozenset(),
    Notification.Status.FAILED: frozenset({Notification.Status.PENDING}),
}
