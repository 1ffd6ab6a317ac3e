import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cep import STATE_RANGES, cep_state_mismatch, normalize_cep, validate_cep
from core.cpf import compact_cnpj, is_valid_cnpj, only_digits, validate_cpf
from core.money import format_brl, format_percent
from orders.adapters.cards import card_digits, luhn_ok
from orders.models import Payment

STATES = sorted({state for state, _start, _end in STATE_RANGES})


class CardNumberInput(forms.TextInput):
    """A card number field that never sends the typed number back to the browser."""

    def format_value(self, value) -> None:
        return None


EXEMPT = "ISENTO"  # the state registration of a company exempt from it


class CheckoutDetailsForm(forms.Form):
    """Who buys and where it goes: a person, or a company through the person buying for it."""

    class BuyerType(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    buyer_type = forms.ChoiceField(
        label=_("Buying as"),
        choices=BuyerType.choices,
        initial=BuyerType.PERSON,
        required=False,
        widget=forms.RadioSelect(attrs={"data-buyer-type": ""}),
    )
    cnpj = forms.CharField(
        label=_("CNPJ"),
        max_length=18,
        required=False,
        help_text=_("Numbers or letters, as the Receita issued it."),
    )
    company_name = forms.CharField(label=_("Company's legal name"), max_length=150, required=False)
    state_registration = forms.CharField(label=_("State registration"), max_length=20, required=False)
    state_registration_exempt = forms.BooleanField(label=_("Exempt from state registration"), required=False)
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
        self._clean_company(cleaned)
        if mismatch := cep_state_mismatch(cleaned.get("cep"), cleaned.get("state")):
            self.add_error("cep", mismatch)
        return cleaned

    def _clean_company(self, cleaned: dict) -> None:
        """A company's CNPJ, legal name and state registration (or its exemption); nothing of
        a company is kept for a person."""
        if cleaned.get("buyer_type") != self.BuyerType.COMPANY:
            cleaned.update(cnpj="", company_name="", state_registration="")
            return
        cnpj = compact_cnpj(cleaned.get("cnpj", ""))
        if not is_valid_cnpj(cnpj):
            self.add_error(
                "cnpj", ValidationError(_("Enter a valid CNPJ (14 characters)."), code="invalid_cnpj")
            )
        name = " ".join(cleaned.get("company_name", "").split())
        if not name:
            self.add_error(
                "company_name", ValidationError(_("Enter the company's legal name."), code="required")
            )
        registration = (
            "" if cleaned.get("state_registration_exempt") else cleaned.get("state_registration", "")
        )
        registration = re.sub(r"[^0-9A-Za-z]", "", registration).upper()
        if not cleaned.get("state_registration_exempt") and not registration:
            self.add_error(
                "state_registration",
                ValidationError(
                    _("Enter the state registration, or tick that the company is exempt."), code="required"
                ),
            )
        cleaned.update(cnpj=cnpj, company_name=name, state_registration=registration or EXEMPT)


def method_choices_with_pix_discount(field: forms.ChoiceField, percent: Decimal) -> None:
    """Name the Pix discount beside Pix among the ways to pay ("Pix (5% de desconto)")."""
    if not percent:
        return
    field.choices = [
        (
            value,
            _("%(method)s (%(percent)s%% off)") % {"method": label, "percent": format_percent(percent)}
            if value == Payment.Method.PIX
            else label,
        )
        for value, label in field.choices
    ]


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
        method_choices_with_pix_discount(self.fields["method"], pix_discount_percent)
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
    # Unticked unless the shopper ticks it (LGPD: consent is a free, informed act).
    marketing = forms.BooleanField(
        label=_("Send me offers and news by email"),
        required=False,
    )
