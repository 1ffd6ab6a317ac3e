from django.contrib import admin

from core.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline
from returns.models import ReturnEvent, ReturnLine, ReturnPolicy, ReturnRequest, ReturnUnit


@admin.register(ReturnPolicy)
class ReturnPolicyAdmin(admin.ModelAdmin):
    """What the store grants beyond the law: one row, set by managers."""

    list_display = [
        "__str__",
        "satisfaction_days",
        "satisfaction_refunds_shipping",
        "ship_replacement_at_once",
    ]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not ReturnPolicy.objects.exists()


class ReturnLineInline(ReadOnlyTabularInline):
    model = ReturnLine
    fields = ["order_line", "quantity", "received_quantity", "accepted_quantity", "replacement_variant"]


class ReturnEventInline(ReadOnlyTabularInline):
    model = ReturnEvent
    fields = ["created_at", "from_status", "to_status", "actor", "note"]


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyModelAdmin):
    """Raw data; the returns team works requests in the back office."""

    list_display = ["number", "order", "reason", "resolution", "status", "created_at"]
    list_filter = ["status", "reason", "resolution"]
    search_fields = ["number", "order__number", "tracking_code"]
    list_select_related = ["order"]
    inlines = [ReturnLineInline, ReturnEventInline]


@admin.register(ReturnUnit)
class ReturnUnitAdmin(ReadOnlyModelAdmin):
    list_display = ["line", "disposition", "bin", "lot", "inspected_by", "created_at"]
    list_filter = ["disposition"]
    list_select_related = ["line", "bin", "lot"]
