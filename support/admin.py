from django.contrib import admin
from django.db import models

from core.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline
from support.models import (
    ComplaintFeedCursor,
    Macro,
    Message,
    SandboxComplaint,
    SlaTarget,
    Tag,
    Ticket,
    TicketEvent,
    TicketQueue,
)


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0
    fields = ["priority", "first_response", "resolution", "resolution_in_calendar_time", "warn_before"]


@admin.register(TicketQueue)
class TicketQueueAdmin(admin.ModelAdmin):
    """Queues, who works them, how tickets are handed out and the deadlines per priority."""

    list_display = ["name", "code", "is_ombudsman", "assignment"]
    filter_horizontal = ["agents"]
    exclude = ["last_assigned"]
    inlines = [SlaTargetInline]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return ["code", "is_ombudsman"] if obj else []


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ["name", "set_status", "set_priority"]
    search_fields = ["name"]
    filter_horizontal = ["add_tags"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class MessageInline(ReadOnlyTabularInline):
    model = Message
    fields = ["created_at", "direction", "channel", "author_label", "body_text"]


class TicketEventInline(ReadOnlyTabularInline):
    model = TicketEvent
    fields = ["created_at", "from_status", "to_status", "actor", "note"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyModelAdmin):
    """Raw ticket data; tickets are worked in the back office's support desk."""

    list_display = ["protocol", "subject", "status", "queue", "channel", "priority", "created_at"]
    list_filter = ["status", "queue", "channel", "priority"]
    list_select_related = ["queue"]
    search_fields = ["=protocol", "=contact_email"]
    inlines = [MessageInline, TicketEventInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(SandboxComplaint)
class SandboxComplaintAdmin(admin.ModelAdmin):
    """What the sandbox complaint feed publishes, for demos: `support_import_complaints --feeds`."""

    list_display = ["source", "reference", "title", "published_at"]
    list_filter = ["source"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ComplaintFeedCursor)
class ComplaintFeedCursorAdmin(ReadOnlyModelAdmin):
    list_display = ["feed", "fetched_until"]
