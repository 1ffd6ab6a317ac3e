from django.contrib import admin

from core.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline
from orders.models import (
    BlockedAddress,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    PaymentFee,
    RecoveryOpportunity,
    Refund,
    RiskAnalysis,
    RiskCheck,
    RiskPolicy,
    RiskRule,
    SandboxRefund,
)


class OrderLineInline(ReadOnlyTabularInline):
    model = OrderLine
    fields = ["sku", "product_name", "variant_label", "unit_price", "quantity", "line_total", "unit_cost"]


class OrderEventInline(ReadOnlyTabularInline):
    model = OrderEvent
    fields = ["created_at", "from_status", "to_status", "actor", "note"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Raw order data. Orders change only through their services, so everything here is read-only."""

    list_display = ["number", "placed_at", "full_name", "email", "status", "channel", "grand_total"]
    list_filter = ["status", "hold_reason", "channel", "payments__method"]
    search_fields = ["=number", "=email", "=cpf"]
    date_hierarchy = "placed_at"
    show_full_result_count = False
    inlines = [OrderLineInline, OrderEventInline]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [field.name for field in Order._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyModelAdmin):
    list_display = ["order", "method", "status", "amount", "installments", "created_at"]
    list_filter = ["method", "status"]
    list_select_related = ["order"]
    search_fields = ["=order__number", "=gateway_reference"]


@admin.register(PaymentFee)
class PaymentFeeAdmin(admin.ModelAdmin):
    """What the payment provider keeps per method; the margin indicators subtract it."""

    list_display = ["method", "percent", "fixed", "updated_at"]


@admin.register(RiskPolicy)
class RiskPolicyAdmin(admin.ModelAdmin):
    """The one row of thresholds managers tune (a migration creates it)."""

    list_display = ["review_at", "reject_at", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RiskRule)
class RiskRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "weight", "is_active"]
    list_editable = ["weight", "is_active"]
    readonly_fields = ["code"]

    def has_add_permission(self, request) -> bool:
        return False  # the checks are code; only their weights are data

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RiskCheckInline(ReadOnlyTabularInline):
    model = RiskCheck
    fields = ["kind", "code", "hit", "weight", "detail"]


@admin.register(RiskAnalysis)
class RiskAnalysisAdmin(ReadOnlyModelAdmin):
    list_display = ["order", "score", "decision", "has_data_problems", "created_at"]
    list_filter = ["decision", "has_data_problems"]
    list_select_related = ["order"]
    search_fields = ["=order__number"]
    inlines = [RiskCheckInline]


@admin.register(BlockedAddress)
class BlockedAddressAdmin(admin.ModelAdmin):
    list_display = ["cep", "street_number", "reason", "created_at"]
    search_fields = ["=cep"]


@admin.register(RecoveryOpportunity)
class RecoveryOpportunityAdmin(ReadOnlyModelAdmin):
    list_display = ["kind", "email", "value", "status", "close_reason", "lost_at", "recovered_value"]
    list_filter = ["kind", "status"]
    list_select_related = ["order"]
    search_fields = ["=email", "=order__number"]
    date_hierarchy = "created_at"


@admin.register(Refund)
class RefundAdmin(ReadOnlyModelAdmin):
    """Refunds move only through their services; failed ones wait here for a person to retry."""

    list_display = ["order", "method", "status", "amount", "created_at", "done_at"]
    list_filter = ["status", "method"]
    list_select_related = ["order"]
    search_fields = ["=order__number", "=source", "=provider_reference"]
    date_hierarchy = "created_at"


@admin.register(SandboxRefund)
class SandboxRefundAdmin(ReadOnlyModelAdmin):
    """The sandbox provider's book of money it gave back, one line per idempotency key."""

    list_display = ["idempotency_key", "reference", "amount", "requests", "created_at"]
    search_fields = ["=idempotency_key", "=reference"]
