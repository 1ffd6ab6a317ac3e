from django.contrib import admin

from core.admin import ReadOnlyModelAdmin
from inbox.models import WebhookEvent


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyModelAdmin):
    list_display = ["sender", "provider", "event_id", "kind", "status", "created_at", "applied_at"]
    list_filter = ["sender", "status"]
    search_fields = ["=event_id"]
    show_full_result_count = False
