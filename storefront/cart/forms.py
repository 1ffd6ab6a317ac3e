from django import forms
from django.utils.translation import gettext_lazy as _

from core.cep import normalize_cep, validate_cep
from storefront.cart.models import MAX_LINE_QUANTITY


class CartAddForm(forms.Form):
    variant = forms.IntegerField(min_value=1, error_messages={"required": _("Choose an option first.")})
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY, initial=1)


class CartLineQuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=MAX_LINE_QUANTITY)


class FreightQuoteForm(forms.Form):
    """A CEP to price delivery for, and the product's variant when asked from its page
    (without one, the cart is priced)."""

    cep = forms.CharField(
        label=_("CEP"),
        max_length=9,
        validators=[validate_cep],
        error_messages={"required": _("Enter your CEP.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "placeholder": "00000-000"}
        ),
    )
    variant = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    quantity = forms.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, required=False)

    def clean_cep(self) -> str:
        return normalize_cep(self.cleaned_data["cep"])
