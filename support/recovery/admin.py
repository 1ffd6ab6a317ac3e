from django.contrib import admin

from core.admin import ReadOnlyModelAdmin
from support.recovery.models import (
    RecoveryCall,
    RecoveryOptOut,
    RecoveryPolicy,
    RecoverySequence,
    RecoveryStep,
)


@admin.register(RecoveryPolicy)
class RecoveryPolicyAdmin(admin.ModelAdmin):
    """What holds for every sequence: one row, set by managers."""

    list_display = ["__str__", "weekly_limit", "give_up_after"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not RecoveryPolicy.objects.exists()


class RecoveryStepInline(admin.StackedInline):
    model = RecoveryStep
    extra = 0
    fields = [("position", "delay", "channel"), "subject", "message", "subject_en", "message_en"]


@admin.register(RecoverySequence)
class RecoverySequenceAdmin(admin.ModelAdmin):
    """The reminders each kind of lost sale gets: steps, delays, channels and texts."""

    list_display = ["__str__", "is_active"]
    inlines = [RecoveryStepInline]

    def has_add_permission(self, request) -> bool:
        return False  # one per kind, made with the store


@admin.register(RecoveryOptOut)
class RecoveryOptOutAdmin(ReadOnlyModelAdmin):
    """The consent records: who asked for no more reminders, how and when."""

    list_display = ["email", "source", "opted_out_at", "opted_back_in_at"]
    list_filter = ["source"]
    search_fields = ["=email"]
    show_full_result_count = False


@admin.register(RecoveryCall)
class RecoveryCallAdmin(ReadOnlyModelAdmin):
    list_display = ["opportunity", "agent", "outcome", "created_at"]
    list_filter = ["outcome"]
    list_select_related = ["opportunity", "agent"]
    show_full_result_count = False
