from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

# WebhookEvent.event_id (and the event ids senders copy from it) hold this many characters.
EVENT_ID_MAX_LENGTH = 100


class WebhookEvent(TimeStampedModel):
    """A sender's notice, stored raw as it arrived and applied once per sender, provider and
    event id."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Ignored")

    sender = models.CharField(_("sender"), max_length=30)
    provider = models.CharField(_("provider"), max_length=30)
    event_id = models.CharField(_("event id"), max_length=EVENT_ID_MAX_LENGTH)
    kind = models.CharField(_("kind"), max_length=60)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "provider", "event_id"], name="inbox_notice_once"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="inbox_notice_status_idx")]

    def __str__(self) -> str:
        return f"{self.sender}:{self.provider}:{self.event_id}"


NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    WebhookEvent.Status.RECEIVED: frozenset({WebhookEvent.Status.APPLIED, WebhookEvent.Status.IGNORED}),
    WebhookEvent.Status.APPLIED: frozenset(),
    WebhookEvent.Status.IGNORED: frozenset(),
}
