from django.contrib import admin

from core.admin import ReadOnlyModelAdmin
from inventory.models import (
    Bin,
    Lot,
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderRule,
    Reservation,
    StockCount,
    StockLevel,
    StockMovement,
    StockQuant,
    Supplier,
    Transfer,
    Warehouse,
)


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "sells_online", "city", "state"]
    list_filter = ["kind", "sells_online"]


@admin.register(Bin)
class BinAdmin(admin.ModelAdmin):
    list_display = ["code", "warehouse", "position", "is_active"]
    list_filter = ["warehouse", "is_active"]
    search_fields = ["code"]


@admin.register(Lot)
class LotAdmin(ReadOnlyModelAdmin):
    list_display = ["code", "variant", "expires_on"]
    list_select_related = ["variant"]
    search_fields = ["=code", "=variant__sku"]
    date_hierarchy = "expires_on"


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyModelAdmin):
    list_display = ["variant", "warehouse", "on_hand", "reserved"]
    list_filter = ["warehouse"]
    list_select_related = ["variant", "warehouse"]
    search_fields = ["=variant__sku", "=variant__ean"]


@admin.register(StockQuant)
class StockQuantAdmin(ReadOnlyModelAdmin):
    list_display = ["level", "bin", "lot", "on_hand", "allocated"]
    list_select_related = ["level__variant", "level__warehouse", "bin", "lot"]
    search_fields = ["=level__variant__sku", "=bin__code", "=lot__code"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyModelAdmin):
    list_display = ["created_at", "level", "kind", "on_hand_change", "reserved_change", "reference", "actor"]
    list_filter = ["kind"]
    list_select_related = ["level__variant", "level__warehouse"]
    search_fields = ["=reference", "=level__variant__sku"]


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyModelAdmin):
    list_display = ["reference", "level", "quantity", "status", "expires_at"]
    list_filter = ["status"]
    list_select_related = ["level__variant", "level__warehouse"]
    search_fields = ["=reference"]


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["name", "cnpj", "email", "lead_time_days"]
    search_fields = ["name", "=cnpj"]


def _is_editable(order: PurchaseOrder | None) -> bool:
    """A draft may be corrected; once sent, only its services change it (as in the back office)."""
    return order is None or order.status == PurchaseOrder.Status.DRAFT


class PurchaseOrderLineInline(admin.TabularInline):
    model = PurchaseOrderLine
    fields = ["variant", "quantity_ordered", "unit_cost", "quantity_received"]
    readonly_fields = ["quantity_received"]
    raw_id_fields = ["variant"]
    extra = 1

    def has_add_permission(self, request, obj=None) -> bool:
        return _is_editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_editable(obj) and super().has_delete_permission(request, obj)


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(admin.ModelAdmin):
    """Purchase orders are entered here; receiving happens in the back office."""

    list_display = ["number", "supplier", "warehouse", "expected_on", "status"]
    list_filter = ["status", "warehouse"]
    list_select_related = ["supplier", "warehouse"]
    readonly_fields = ["status"]
    inlines = [PurchaseOrderLineInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_editable(obj) and super().has_delete_permission(request, obj)


@admin.register(ReorderRule)
class ReorderRuleAdmin(admin.ModelAdmin):
    list_display = ["variant", "warehouse", "minimum", "maximum", "supplier"]
    list_filter = ["warehouse", "supplier"]
    list_select_related = ["variant", "warehouse", "supplier"]
    raw_id_fields = ["variant"]
    search_fields = ["=variant__sku"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyModelAdmin):
    list_display = ["__str__", "source", "destination", "status", "created_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["source", "destination"]


@admin.register(StockCount)
class StockCountAdmin(ReadOnlyModelAdmin):
    list_display = ["__str__", "warehouse", "bin", "status", "created_by", "approved_by", "approved_at"]
    list_filter = ["status", "warehouse"]
    list_select_related = ["warehouse", "bin"]
