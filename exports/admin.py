from django.contrib import admin

from core.admin import ReadOnlyModelAdmin
from exports.models import ExportRun, FeedEvent


@admin.register(ExportRun)
class ExportRunAdmin(ReadOnlyModelAdmin):
    """Who took which export, and its next cursor."""

    list_display = ["created_at", "dataset", "format", "dialect", "date_from", "date_to", "requested_by"]
    list_filter = ["dataset", "format"]
    search_fields = ["requested_by"]
    show_full_result_count = False


@admin.register(FeedEvent)
class FeedEventAdmin(ReadOnlyModelAdmin):
    """Raw data; failed events are sent again from the back office's ERP feed page."""

    list_display = ["pk", "event_id", "kind", "order", "status", "attempts", "occurred_at", "delivered_at"]
    list_filter = ["status", "kind"]
    search_fields = ["=event_id", "order__number", "source"]
    list_select_related = ["order"]
    raw_id_fields = ["order"]
    show_full_result_count = False
