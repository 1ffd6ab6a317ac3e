from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from storefront.accounts.lockout import LockoutMessageMixin


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
