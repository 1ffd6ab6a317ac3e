from django import forms
from django.utils.translation import gettext_lazy as _

from support.triage.models import Topic, Urgency


class TriageCorrectionForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=Topic.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
