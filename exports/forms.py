from django import forms
from django.utils.translation import gettext_lazy as _

from exports.cursors import Cursor, cursor_decode
from exports.datasets import DATASETS, Dataset
from exports.exceptions import InvalidCursor, InvalidDateRange
from exports.models import ExportRun


class ExportForm(forms.Form):
    """What to export: the data, the days, the format and where the last export stopped."""

    dataset = forms.ChoiceField(
        label=_("What to export"), choices=[(dataset.name, dataset.label) for dataset in DATASETS.values()]
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Up to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=ExportRun.Format.choices, initial=ExportRun.Format.CSV
    )
    dialect = forms.ChoiceField(
        label=_("CSV dialect"),
        choices=ExportRun.Dialect.choices,
        initial=ExportRun.Dialect.STANDARD,
        help_text=_("For Excel in Portuguese choose the Brazilian dialect. JSON lines ignore it."),
    )
    cursor = forms.CharField(
        label=_("Only what changed after"),
        required=False,
        max_length=200,
        help_text=_("Paste the next cursor of the last export of the same data; leave empty for everything."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", InvalidDateRange.message)
        name = cleaned.get("dataset")
        if name:
            cleaned["dataset"] = DATASETS[name]
            try:
                cleaned["start"] = cursor_decode(dataset=cleaned["dataset"], text=cleaned.get("cursor", ""))
            except InvalidCursor as error:
                self.add_error("cursor", error.message)
        return cleaned

    @property
    def chosen_dataset(self) -> Dataset:
        return self.cleaned_data["dataset"]

    @property
    def start(self) -> Cursor | None:
        return self.cleaned_data.get("start")
