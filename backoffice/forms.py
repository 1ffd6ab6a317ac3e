from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backoffice.roles import Role
from inventory.models import Bin, Warehouse
from logistics.models import Box, CarrierService, Shipment
from orders.models import Payment
from storefront.accounts.models import User
from storefront.checkout.forms import CheckoutDetailsForm, method_choices_with_pix_discount
from support.forms import MESSAGE_MAX_LENGTH, AttachmentsField
from support.models import Channel, Macro, PhoneCall, Priority, Ticket, TicketQueue
from support.notifications.models import MarketingConsent
from support.recovery.models import RecoveryCall

# More units than this in one line is a typo.
MAX_UNITS = 1_000_000


class StockSearchForm(forms.Form):
    q = forms.CharField(label=_("SKU, EAN or name"), required=False, max_length=100)
    warehouse = forms.ModelChoiceField(
        label=pgettext_lazy("place", "Warehouse"),
        queryset=Warehouse.objects.order_by("code"),
        required=False,
        empty_label=_("All"),
    )


class ReceiptForm(forms.Form):
    """One delivery against a purchase order: per line, what came, into which bin, and the lot."""

    accept_over_delivery = forms.BooleanField(label=_("Accept more than ordered"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, purchase_order, **kwargs):
        super().__init__(*args, **kwargs)
        self.purchase_order = purchase_order
        # One list of bins for every line: the page runs the same queries whatever its length.
        bins = [("", Bin.DEFAULT_CODE)] + [
            (str(bin.pk), bin.code)
            for bin in Bin.objects.filter(warehouse=purchase_order.warehouse, is_active=True).exclude(
                code=Bin.DEFAULT_CODE
            )
        ]
        self.lines = list(purchase_order.lines.select_related("variant__product"))
        for line in self.lines:
            self.fields[f"quantity_{line.pk}"] = forms.IntegerField(
                label=_("Received"), min_value=0, max_value=MAX_UNITS, initial=0, required=False
            )
            self.fields[f"bin_{line.pk}"] = forms.TypedChoiceField(
                label=_("Bin"), choices=bins, coerce=int, empty_value=None, required=False
            )
            if line.variant.tracks_lots:
                self.fields[f"lot_{line.pk}"] = forms.CharField(label=_("Lot"), max_length=40, required=False)
                self.fields[f"expires_{line.pk}"] = forms.DateField(
                    label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
                )

    def rows(self):
        """Each purchase order line with its fields, for the template."""
        for line in self.lines:
            yield line, [self[name] for name in self.fields if name.endswith(f"_{line.pk}")]


class CountOpenForm(forms.Form):
    warehouse = forms.ModelChoiceField(
        label=pgettext_lazy("place", "Warehouse"), queryset=Warehouse.objects.order_by("code")
    )
    bin_code = forms.CharField(label=_("Only this bin"), required=False, max_length=20)


class CountLineForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    bin_code = forms.CharField(label=_("Bin"), max_length=20, initial=Bin.DEFAULT_CODE)
    lot_code = forms.CharField(label=_("Lot"), max_length=40, required=False)
    counted = forms.IntegerField(label=_("Counted"), min_value=0, max_value=MAX_UNITS)


class CountFileForm(forms.Form):
    file = forms.FileField(label=_("CSV file (sku, bin, lot, counted)"))


def _sku_lines(text: str) -> list[tuple[str, int]]:
    """`SKU quantity` per line, as staff type them. Raises ValidationError naming the line."""
    parsed = []
    for number, row in enumerate(text.splitlines(), start=1):
        if not row.strip():
            continue
        sku, _space, quantity = row.strip().rpartition(" ")
        if not (
            sku.strip() and quantity.isdecimal() and len(quantity) <= 7 and 1 <= int(quantity) <= MAX_UNITS
        ):
            raise forms.ValidationError(
                _("Line %(number)s: write the SKU, a space and a whole quantity above zero.")
                % {"number": number}
            )
        parsed.append((sku.strip(), int(quantity)))
    if not parsed:
        raise forms.ValidationError(_("Add at least one item."))
    return parsed


class TransferForm(forms.Form):
    source = forms.ModelChoiceField(label=_("From"), queryset=Warehouse.objects.order_by("code"))
    destination = forms.ModelChoiceField(label=_("To"), queryset=Warehouse.objects.order_by("code"))
    lines = forms.CharField(
        label=_("Items"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "SKU-123 5"}),
        help_text=_("One per line: SKU and quantity."),
    )

    def clean_lines(self) -> list[tuple[str, int]]:
        return _sku_lines(self.cleaned_data["lines"])

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("source") == cleaned.get("destination"):
            self.add_error("destination", _("Choose another warehouse than the one it leaves."))
        return cleaned


def telesales_lines(data) -> tuple[list[tuple[str, int]], list[str]]:
    """The items of an order being taken: the `sku` and `quantity` pairs of the running
    total, and the "SKU quantity" lines a call from the recovery list starts from. Returns
    the items and what is wrong with the others, each said with its SKU."""
    lines: list[tuple[str, int]] = []
    errors: list[str] = []
    if data.get("lines", "").strip():
        try:
            lines.extend(_sku_lines(data["lines"]))
        except forms.ValidationError as error:
            errors.extend(error.messages)
    for sku, quantity in zip(data.getlist("sku"), data.getlist("quantity"), strict=False):
        sku, quantity = sku.strip()[:64], quantity.strip()
        if not sku:
            continue
        if not (quantity.isdecimal() and len(quantity) <= 7 and 1 <= int(quantity) <= MAX_UNITS):
            errors.append(_("%(sku)s: the quantity must be a whole number above zero.") % {"sku": sku})
            continue
        lines.append((sku, int(quantity)))
    return lines, errors


class TelesalesForm(CheckoutDetailsForm):
    """An order taken on the phone: the customer's details and address, the items of the
    running total, the delivery service, a voucher and Pix, boleto or a card payment link.
    `key` makes a double submit place one order."""

    delivery = forms.ChoiceField(
        label=_("Delivery"), error_messages={"required": _("Choose the delivery (type the CEP first).")}
    )
    voucher = forms.CharField(label=_("Voucher"), max_length=40, required=False)
    method = forms.ChoiceField(
        label=_("Payment"),
        choices=[
            (Payment.Method.PIX, Payment.Method.PIX.label),
            (Payment.Method.CARD, _("Card (payment link)")),
            (Payment.Method.BOLETO, Payment.Method.BOLETO.label),
        ],
        widget=forms.RadioSelect,
        initial=Payment.Method.PIX,
    )
    # The items: `sku` and `quantity` pairs the running total draws; also "SKU quantity" lines.
    lines = forms.CharField(label=_("Items"), required=False, widget=forms.HiddenInput)
    key = forms.UUIDField(widget=forms.HiddenInput)
    # The lost sale the agent called about, so the order counts as recovered by the call.
    recovery = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, pix_discount_percent=Decimal("0"), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].choices = [
            (service.code, str(service))
            for service in CarrierService.objects.filter(is_active=True).order_by("position")
        ]
        method_choices_with_pix_discount(self.fields["method"], pix_discount_percent)

    def clean_voucher(self) -> str:
        return self.cleaned_data["voucher"].strip().upper()

    def clean(self) -> dict:
        cleaned = super().clean()
        lines, errors = telesales_lines(self.data)
        for error in errors:
            self.add_error("lines", error)
        if not lines and not errors:
            self.add_error("lines", _("Add at least one item."))
        cleaned["lines"] = lines
        return cleaned


class WarehouseForm(forms.Form):
    """Which warehouse a picking or packing screen works in (the first that sells online by default)."""

    warehouse = forms.ModelChoiceField(
        label=pgettext_lazy("place", "Warehouse"),
        queryset=Warehouse.objects.order_by("-sells_online", "code"),
        to_field_name="code",
        required=False,
    )

    def chosen(self) -> Warehouse | None:
        if self.is_valid() and self.cleaned_data["warehouse"]:
            return self.cleaned_data["warehouse"]
        return self.fields["warehouse"].queryset.first()


class PickListForm(forms.Form):
    orders = forms.TypedMultipleChoiceField(
        label=_("Orders"), coerce=int, error_messages={"required": _("Choose at least one order.")}
    )

    def __init__(self, *args, order_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orders"].choices = [(order_id, order_id) for order_id in order_ids]


class PickConfirmForm(forms.Form):
    code = forms.CharField(label=_("Scan or type the SKU or EAN"), max_length=64)
    quantity = forms.IntegerField(label=_("Units taken"), min_value=1, max_value=MAX_UNITS)


class PickShortForm(forms.Form):
    found = forms.IntegerField(label=_("Units found in the bin"), min_value=0, max_value=MAX_UNITS)


class BoxSelect(forms.Select):
    """The box list, each box carrying its measures and own weight for static/js/packing.js
    to fill the parcel's fields with."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        box = getattr(value, "instance", None)
        if box is not None:
            option["attrs"].update(
                {
                    "data-length-cm": box.length_cm,
                    "data-width-cm": box.width_cm,
                    "data-height-cm": box.height_cm,
                    "data-tare-grams": box.tare_grams,
                }
            )
        return option


class PackForm(forms.Form):
    """The box being closed; the scanned codes travel with it as repeated hidden fields."""

    scan = forms.CharField(label=_("Scan or type each item's SKU or EAN"), max_length=64, required=False)
    box = forms.ModelChoiceField(
        label=_("Box"),
        queryset=Box.objects.filter(is_active=True),
        required=False,
        widget=BoxSelect(attrs={"data-box-select": ""}),
        help_text=_("Choosing a box fills in its measures and its weight with the items'."),
    )
    weight_grams = forms.IntegerField(label=_("Weight (g)"), min_value=1, max_value=30_000, required=False)
    length_cm = forms.IntegerField(label=_("Length (cm)"), min_value=1, max_value=200, required=False)
    width_cm = forms.IntegerField(label=_("Width (cm)"), min_value=1, max_value=200, required=False)
    height_cm = forms.IntegerField(label=_("Height (cm)"), min_value=1, max_value=200, required=False)

    CLOSING_FIELDS = ("box", "weight_grams", "length_cm", "width_cm", "height_cm")

    def clean(self):
        data = super().clean()
        if self.data.get("action") == "pack":
            for name in self.CLOSING_FIELDS:
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        elif not data.get("scan") and "scan" not in self.errors:
            self.add_error("scan", _("Scan an item."))
        return data


class ShipmentFilterForm(forms.Form):
    carrier = forms.ModelChoiceField(
        label=_("Service"),
        queryset=CarrierService.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *Shipment.Status.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    late = forms.BooleanField(label=_("Late or without news"), required=False)
    q = forms.CharField(label=_("Tracking code or order"), max_length=40, required=False)


class LoginLockReleaseForm(forms.Form):
    """Which lock to lift: an account (its email) or an address."""

    username = forms.CharField(required=False, max_length=255)
    ip_address = forms.GenericIPAddressField(required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        if bool(cleaned.get("username")) == bool(cleaned.get("ip_address")):
            raise forms.ValidationError(_("Choose an account or an address to unlock."))
        return cleaned


class RolePolicyForm(forms.Form):
    two_factor_roles = forms.MultipleChoiceField(
        label=_("Roles that require two-factor login"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."))
        return code


# --- Support desk ---------------------------------------------------------------------


class TicketReplyForm(forms.Form):
    """An agent's public reply (or internal note), and where the ticket goes after it."""

    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "accesskey": "r"}),
    )
    status_after = forms.ChoiceField(
        label=_("Then"),
        choices=[
            (Ticket.Status.WAITING_CUSTOMER, _("Wait for the customer")),
            (Ticket.Status.WAITING_THIRD_PARTY, _("Wait for a third party")),
            (Ticket.Status.OPEN, _("Keep open")),
            (Ticket.Status.RESOLVED, _("Resolve")),
        ],
        initial=Ticket.Status.WAITING_CUSTOMER,
    )
    macro = forms.ModelChoiceField(label=_("Macro"), queryset=Macro.objects.all(), required=False)
    files = AttachmentsField(label=_("Attachments"))


class TicketNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = AttachmentsField(label=_("Attachments"))


class TicketActionForm(forms.Form):
    """The smaller moves on a ticket: one action per post."""

    ACTIONS = {
        "assign": _("Assign"),
        "take": _("Take"),
        "status": _("Change status"),
        "update": _("Save priority and tags"),
        "merge": _("Merge into"),
        "escalate": _("Send to the ombudsman"),
        "call": _("Log call"),
        "public_answer": _("Public answer posted"),
    }

    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    assignee = forms.IntegerField(required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Ticket.Status.choices, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, required=False)
    tags = forms.CharField(
        label=_("Tags"), max_length=300, required=False, help_text=_("Separated by commas.")
    )
    into = forms.CharField(label=_("Protocol of the ticket to keep"), max_length=20, required=False)
    reason = forms.CharField(label=_("Reason or note"), max_length=MESSAGE_MAX_LENGTH, required=False)
    call_direction = forms.ChoiceField(label=_("Call"), choices=PhoneCall.Direction.choices, required=False)
    call_minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=600, required=False)
    call_outcome = forms.ChoiceField(label=_("Outcome"), choices=PhoneCall.Outcome.choices, required=False)


class TicketNewForm(forms.Form):
    """A ticket an agent opens: a phone call, an email that came another way, or a case a
    consumer-protection body or a public complaint site brought (ombudsman only)."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            (Channel.PHONE, Channel.PHONE.label),
            (Channel.EMAIL, Channel.EMAIL.label),
            (Channel.SOCIAL, Channel.SOCIAL.label),
            (Channel.CONSUMER_BODY, Channel.CONSUMER_BODY.label),
        ],
    )
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=TicketQueue.objects.none())
    name = forms.CharField(label=_("Customer name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    order_number = forms.CharField(label=_("Order number"), max_length=20, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("What the customer says"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    call_direction = forms.ChoiceField(
        label=_("Call"),
        choices=PhoneCall.Direction.choices,
        initial=PhoneCall.Direction.INBOUND,
        required=False,
    )
    call_minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=600, required=False)
    call_outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=PhoneCall.Outcome.choices,
        initial=PhoneCall.Outcome.FOLLOW_UP,
        required=False,
    )
    external_reference = forms.CharField(
        label=_("Reference at the body or site"),
        max_length=60,
        required=False,
        help_text=_("Procon, consumidor.gov.br or a complaint site."),
    )
    external_deadline = forms.DateTimeField(
        label=_("Deadline the body set"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, queues=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = TicketQueue.objects.filter(pk__in=[queue.pk for queue in queues])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("email") or data.get("phone")):
            self.add_error("email", _("Give an email or a phone to answer the customer on."))
        queue = data.get("queue")
        if data.get("channel") == Channel.CONSUMER_BODY and queue is not None and not queue.is_ombudsman:
            self.add_error("queue", _("Cases from consumer-protection bodies go to the ombudsman."))
        return data


class RecoveryCallForm(forms.Form):
    """How a recovery call went; an order placed on the call is counted by the telesales form."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            choice
            for choice in RecoveryCall.Outcome.choices
            if choice[0] != RecoveryCall.Outcome.ORDER_PLACED
        ],
        widget=forms.RadioSelect,
    )
    call_back_at = forms.DateTimeField(
        label=_("Call back at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("outcome") == RecoveryCall.Outcome.CALL_BACK and not data.get("call_back_at"):
            self.add_error("call_back_at", _("Say when to call back."))
        elif data.get("call_back_at") and data["call_back_at"] <= timezone.now():
            self.add_error("call_back_at", _("Choose a time in the future."))
        return data


class RecoveryReportForm(forms.Form):
    DEFAULT_DAYS = 30

    days = forms.TypedChoiceField(
        label=_("Lost in the last"),
        coerce=int,
        choices=[(7, _("7 days")), (30, _("30 days")), (90, _("90 days"))],
        initial=DEFAULT_DAYS,
    )


class AccessLogFilterForm(forms.Form):
    """The filters of the personal data access log; a bad value is left out, never an error page."""

    staff = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Anyone"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    customer = forms.CharField(
        label=_("Customer (email, CPF, phone or name)"), required=False, max_length=100
    )
    since = forms.DateField(label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_queryset
        self.fields["staff"].label_from_instance = lambda user: f"{user.full_name} ({user.email})"

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end of the period comes before its start."))
        return data


class MarketingConsentForm(forms.Form):
    """A customer on the phone gives or withdraws consent to marketing on a channel."""

    ACTIONS = {"give": _("Allow"), "withdraw": _("Withdraw")}

    channel = forms.ChoiceField(choices=MarketingConsent.Channel.choices)
    action = forms.ChoiceField(choices=list(ACTIONS.items()))
