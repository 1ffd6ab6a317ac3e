from django.contrib import admin

from storefront.reviews.models import Review, ReviewEvent


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Raw data: reviews are approved and rejected in the back office, where the product's
    rating follows."""

    list_display = ["product", "customer", "rating", "title", "status", "created_at", "moderated_at"]
    list_filter = ["status"]
    list_select_related = ["product", "customer"]
    search_fields = ["title", "product__name", "customer__email"]
    raw_id_fields = ["product", "customer", "order_line"]
    readonly_fields = ["status", "moderated_at", "rejection_reason", "created_at", "updated_at"]
    inlines = [ReviewEventInline]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
