from django.contrib import admin

from core.admin import ReadOnlyModelAdmin
from support.surveys.models import Survey, SurveyPolicy


@admin.register(SurveyPolicy)
class SurveyPolicyAdmin(admin.ModelAdmin):
    """When surveys go out: one row, set by managers."""

    list_display = ["__str__", "days_after_delivery", "nps_enabled", "csat_enabled", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False  # made with the store; every admin page asks, so it costs no query

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyModelAdmin):
    """Raw data: the answers are the customers' words, never edited; results are in the back office."""

    list_display = [
        "pk",
        "kind",
        "status",
        "score",
        "order",
        "ticket",
        "channel",
        "created_at",
        "answered_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["=order__number", "=ticket__protocol"]
    list_select_related = ["order", "ticket"]
    readonly_fields = [
        "kind",
        "status",
        "order",
        "ticket",
        "customer",
        "channel",
        "language",
        "carrier",
        "agent",
        "notification",
        "score",
        "answered_at",
        "comment",
        "product_score",
        "delivery_score",
        "packaging_score",
        "details_at",
        "follow_up_ticket",
        "created_at",
    ]
    fields = readonly_fields
