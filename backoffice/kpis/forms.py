from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.kpis.selectors import MAX_RANGE_DAYS, kpi_range_default


class KpiRangeForm(forms.Form):
    """The days a dashboard shows (São Paulo days, both included)."""

    # A date input takes and shows ISO dates, whatever the page's language.
    start = forms.DateField(
        label=_("From"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-control form-control-sm"}
        ),
    )
    end = forms.DateField(
        label=_("To"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-control form-control-sm"}
        ),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            today = timezone.localdate()
            if end > today:
                self.add_error("end", _("The dashboards count up to today."))
            elif start > end:
                self.add_error("start", _("The first day must not be after the last."))
            elif (end - start).days + 1 > MAX_RANGE_DAYS:
                self.add_error("start", _("Choose at most %(days)s days.") % {"days": MAX_RANGE_DAYS})
        return cleaned

    def range(self) -> tuple[date, date]:
        """The days asked for when valid, else the default (last 30 days)."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return kpi_range_default()
