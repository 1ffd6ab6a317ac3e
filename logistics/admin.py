from django.contrib import admin

from logistics.models import CarrierService, ShippingRate


class ShippingRateInline(admin.TabularInline):
    model = ShippingRate
    extra = 1


@admin.register(CarrierService)
class CarrierServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "carrier", "name", "is_active", "position"]
    list_filter = ["is_active", "carrier"]
    inlines = [ShippingRateInline]


@admin.register(ShippingRate)
class ShippingRateAdmin(admin.ModelAdmin):
    list_display = ["service", "state", "max_weight_grams", "price", "days"]
    list_filter = ["service", "state"]
    list_select_related = ["service"]
