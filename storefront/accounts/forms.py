from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.cep import cep_state_mismatch, format_cep, normalize_cep, validate_cep
from core.cpf import only_digits, validate_cpf
from storefront.accounts.lockout import LockoutMessageMixin
from storefront.accounts.models import STATES, User
from support.notifications.models import Notification
from support.notifications.services import notification_queue


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_confirm = forms.CharField(
        label=_("Confirm password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        password, confirmation = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirmation and password != confirmation:
            self.add_error("password_confirm", _("The two passwords do not match."))
        return cleaned


class LoginForm(LockoutMessageMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        "invalid_login": _("Email or password is incorrect."),
        "inactive": _("This account is inactive."),
    }


class NoticeChannelForm(forms.Form):
    """Order updates by email (the default) or on WhatsApp, with the customer's consent."""

    whatsapp = forms.BooleanField(
        label=_("Send my order updates on WhatsApp instead of email"), required=False
    )
    phone = forms.CharField(
        label=_("WhatsApp number"), max_length=20, required=False, help_text=_("With area code (DDD).")
    )

    def clean_phone(self) -> str:
        digits = "".join(character for character in self.cleaned_data["phone"] if character.isdigit())
        if digits and not 10 <= len(digits.removeprefix("55")) <= 11:
            raise forms.ValidationError(_("Enter a mobile number with area code, such as (11) 98765-4321."))
        return f"55{digits.removeprefix('55')}" if digits else ""

    def clean(self) -> dict:
        data = super().clean()
        if data.get("whatsapp") and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Give the number to send the updates to."))
        return data


def cep_lookup_attrs() -> dict[str, str]:
    """What a CEP field carries for static/js/cep.js to fill its form's address from the CEP."""
    return {
        "data-cep-lookup": reverse("accounts:address-lookup"),
        "data-cep-unavailable": gettext("We could not look up the CEP right now. Please type the address."),
        "autocomplete": "postal-code",
        "inputmode": "numeric",
    }


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    cpf = forms.CharField(label=_("CPF"), max_length=14, required=False, validators=[validate_cpf])
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, required=False, help_text=_("With area code (DDD).")
    )

    def clean_cpf(self) -> str:
        return only_digits(self.cleaned_data["cpf"])

    def clean_phone(self) -> str:
        digits = only_digits(self.cleaned_data["phone"])
        digits = digits.removeprefix("55") if len(digits) > 11 else digits
        if digits and (len(digits) not in (10, 11) or digits[0] == "0"):
            raise ValidationError(
                _("Enter the phone with its area code, e.g. (11) 98765-4321."), code="phone"
            )
        return digits


class AddressForm(forms.Form):
    """An address the customer keeps; the CEP fills the rest, which they may still correct."""

    label = forms.CharField(
        label=_("Name of the address"),
        max_length=40,
        required=False,
        help_text=_("For example: Home, Work."),
    )
    cep = forms.CharField(label=_("CEP"), max_length=9, validators=[validate_cep])
    street = forms.CharField(label=_("Street"), max_length=200)
    street_number = forms.CharField(label=_("Number"), max_length=20)
    complement = forms.CharField(label=_("Complement"), max_length=100, required=False)
    district = forms.CharField(label=_("District"), max_length=100)
    city = forms.CharField(label=_("City"), max_length=100)
    state = forms.ChoiceField(label=_("State"), choices=[("", "—"), *[(state, state) for state in STATES]])
    is_default = forms.BooleanField(label=_("Make this my default address"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cep"].widget.attrs.update(cep_lookup_attrs())
        if self.initial.get("cep"):
            self.initial["cep"] = format_cep(self.initial["cep"])

    def clean_cep(self) -> str:
        return normalize_cep(self.cleaned_data["cep"])

    def clean(self) -> dict:
        cleaned = super().clean()
        if mismatch := cep_state_mismatch(cleaned.get("cep"), cleaned.get("state")):
            self.add_error("cep", mismatch)
        return cleaned


class EmailChangeForm(forms.Form):
    """Another email to log in with, confirmed with the current password."""

    email = forms.EmailField(label=_("New email"), max_length=254)
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email == self.user.email:
            raise ValidationError(_("This is already your email."), code="same_email")
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not right."), code="password_incorrect")
        return password


# One reset email per account in this many minutes, however often the form is sent: the link
# of the first one keeps working meanwhile.
PASSWORD_RESET_EVERY_MINUTES = 5


class StorePasswordResetForm(PasswordResetForm):
    """Django's password reset, with the email sent (and logged) like every other message the
    store sends, in the customer's language."""

    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email: str):
        # Accounts staff opened for a sale have no password yet: the reset is how they set one.
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        user = context["user"]
        path = reverse(
            "accounts:password-reset-confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        window = int(timezone.now().timestamp() // (PASSWORD_RESET_EVERY_MINUTES * 60))
        notification_queue(
            kind=Notification.Kind.PASSWORD_RESET,
            recipient=user,
            to_address=to_email,
            dedup_key=f"password_reset:{user.pk}:{window}",
            context={
                "first_name": user.get_short_name(),
                "reset_url": f"{settings.SITE_URL}{path}",
                "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
        )


class ErasureRequestForm(forms.Form):
    """The customer asks to be erased: they confirm they understand, with their password."""

    understood = forms.BooleanField(
        label=_("I understand that my account will be closed and my personal data erased for good."),
        required=True,
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not right."), code="password_incorrect")
        return password
