from uuid import uuid4

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class ExportRun(TimeStampedModel):
    """One export taken from the back office or a command: who took which rows, and the cursor
    the next incremental run starts from. Holds no exported data."""

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        JSONL = "jsonl", _("JSON lines")

    class Dialect(models.TextChoices):
        STANDARD = "standard", _("Standard (comma, decimal point, ISO dates)")
        EXCEL_BR = "excel_br", _("Brazilian Excel (semicolon, decimal comma, dd/mm/yyyy)")

    dataset = models.CharField(_("data"), max_length=30)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    dialect = models.CharField(_("dialect"), max_length=10, choices=Dialect.choices, default=Dialect.STANDARD)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("up to"), null=True, blank=True)
    cursor_in = models.CharField(_("started after"), max_length=200, blank=True)
    cursor_out = models.CharField(_("next cursor"), max_length=200, blank=True)
    requested_by = models.CharField(_("by"), max_length=200)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["dataset", "-created_at"], name="export_run_dataset_idx")]
        permissions = [("export_data", _("Can export orders, invoices, payments, stock and returns"))]

    def __str__(self) -> str:
        return f"{self.dataset} {self.created_at:%Y-%m-%d %H:%M}"


class FeedEvent(TimeStampedModel):
    """One event of an order's life for the ERP, collected from the store's own records (order
    events, invoice records, return events, refunds) under a unique source key, so none is
    recorded twice. Delivered by POST in collection order; `event_id` lets the ERP drop repeats."""

    class Kind(models.TextChoices):
        ORDER_PLACED = "order.placed", _("Order placed")
        ORDER_PAID = "order.paid", _("Order paid")
        ORDER_CANCELLED = "order.cancelled", _("Order cancelled")
        ORDER_INVOICED = "order.invoiced", _("Order invoiced")
        ORDER_SHIPPED = "order.shipped", _("Order shipped")
        ORDER_RETURNED = "order.returned", _("Returned goods received")
        ORDER_REFUNDED = "order.refunded", _("Refund made")

    class Status(models.TextChoices):
        PENDING = "pending", _("To deliver")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed: a person must look")

    event_id = models.UUIDField(_("event id"), default=uuid4, unique=True, editable=False)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="feed_events"
    )
    source = models.CharField(
        _("recorded from"),
        max_length=60,
        unique=True,
        help_text=_("The store's record it came from, e.g. refund:12."),
    )
    occurred_at = models.DateTimeField(_("happened at"))
    payload = models.JSONField(_("content"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ERP feed event")
        verbose_name_plural = _("ERP feed events")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="feed_event_due_idx"),
            models.Index(
                fields=["order", "id"], name="feed_event_undelivered_idx", condition=~Q(status="delivered")
            ),
        ]
        permissions = [("retry_feedevent", _("Can send a failed ERP feed event again"))]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"


class FeedState(TimeStampedModel):
    """The feed's one row: where the collector stopped in each source, and the lease of the
    one delivery run allowed at a time (events of an order must leave in order)."""

    cursors = models.JSONField(_("collected up to"), default=dict)
    lease_until = models.DateTimeField(_("delivery run holds until"), null=True, blank=True)
    lease_token = models.UUIDField(_("delivery run"), null=True, blank=True)

    class Meta:
        verbose_name = _("ERP feed state")
        verbose_name_plural = _("ERP feed state")
        ordering = ["pk"]

    def __str__(self) -> str:
        return "ERP feed"
