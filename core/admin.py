from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Raw data that changes only through its services: staff may look, never edit here."""

    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
