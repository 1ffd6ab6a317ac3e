from django.contrib import admin

from core.admin import ReadOnlyModelAdmin
from support.triage.models import Correction, TicketTriage, TopicRoute, TriageModel, UrgencyRoute, Verdict


class _TableRowAdmin(admin.ModelAdmin):
    """The routing table has one row per label, made by the migration: edited, never added
    or removed."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TopicRoute)
class TopicRouteAdmin(_TableRowAdmin):
    """Which queue each topic's tickets go to, and the tag they carry."""

    list_display = ["topic", "queue", "tag"]
    list_select_related = ["queue"]
    readonly_fields = ["topic"]


@admin.register(UrgencyRoute)
class UrgencyRouteAdmin(_TableRowAdmin):
    """Which priority (so which deadlines) each urgency gives."""

    list_display = ["urgency", "priority"]
    readonly_fields = ["urgency"]


@admin.register(TriageModel)
class TriageModelAdmin(ReadOnlyModelAdmin):
    list_display = [
        "version",
        "trained_at",
        "train_size",
        "corrections_used",
        "topic_macro_f1",
        "urgency_macro_f1",
    ]
    exclude = ["artifact"]


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyModelAdmin):
    list_display = [
        "created_at",
        "ticket",
        "topic",
        "urgency",
        "topic_confidence",
        "repeat_contacts",
        "model_version",
    ]
    list_filter = ["topic", "urgency"]
    list_select_related = ["ticket"]
    raw_id_fields = ["ticket", "message"]


@admin.register(TicketTriage)
class TicketTriageAdmin(ReadOnlyModelAdmin):
    list_display = [
        "ticket",
        "topic",
        "urgency",
        "model_topic",
        "model_urgency",
        "corrected_by",
        "corrected_at",
    ]
    list_select_related = ["ticket", "corrected_by"]
    raw_id_fields = ["ticket"]


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyModelAdmin):
    list_display = [
        "created_at",
        "ticket",
        "predicted_topic",
        "topic",
        "predicted_urgency",
        "urgency",
        "corrected_by",
    ]
    list_filter = ["topic", "urgency"]
    list_select_related = ["ticket", "corrected_by"]
    raw_id_fields = ["ticket"]
