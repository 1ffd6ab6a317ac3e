from django.contrib import admin

from core.admin import ReadOnlyTabularInline
from storefront.cart.models import Cart, CartLine


class CartLineInline(ReadOnlyTabularInline):
    model = CartLine
    fields = ["variant", "quantity", "price_when_added"]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["token", "customer", "status", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["customer"]
    search_fields = ["token", "customer__email"]
    readonly_fields = ["token", "customer", "status"]
    show_full_result_count = False
    inlines = [CartLineInline]

    def has_add_permission(self, request) -> bool:
        return False
