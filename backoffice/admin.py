from django.contrib import admin

from backoffice.models import RolePolicy


@admin.register(RolePolicy)
class RolePolicyAdmin(admin.ModelAdmin):
    list_display = ["group", "requires_two_factor", "updated_at"]
    list_select_related = ["group"]
    list_filter = ["requires_two_factor"]
