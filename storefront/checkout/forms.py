import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cep import STATE_RANGES, normalize_cep, state_for_cep, validate_cep
from core.cpf import only_digits, validate_cpf
from core.money import format_brl, format_percent
from orders.adapters.cards import card_digits, luhn_ok
from orders.models import Payment

STATES = sorted({state for state, _start, _end in STATE_RANGES})


class CardNumberInput(forms.TextInput):
    """A card number field that never sends the typed number back to the browser."""

    def format_value(self, value) -> None:
        return None


class CheckoutDetailsForm(forms.Form):
    """Who buys and where it goes."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    cpf = forms.CharField(label=_("CPF"), max_length=14, validators=[validate_cpf])
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, help_text=_("With area code (DDD)."))
    cep = forms.CharField(label=_("CEP"), max_length=9, validators=[validate_cep])
    street = forms.CharField(label=_("Street"), max_length=200)
    street_number = forms.CharField(label=_("Number"), max_length=20)
    complement = forms.CharField(label=_("Complement"), max_length=100, required=False)
    district = forms.CharField(label=_("District"), max_length=100)
    city = forms.CharField(label=_("City"), max_length=100)
    state = forms.ChoiceField(label=_("State"), choices=[("", "—"), *[(state, state) for state in STATES]])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name.split()) < 2:
            raise ValidationError(_("Enter your first and last name."), code="full_name_short")
        return name

    def clean_cpf(self) -> str:
        return only_digits(self.cleaned_data["cpf"])

    def clean_phone(self) -> str:
        digits = only_digits(self.cleaned_data["phone"]).removeprefix("55")
        if len(digits) not in (10, 11) or digits[0] == "0":
            raise ValidationError(
                _("Enter the phone with its area code, e.g. (11) 98765-4321."), code="phone"
            )
        return digits

    def clean_cep(self) -> str:
        return normalize_cep(self.cleaned_data["cep"])

    def clean(self) -> dict:
        cleaned = super().clean()
        cep, state = cleaned.get("cep"), cleaned.get("state")
        if cep and state and state_for_cep(cep) != state:
            self.add_error(
                "cep",
                _("This CEP belongs to %(state)s, not %(chosen)s.")
                % {"state": state_for_cep(cep), "chosen": state},
            )
        return cleaned


class CheckoutPaymentForm(forms.Form):
    """Delivery service, voucher and how to pay. Card data goes to the provider for a token
    and is never stored."""

    delivery = forms.ChoiceField(label=_("Delivery"), widget=forms.RadioSelect)
    voucher = forms.CharField(label=_("Voucher"), max_length=40, required=False)
    method = forms.ChoiceField(
        label=_("Payment"),
        choices=Payment.Method.choices,
        widget=forms.RadioSelect,
        initial=Payment.Method.PIX,
    )
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        required=False,
        widget=CardNumberInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    card_holder = forms.CharField(
        label=_("Name on the card"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "cc-name"}),
    )
    card_expiry = forms.CharField(
        label=_("Expiry (MM/YY)"),
        max_length=7,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "MM/AA"}),
    )
    card_cvv = forms.CharField(
        label=_("Security code"),
        max_length=4,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )
    installments = forms.TypedChoiceField(label=_("Instalments"), coerce=int, required=False)

    def __init__(
        self,
        *args,
        delivery_options=(),
        installment_options=(),
        pix_discount_percent=Decimal("0"),
        with_delivery=True,
        pix_only=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if pix_only:  # an order priced with the Pix discount
            self.fields["method"].choices = [(Payment.Method.PIX, Payment.Method.PIX.label)]
        if pix_discount_percent:
            self.fields["method"].choices = [
                (
                    value,
                    _("%(method)s (%(percent)s%% off)")
                    % {"method": label, "percent": format_percent(pix_discount_percent)}
                    if value == Payment.Method.PIX
                    else label,
                )
                for value, label in self.fields["method"].choices
            ]
        self.fields["delivery"].choices = [(option.code, option.label) for option in delivery_options]
        self.fields["installments"].choices = [
            (count, _("%(count)s× %(value)s interest-free") % {"count": count, "value": format_brl(value)})
            for count, value in installment_options
        ]
        if not with_delivery:  # paying again for a placed order: delivery and voucher are settled
            del self.fields["delivery"], self.fields["voucher"]

    def clean_voucher(self) -> str:
        return self.cleaned_data["voucher"].strip().upper()

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("method") != Payment.Method.CARD:
            return cleaned
        number = card_digits(cleaned.get("card_number", ""))
        if not luhn_ok(number):
            self.add_error("card_number", _("Enter a valid card number."))
        if not cleaned.get("card_holder", "").strip():
            self.add_error("card_holder", _("Enter the name as printed on the card."))
        expiry = _expiry(cleaned.get("card_expiry", ""))
        if expiry is None:
            self.add_error("card_expiry", _("Enter the expiry as MM/YY."))
        elif expiry < (timezone.localdate().year, timezone.localdate().month):
            self.add_error("card_expiry", _("This card has expired."))
        else:
            cleaned["expiry_year"], cleaned["expiry_month"] = expiry
        cvv = cleaned.get("card_cvv", "")
        if not (cvv.isdigit() and len(cvv) in (3, 4)):
            self.add_error("card_cvv", _("Enter the 3 or 4 digits on the back of the card."))
        if not cleaned.get("installments"):
            self.add_error("installments", _("Choose the number of instalments."))
        return cleaned


EXPIRY = re.compile(r"(?P<month>[0-9]{1,2})\s*/\s*(?P<year>[0-9]{2}|[0-9]{4})")


def _expiry(value: str) -> tuple[int, int] | None:
    """`(year, month)` from MM/YY or MM/YYYY."""
    match = EXPIRY.fullmatch(value.strip())
    if match is None or not 1 <= int(match["month"]) <= 12:
        return None
    year = int(match["year"])
    return (year + 2000 if year < 100 else year), int(match["month"])


class PlaceOrderForm(forms.Form):
    """The total the shopper saw on the review page: if it changed since, they review again."""

    expected_total = forms.DecimalField(max_digits=12, decimal_places=2, widget=forms.HiddenInput)
