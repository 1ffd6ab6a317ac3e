from django.contrib import admin

from inventory.models import Reservation, StockLevel, StockMovement, Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "sells_online", "city", "state"]
    list_filter = ["kind", "sells_online"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Stock changes only through the inventory services, which keep the ledger."""

    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ["variant", "warehouse", "on_hand", "reserved"]
    list_filter = ["warehouse"]
    list_select_related = ["variant", "warehouse"]
    search_fields = ["=variant__sku", "=variant__ean"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "level", "kind", "on_hand_change", "reserved_change", "reference", "actor"]
    list_filter = ["kind"]
    list_select_related = ["level__variant", "level__warehouse"]
    search_fields = ["=reference", "=level__variant__sku"]


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "level", "quantity", "status", "expires_at"]
    list_filter = ["status"]
    list_select_related = ["level__variant", "level__warehouse"]
    search_fields = ["=reference"]
