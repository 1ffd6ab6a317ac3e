"""Forms of the purchasing screens: field checks only; the rules are in
inventory/services/purchase_orders.py and their errors land on these fields."""

from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inventory.models import PurchaseOrder, Supplier, Warehouse
from inventory.services.purchase_orders import MAX_UNIT_COST, MAX_UNITS


def _quantity_field() -> forms.IntegerField:
    return forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_UNITS)


def _unit_cost_field(*, required: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Unit cost (R$)"),
        min_value=Decimal("0"),
        max_value=MAX_UNIT_COST,
        max_digits=12,
        decimal_places=2,
        required=required,
        localize=True,
    )


class PurchaseOrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *PurchaseOrder.Status.choices], required=False
    )
    supplier = forms.ModelChoiceField(
        label=_("Supplier"),
        queryset=Supplier.objects.order_by("name"),
        required=False,
        empty_label=_("All suppliers"),
    )


class PurchaseOrderNewForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.order_by("name"))
    warehouse = forms.ModelChoiceField(
        label=pgettext_lazy("place", "Warehouse"), queryset=Warehouse.objects.order_by("code")
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PurchaseOrderHeaderForm(forms.Form):
    expected_on = forms.DateField(
        label=_("Expected on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PurchaseLineAddForm(forms.Form):
    """The variant is picked among the search results (`variant`), or typed as an exact SKU
    or EAN in the search box (`q`)."""

    q = forms.CharField(label=_("Item: SKU, EAN or name"), max_length=100, required=False)
    variant = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    quantity = _quantity_field()
    unit_cost = _unit_cost_field(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "type": "search",
                "autocomplete": "off",
                "hx-get": reverse("backoffice:purchasing-variant-search"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#variant-results",
                "data-testid": "variant-search",
            }
        )
        self.fields["unit_cost"].help_text = _("Empty: the item's cost price.")

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("variant") and not (data.get("q") or "").strip() and "q" not in self.errors:
            self.add_error("q", _("Search for the item by SKU, EAN or name and pick it."))
        return data


class PurchaseLineChangeForm(forms.Form):
    quantity = _quantity_field()
    unit_cost = _unit_cost_field(required=True)
