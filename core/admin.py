from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections

from core.models import OpeningHours, StoreHoliday


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Raw data that changes only through its services: staff may look, never edit here."""

    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyTabularInline(admin.TabularInline):
    """Rows shown with their parent that change only through services: listed, never edited."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return list(self.fields or [])

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class _LooksUpReadableIdsOnly:
    """Redrawing a refused form, Django's autocomplete widgets look up the posted ids; an id
    the related field cannot read ("abc" for a number, or one past the column's range) made
    that lookup a 500. Only readable ids are looked up: the form already says the rest are
    not valid choices."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [item for item in value if self._is_readable(item)], attr)

    def _is_readable(self, item) -> bool:
        remote = self.field.remote_field
        options = remote.model._meta
        target = options.get_field(getattr(remote, "field_name", None) or options.pk.name)
        try:
            prepared = target.get_prep_value(target.to_python(item))
        except (ValidationError, ValueError, TypeError):
            return False
        if isinstance(prepared, int):
            low, high = connections[self.db or DEFAULT_DB_ALIAS].ops.integer_field_range(
                target.get_internal_type()
            )
            return (low is None or low <= prepared) and (high is None or prepared <= high)
        return True


class ReadableAutocompleteSelect(_LooksUpReadableIdsOnly, AutocompleteSelect):
    pass


class ReadableAutocompleteSelectMultiple(_LooksUpReadableIdsOnly, AutocompleteSelectMultiple):
    pass


class ReadableAutocompleteMixin:
    """For model admins and inlines with `autocomplete_fields`: forged ids give a form error,
    not a 500."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ReadableAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ReadableAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(StoreHoliday)
class StoreHolidayAdmin(admin.ModelAdmin):
    """Days the store closes on top of the national and state holidays."""

    list_display = ["date", "name"]
    date_hierarchy = "date"


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["weekday", "opens_at", "closes_at"]
