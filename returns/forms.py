"""The customer's return request form: how many units of each line, why, what they want back
and, for a boleto, where the money goes. Shape only: the windows, what may still be returned
and the evidence a reason needs are the service's to check."""

from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.money import format_brl
from core.uploads import IncomingFile
from inventory.selectors import variant_ids_by_sku
from orders.exceptions import BankAccountInvalid, PixKeyInvalid
from orders.models import Order, Payment
from orders.services.refunds import bank_account_clean, pix_key_clean
from returns.exceptions import (
    DefectDateRequired,
    ReplacementRequired,
    ReturnLinesRequired,
    ReturnQuantityInvalid,
)
from returns.models import ReturnRequest
from returns.selectors import ReturnableLine
from returns.services.requests import MAX_PHOTOS, LineAsk
from storefront.catalog.models import Variant

Reason = ReturnRequest.Reason
Resolution = ReturnRequest.Resolution
DESCRIPTION_MAX_LENGTH = 4000
# What each reason means for the customer, under its choice.
REASON_HELP = {
    Reason.REGRET: _("Within 7 days of delivery, no questions asked."),
    Reason.DEFECT: _("Tell us what is wrong and send photos of it."),
    Reason.HIDDEN_DEFECT: _(
        "It worked at first and then failed: say the day it showed up, describe it and send photos."
    ),
    Reason.WRONG_ITEM: _("We sent something other than what you bought: send a photo of what arrived."),
    Reason.MISSING_ITEM: _("Something you paid for was not in the parcel: there is nothing to send back."),
    Reason.TRANSPORT_DAMAGE: _("The parcel or the item arrived damaged: send photos of it."),
}
PARCEL_HELP = {
    ReturnRequest.ParcelMode.DROP_OFF: _("Take the parcel to any post office with the code we give you."),
    ReturnRequest.ParcelMode.PICKUP: _("The carrier collects the parcel at the delivery address."),
}
RESOLUTION_HELP = {
    Resolution.REFUND: _("The way you paid: back to the card or Pix, or by transfer for a boleto."),
    Resolution.STORE_CREDIT: _("A voucher for your next purchases, once we inspect the items."),
    Resolution.EXCHANGE: _(
        "Another size or colour, or another product of equal or greater value paying the difference. "
        "We hold it for you now and send it when the items come back."
    ),
}
# Customers pay back for a boleto: money goes to a Pix key or an account of theirs.
BOLETO_PAID = (Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED)
BANK_FIELDS = {
    "refund_bank": "bank",
    "refund_branch": "branch",
    "refund_account": "account",
    "refund_holder_cpf": "holder_cpf",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _photos_help() -> str:
    # Built when shown, in the visitor's language and with the limit set now.
    return gettext("Up to %(count)d pictures (JPEG, PNG, GIF or WebP), %(size)s each.") % {
        "count": MAX_PHOTOS,
        "size": filesizeformat(settings.STORE_SUPPORT_ATTACHMENT_MAX_BYTES),
    }


class PhotosField(forms.FileField):
    """Pictures of the problem, as IncomingFile; what they are is checked by the service."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", lazy(_photos_help, str)())
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list[IncomingFile]:
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(
                gettext("Send at most %(count)d photos.") % {"count": MAX_PHOTOS}, code="too_many_photos"
            )
        return [IncomingFile(name=upload.name, content=upload.read()) for upload in uploads]


def variant_choice(variant: Variant) -> str:
    """A variant as a choice: its options (size, colour) and today's price."""
    return f"{variant.options_label or variant.sku} · {format_brl(variant.price)}"


def order_paid_by_boleto(order: Order) -> bool:
    """Read from the payments the order's page selector prefetched."""
    return any(
        payment.method == Payment.Method.BOLETO and payment.status in BOLETO_PAID
        for payment in getattr(order, "payment_list", [])
    )


class ReturnRequestForm(forms.Form):
    """One field per line that may still be returned (`line_<order line id>`), then the
    reason, the evidence, the parcel, the resolution and, for a boleto, the refund's
    destination."""

    reason = forms.ChoiceField(
        label=_("Why are you returning it?"), choices=Reason.choices, widget=forms.RadioSelect
    )
    noticed_on = forms.DateField(
        label=_("The day the defect showed up"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Only for a defect that showed up with use."),
    )
    description = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed for a defect, a wrong item or damage in transport."),
    )
    photos = PhotosField(label=_("Photos"))
    parcel_mode = forms.ChoiceField(
        label=_("How the parcel comes back"),
        choices=ReturnRequest.ParcelMode.choices,
        initial=ReturnRequest.ParcelMode.DROP_OFF,
        widget=forms.RadioSelect,
    )
    resolution = forms.ChoiceField(
        label=_("What you want"),
        choices=Resolution.choices,
        initial=Resolution.REFUND,
        widget=forms.RadioSelect,
    )
    refund_pix_key = forms.CharField(
        label=_("Pix key"),
        max_length=77,
        required=False,
        help_text=_("CPF, CNPJ, email, phone with +55 or random key."),
    )
    refund_bank = forms.CharField(label=_("Bank code"), max_length=3, required=False)
    refund_branch = forms.CharField(label=_("Branch"), max_length=6, required=False)
    refund_account = forms.CharField(label=_("Account with check digit"), max_length=14, required=False)
    refund_holder_cpf = forms.CharField(label=_("Account holder's CPF"), max_length=14, required=False)

    def __init__(
        self,
        *args,
        rows: list[ReturnableLine],
        order: Order,
        today: date,
        satisfaction_days: int,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows, self.today, self.satisfaction_days = rows, today, satisfaction_days
        self.needs_refund_destination = order_paid_by_boleto(order)
        if not self.needs_refund_destination:
            for name in ("refund_pix_key", *BANK_FIELDS):
                del self.fields[name]
        for row in rows:
            if row.returnable:
                self.fields[self.line_field(row)] = forms.IntegerField(
                    label=_("How many to return"),
                    min_value=0,
                    required=False,
                    initial=0,
                    widget=forms.NumberInput(attrs={"min": 0, "max": row.returnable, "inputmode": "numeric"}),
                )
                self.fields[self.replacement_field(row)] = forms.TypedChoiceField(
                    label=_("In exchange for"),
                    choices=[
                        ("", "—"),
                        *((variant.pk, variant_choice(variant)) for variant in row.replacements),
                    ],
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
                self.fields[self.replacement_sku_field(row)] = forms.CharField(
                    label=_("or another product's code"),
                    max_length=64,
                    required=False,
                    help_text=_("The SKU shown on the product's page."),
                )

    @staticmethod
    def line_field(row: ReturnableLine) -> str:
        return f"line_{row.line.pk}"

    @staticmethod
    def replacement_field(row: ReturnableLine) -> str:
        return f"replace_{row.line.pk}"

    @staticmethod
    def replacement_sku_field(row: ReturnableLine) -> str:
        return f"replace_sku_{row.line.pk}"

    def line_rows(self) -> list[tuple[ReturnableLine, forms.BoundField | None]]:
        """Each line with its quantity field (None when nothing of it may be returned)."""
        return [(row, self[self.line_field(row)] if row.returnable else None) for row in self.rows]

    def replacement_rows(self) -> list[tuple[ReturnableLine, forms.BoundField, forms.BoundField]]:
        """Each returnable line with its exchange choices: a variant of the same product or
        another product's SKU."""
        return [
            (row, self[self.replacement_field(row)], self[self.replacement_sku_field(row)])
            for row in self.rows
            if row.returnable
        ]

    def closes_on(self, reason: str) -> date | None:
        """The last day any line may still be returned for `reason` (None: counted from when
        a hidden defect shows up)."""
        days = [row.ends_on[reason] for row in self.rows if row.returnable and reason in row.ends_on]
        return max(days) if days else None

    def reason_options(self) -> list[dict]:
        """The reason's radios with their help, the last day each is open and whether it is over."""
        options = []
        for radio in self["reason"]:
            value = radio.data["value"]
            ends = self.closes_on(value)
            help_text = REASON_HELP.get(value) or gettext(
                "Up to %(days)d days after delivery, by our store's policy."
            ) % {"days": self.satisfaction_days}
            is_over = ends is not None and ends < self.today
            options.append({"radio": radio, "help": help_text, "ends_on": ends, "is_over": is_over})
        return options

    def parcel_options(self) -> list[dict]:
        return [{"radio": radio, "help": PARCEL_HELP[radio.data["value"]]} for radio in self["parcel_mode"]]

    def resolution_options(self) -> list[dict]:
        return [
            {"radio": radio, "help": RESOLUTION_HELP[radio.data["value"]]} for radio in self["resolution"]
        ]

    def clean_refund_pix_key(self) -> str:
        key = self.cleaned_data["refund_pix_key"].strip()
        if not key:
            return ""
        try:
            return pix_key_clean(key)["pix_key"]
        except PixKeyInvalid as error:
            raise ValidationError(error.message, code=error.code) from error

    def clean(self) -> dict:
        cleaned = super().clean()
        self._lines_clean(cleaned)
        if cleaned.get("resolution") == Resolution.EXCHANGE:
            self._replacements_clean(cleaned)
        if cleaned.get("reason") == Reason.HIDDEN_DEFECT and not cleaned.get("noticed_on"):
            self.add_error("noticed_on", DefectDateRequired.message)
        if self.needs_refund_destination and cleaned.get("resolution") != Resolution.STORE_CREDIT:
            cleaned["refund_bank_account"] = self._bank_account_clean(cleaned)
        else:
            cleaned["refund_pix_key"], cleaned["refund_bank_account"] = "", {}
        return cleaned

    def _lines_clean(self, cleaned: dict) -> None:
        asked = 0
        for row in self.rows:
            name = self.line_field(row)
            if name not in self.fields or name not in cleaned:
                continue
            quantity = cleaned[name] or 0
            if quantity > row.returnable:
                self.add_error(
                    name,
                    ReturnQuantityInvalid(item=row.line.product_name, count=row.returnable).message,
                )
            asked += quantity
        line_errors = any(self.line_field(row) in self.errors for row in self.rows)
        if not asked and not line_errors:
            self.add_error(None, ReturnLinesRequired.message)

    def _replacements_clean(self, cleaned: dict) -> None:
        """Each line asked back names its replacement: a variant chosen from the list, or a SKU
        typed (that wins); whether it may be had is the service's to check."""
        typed = {
            row.line.pk: cleaned.get(self.replacement_sku_field(row), "").strip()
            for row in self.rows
            if row.returnable and cleaned.get(self.line_field(row))
        }
        found = variant_ids_by_sku(
            skus=[code for sku in typed.values() if sku for code in (sku, sku.upper())]
        )
        self.replacements = {}
        for row in self.rows:
            if row.line.pk not in typed:
                continue
            sku = typed[row.line.pk]
            variant_id = (
                found.get(sku) or found.get(sku.upper()) if sku else cleaned.get(self.replacement_field(row))
            )
            if variant_id:
                self.replacements[row.line.pk] = variant_id
            elif sku:
                self.add_error(self.replacement_sku_field(row), gettext("No product has this code."))
            else:
                self.add_error(self.replacement_field(row), ReplacementRequired.message)

    def _bank_account_clean(self, cleaned: dict) -> dict:
        """A whole bank account or none (ignored when a Pix key was given), in the form the
        transfer takes it; the wrong field says why."""
        account = {key: cleaned.get(name, "") for name, key in BANK_FIELDS.items()}
        if cleaned.get("refund_pix_key") or not any(account.values()):
            return {}
        try:
            return bank_account_clean(account)
        except BankAccountInvalid as error:
            field = next(name for name, key in BANK_FIELDS.items() if key == error.field)
            self.add_error(field, error.message)
            return {}

    def asks(self) -> list[LineAsk]:
        """The lines asked back, with how many units of each."""
        replacements = getattr(self, "replacements", {})
        return [
            LineAsk(
                order_line_id=row.line.pk,
                quantity=self.cleaned_data[self.line_field(row)],
                replacement_variant_id=replacements.get(row.line.pk),
            )
            for row in self.rows
            if row.returnable and self.cleaned_data.get(self.line_field(row))
        ]
