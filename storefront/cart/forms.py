from django import forms
from django.utils.translation import gettext_lazy as _

from storefront.cart.models import MAX_LINE_QUANTITY


class CartAddForm(forms.Form):
    variant = forms.IntegerField(min_value=1, error_messages={"required": _("Choose an option first.")})
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY, initial=1)


class CartLineQuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=MAX_LINE_QUANTITY)
