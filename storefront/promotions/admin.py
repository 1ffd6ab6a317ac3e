from django.contrib import admin

from core.admin import ReadOnlyModelAdmin
from storefront.promotions.models import Voucher, VoucherRedemption


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "value", "min_order", "starts_at", "ends_at", "max_uses", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code"]
    date_hierarchy = "starts_at"


@admin.register(VoucherRedemption)
class VoucherRedemptionAdmin(ReadOnlyModelAdmin):
    list_display = ["voucher", "order", "email", "discount", "created_at"]
    list_select_related = ["voucher", "order"]
    search_fields = ["voucher__code", "email", "order__number"]
