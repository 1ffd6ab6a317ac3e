from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.actor import Actor
from core.exceptions import DomainError
from core.storable_text import UNSTORABLE_FILE_MESSAGE, UnstorableLine, uploaded_text
from logistics.exceptions import RateFileInvalid
from logistics.models import (
    Box,
    CarrierClaim,
    CarrierService,
    InvoiceRecord,
    Shipment,
    ShippingRate,
    TrackingEvent,
)
from logistics.services import carrier_claim_settle, shipping_rates_import
from logistics.services.rates import RATE_COLUMNS

MAX_RATE_FILE_BYTES = 2 * 1024 * 1024


class ShippingRateInline(admin.TabularInline):
    model = ShippingRate
    extra = 1


class RateFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Rate file (CSV)"),
        help_text=gettext_lazy("Columns: %(columns)s. The file replaces the tables of the services it names.")
        % {"columns": ", ".join(RATE_COLUMNS)},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_RATE_FILE_BYTES:
            raise forms.ValidationError(_("The file is too large (2 MB at most)."))
        try:
            return uploaded_text(upload.read())
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("Save the file as CSV in UTF-8.")) from error
        except UnstorableLine as error:
            raise forms.ValidationError(
                _("Line %(number)s: %(error)s.") % {"number": error.line, "error": UNSTORABLE_FILE_MESSAGE}
            ) from error


@admin.register(CarrierService)
class CarrierServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "carrier", "name", "is_active", "position"]
    list_filter = ["is_active", "carrier"]
    inlines = [ShippingRateInline]
    change_list_template = "admin/logistics/carrierservice/change_list.html"

    def get_urls(self):
        return [
            path(
                "import-rates/",
                self.admin_site.admin_view(self.rates_import_view),
                name="logistics_carrierservice_import_rates",
            ),
            *super().get_urls(),
        ]

    def rates_import_view(self, request: HttpRequest) -> HttpResponse:
        """Replace rate tables from a CSV file, whole or not at all."""
        if not request.user.has_perm("logistics.change_shippingrate"):
            raise PermissionDenied
        form = RateFileForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                imported = shipping_rates_import(content=form.cleaned_data["file"])
            except RateFileInvalid as invalid:
                errors = invalid.errors
                self.message_user(request, invalid.message, messages.ERROR)
            else:
                summary = ", ".join(f"{code}: {count}" for code, count in sorted(imported.items()))
                self.message_user(request, _("Rates imported (%(summary)s).") % {"summary": summary})
                return redirect(reverse("admin:logistics_carrierservice_changelist"))
        return TemplateResponse(
            request,
            "admin/logistics/carrierservice/import_rates.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Import shipping rates"),
                "form": form,
                "errors": errors,
            },
        )


@admin.register(ShippingRate)
class ShippingRateAdmin(admin.ModelAdmin):
    list_display = ["service", "state", "area", "cep_start", "cep_end", "max_weight_grams", "price", "days"]
    list_filter = ["service", "state", "area"]
    list_select_related = ["service"]


@admin.register(Box)
class BoxAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "length_cm", "width_cm", "height_cm", "tare_grams", "is_active"]
    list_filter = ["is_active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only the logistics services write; staff look, never edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    fields = ["occurred_at", "kind", "description", "location", "source"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "tracking_code",
        "service",
        "status",
        "promised_on",
        "delivered_at",
        "incidents",
    ]
    list_filter = ["status", "service"]
    list_select_related = ["service"]
    search_fields = ["=number", "=tracking_code", "=order__number"]
    show_full_result_count = False
    inlines = [TrackingEventInline]


@admin.register(InvoiceRecord)
class InvoiceRecordAdmin(ReadOnlyAdmin):
    list_display = ["series", "number", "kind", "access_key", "referenced_key", "issued_at", "total"]
    list_filter = ["series"]
    search_fields = ["=access_key", "=shipment__order__number", "=order__number"]
    show_full_result_count = False


@admin.register(CarrierClaim)
class CarrierClaimAdmin(ReadOnlyAdmin):
    """Claims are opened and filed by the services; staff record the carrier's answer."""

    list_display = ["source", "shipment", "reason", "amount", "status", "protocol", "attempts", "filed_at"]
    list_filter = ["status", "reason"]
    list_select_related = ["shipment"]
    search_fields = ["=source", "=protocol", "=shipment__tracking_code", "=shipment__order__number"]
    show_full_result_count = False
    actions = ["record_paid", "record_refused"]

    def has_settle_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("logistics.settle_carrierclaim")

    def _settle(self, request: HttpRequest, queryset, *, paid: bool) -> None:
        settled = 0
        for claim_id in queryset.values_list("pk", flat=True):
            try:
                carrier_claim_settle(claim_id=claim_id, paid=paid, actor=Actor.staff(request.user))
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                settled += 1
        if settled:
            self.message_user(
                request,
                ngettext(
                    "Answer recorded on %(count)s claim.", "Answer recorded on %(count)s claims.", settled
                )
                % {"count": settled},
            )

    @admin.action(permissions=["settle"], description=gettext_lazy("The carrier paid the selected claims"))
    def record_paid(self, request: HttpRequest, queryset) -> None:
        self._settle(request, queryset, paid=True)

    @admin.action(permissions=["settle"], description=gettext_lazy("The carrier refused the selected claims"))
    def record_refused(self, request: HttpRequest, queryset) -> None:
        self._settle(request, queryset, paid=False)
