from django.contrib import admin

from support.bot.models import Conversation, Line


class LineInline(admin.TabularInline):
    model = Line
    fields = ["created_at", "from_customer", "body", "notification"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    """Read-only: conversations change only as the bot talks."""

    list_display = ["pk", "channel", "phone", "chat", "status", "step", "failed_proofs", "last_activity_at"]
    list_filter = ["channel", "status"]
    search_fields = ["phone", "ticket__protocol"]
    list_select_related = ["chat"]
    raw_id_fields = ["chat", "customer", "order", "ticket"]
    show_full_result_count = False
    inlines = [LineInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
