"""The dashboards' figures as CSV, the same the tables show."""

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from backoffice.kpis.selectors import SectionReport


def _number(value: Decimal | None, *, decimal_comma: bool) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    return text.replace(".", ",") if decimal_comma else text


def kpi_report_csv(report: SectionReport, *, chart: str | None = None, excel: bool = False) -> str:
    """One row per chart row and series: the figure, the previous period's and the change.
    `excel` writes what Brazilian Excel opens as it is (byte order mark, semicolons, decimal
    commas)."""
    stream = io.StringIO()
    if excel:
        stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";" if excel else ",")
    writer.writerow(
        [_("Chart"), _("Row"), _("Series"), _("Unit"), _("Value"), _("Previous period"), _("Change (%)")]
    )
    for chart_report in report.charts:
        if chart and chart_report.chart.slug != chart:
            continue
        rows = [*chart_report.rows, *([chart_report.total] if chart_report.total else [])]
        for row in rows:
            for series, figure in zip(chart_report.chart.series, row.figures, strict=True):
                writer.writerow(
                    [
                        chart_report.chart.title,
                        row.label,
                        series.label,
                        chart_report.chart.unit,
                        _number(figure.value, decimal_comma=excel),
                        _number(figure.previous, decimal_comma=excel),
                        _number(figure.change, decimal_comma=excel),
                    ]
                )
    return stream.getvalue()
