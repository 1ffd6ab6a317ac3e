from django.contrib import admin

from storefront.pages.models import StorePage
from storefront.pages.services import store_page_save


@admin.register(StorePage)
class StorePageAdmin(admin.ModelAdmin):
    """The terms of sale, privacy policy and exchange-and-return policy: made with the store,
    edited by managers, never added or removed."""

    list_display = ["__str__", "title_pt_br", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        store_page_save(page=obj)
