from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from storefront.accounts.models import Address, CustomerProfile, ErasureEvent, ErasureRequest, User


class StaffUserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class StaffUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = StaffUserCreationForm
    form = StaffUserChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "language"]}),
        (_("Roles"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "cpf", "phone", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "cpf", "phone"]
    raw_id_fields = ["user"]
    show_full_result_count = False


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["customer", "label", "cep", "city", "state", "is_default"]
    readonly_fields = ["is_default"]  # one default per customer: changed from the account page
    list_select_related = ["customer"]
    list_filter = ["state"]
    search_fields = ["customer__email", "cep"]
    raw_id_fields = ["customer"]
    show_full_result_count = False


class ErasureEventInline(admin.TabularInline):
    model = ErasureEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """Raw data only: requests are answered in the back office (Erasure requests), through the
    service that anonymises the person, never by editing a row here."""

    list_display = ["pk", "customer", "status", "created_at", "deadline", "done_at"]
    list_select_related = ["customer"]
    list_filter = ["status"]
    search_fields = ["customer__email"]
    raw_id_fields = ["customer"]
    readonly_fields = [
        "customer",
        "status",
        "deadline",
        "waiting_reason",
        "refusal_reason",
        "done_at",
        "summary",
    ]
    inlines = [ErasureEventInline]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
