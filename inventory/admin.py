from django.contrib import admin

from core.admin import ReadOnlyModelAdmin
from inventory.models import Reservation, StockLevel, StockMovement, Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "sells_online", "city", "state"]
    list_filter = ["kind", "sells_online"]


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyModelAdmin):
    list_display = ["variant", "warehouse", "on_hand", "reserved"]
    list_filter = ["warehouse"]
    list_select_related = ["variant", "warehouse"]
    search_fields = ["=variant__sku", "=variant__ean"]


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
