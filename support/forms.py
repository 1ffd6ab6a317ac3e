from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from support.exceptions import AttachmentRefused
from support.services.attachments import MAX_FILES, IncomingFile, attachments_check

MESSAGE_MAX_LENGTH = 10_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _attachments_help() -> str:
    # Built when shown, in the visitor's language and with the limit set now.
    return gettext("Up to %(count)d pictures or PDFs, %(size)s each.") % {
        "count": MAX_FILES,
        "size": filesizeformat(settings.STORE_SUPPORT_ATTACHMENT_MAX_BYTES),
    }


class AttachmentsField(forms.FileField):
    """Up to MAX_FILES pictures or PDFs, each checked by its content, returned as IncomingFile."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", lazy(_attachments_help, str)())
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list[IncomingFile]:
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        files = [IncomingFile(name=upload.name, content=upload.read()) for upload in uploads]
        try:
            attachments_check(files)
        except AttachmentRefused as refused:
            raise ValidationError(refused.message, code=refused.code) from refused
        return files


class ContactForm(forms.Form):
    """A message to the store from the Help page: signed-in customers pick one of their
    orders; guests say who they are."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    order = forms.ChoiceField(label=_("Order"), required=False)
    order_number = forms.CharField(
        label=_("Order number"), max_length=20, required=False, help_text=_("If it is about an order.")
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    files = AttachmentsField(label=_("Attachments"))

    def __init__(self, *args, customer=None, orders=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if customer is not None:
            del self.fields["name"], self.fields["email"], self.fields["order_number"]
            self.fields["order"].choices = [
                ("", _("Not about an order")),
                *[(number, number) for number in orders],
            ]
        else:
            del self.fields["order"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_order_number(self) -> str:
        return self.cleaned_data["order_number"].strip().upper()


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = AttachmentsField(label=_("Attachments"))


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the answer not enough?"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


CHAT_MESSAGE_MAX_LENGTH = 2000


class ChatStartForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Email"), max_length=254, help_text=_("If we cannot answer now, the answer goes here.")
    )
    body = forms.CharField(
        label=_("Message"), max_length=CHAT_MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChatSayForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=CHAT_MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
