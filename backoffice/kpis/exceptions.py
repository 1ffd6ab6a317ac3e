from datetime import date

from django.utils.translation import gettext as _

from core.exceptions import DomainError


class KpiDayInFuture(DomainError):
    code = "kpi_day_in_future"

    def __init__(self, *, day: date) -> None:
        super().__init__(
            _("%(day)s has not happened yet: there is nothing to count.") % {"day": day.isoformat()}
        )


class KpiMetricOutsideSection(DomainError):
    code = "kpi_metric_outside_section"

    def __init__(self, *, section: str, metrics: list[str]) -> None:
        super().__init__(
            _("The %(section)s indicators wrote metrics outside their section: %(metrics)s.")
            % {"section": section, "metrics": ", ".join(metrics)}
        )
