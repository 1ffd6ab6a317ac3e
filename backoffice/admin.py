from django.contrib import admin

from backoffice.models import PersonalDataAccess, RolePolicy
from core.admin import ReadOnlyModelAdmin


@admin.register(RolePolicy)
class RolePolicyAdmin(admin.ModelAdmin):
    list_display = ["group", "requires_two_factor", "updated_at"]
    list_select_related = ["group"]
    list_filter = ["requires_two_factor"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyModelAdmin):
    """The log is append-only: read here, never changed."""

    list_display = ["created_at", "staff", "kind", "customer", "reference"]
    list_select_related = ["staff", "customer"]
    list_filter = ["kind"]
    date_hierarchy = "created_at"
    show_full_result_count = False
