from decimal import Decimal

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from storefront.catalog.selectors import ListingFilters, Sort

SORT_CHOICES = [
    (Sort.RELEVANCE, _("Most relevant")),
    (Sort.BEST_SELLERS, _("Best sellers")),
    (Sort.RATING, _("Best rated")),
    (Sort.NEWEST, _("Newest")),
    (Sort.PRICE_ASC, _("Lowest price")),
    (Sort.PRICE_DESC, _("Highest price")),
]
MAX_PRICE = Decimal("9999999999.99")


class ListingFilterForm(forms.Form):
    """Reads a listing's query string. Bad values are dropped with a note, never an error page."""

    q = forms.CharField(required=False, max_length=200, strip=True)
    price_min = forms.DecimalField(
        label=_("Minimum price"), required=False, min_value=0, max_value=MAX_PRICE, decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("Maximum price"), required=False, min_value=0, max_value=MAX_PRICE, decimal_places=2
    )
    brand = forms.MultipleChoiceField(label=_("Brand"), required=False)
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, data: QueryDict, *, brand_slugs: list[str], attribute_tokens: set[str]) -> None:
        """`brand_slugs` and `attribute_tokens` (`"cor:azul"`) are what the listing offers;
        anything else in the query string is ignored."""
        super().__init__(data)
        self.fields["brand"].choices = [(slug, slug) for slug in brand_slugs]
        self.attribute_filters = self._parse_attribute_filters(data.getlist("f"), attribute_tokens)

    @staticmethod
    def _parse_attribute_filters(raw: list[str], known: set[str]) -> dict[str, tuple[str, ...]]:
        """`f=cor:azul&f=cor:preto&f=tamanho:m` -> {"cor": ("azul", "preto"), "tamanho": ("m",)}."""
        chosen: dict[str, list[str]] = {}
        for token in raw:
            if token in known:
                attribute, _sep, value = token.partition(":")
                chosen.setdefault(attribute, []).append(value)
        return {attribute: tuple(values) for attribute, values in chosen.items()}

    def listing_filters(self) -> ListingFilters:
        """The valid part of the query string; invalid fields count as not given."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        price_min, price_max = data.get("price_min"), data.get("price_max")
        if price_min is not None and price_max is not None and price_min > price_max:
            price_min, price_max = price_max, price_min
        return ListingFilters(
            price_min=price_min,
            price_max=price_max,
            brand_slugs=tuple(data.get("brand") or ()),
            attribute_values=self.attribute_filters,
            in_stock=bool(data.get("in_stock")),
            sort=data.get("sort") or Sort.RELEVANCE,
        )

    def ignored_messages(self) -> list[str]:
        """What the shopper typed that the listing had to ignore, in their words."""
        return [f"{self.fields[name].label}: {' '.join(errors)}" for name, errors in self.errors.items()]


class StockAlertForm(forms.Form):
    """Avise-me: which variant, and where to write. A signed-in shopper may leave the email
    out: their account's address is used."""

    variant = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Write a valid email address, like nome@exemplo.com.br.")},
    )

    def __init__(self, data=None, *, user=None) -> None:
        super().__init__(data)
        self.user = user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if not email and self.user is not None and self.user.is_authenticated:
            return self.user.email
        if not email:
            raise forms.ValidationError(_("Write the email we should write to."), code="required")
        return email
