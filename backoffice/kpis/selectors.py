"""Reads of the indicators: a section's figures over a range of days, compared with the
previous range of the same length, ready for the page, Chart.js and the CSV."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.kpis.dashboards import Chart, FactTable, Section
from backoffice.kpis.models import DailyFact
from backoffice.kpis.services import REBUILT_METRIC

# Days before today that are counted live when the nightly rebuild has not stored them yet.
LIVE_DAYS_BACK = 2
MAX_RANGE_DAYS = 366


class Period:
    """How long a point of a chart by day is: longer ranges add their days up by week or by
    month, so a year reads as twelve points and its page stays light."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


WEEKS_FROM_DAYS = 63  # a range longer than nine weeks goes by week,
MONTHS_FROM_DAYS = 190  # and one longer than about six months by month.


def kpi_period_for(days: int) -> str:
    if days > MONTHS_FROM_DAYS:
        return Period.MONTH
    if days > WEEKS_FROM_DAYS:
        return Period.WEEK
    return Period.DAY


@dataclass(frozen=True)
class Figure:
    value: Decimal | None
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        """Relative change in percent (None when there is nothing to compare with)."""
        if self.value is None or not self.previous:
            return None
        return ((self.value - self.previous) * 100 / abs(self.previous)).quantize(Decimal("0.1"))

    @property
    def difference(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class Row:
    key: str  # the period's first day in ISO format, or the chart's key
    label: str
    figures: tuple[Figure, ...]  # one per series
    day: date | None = None  # charts by day: the first day of the row's period


@dataclass(frozen=True)
class ChartReport:
    chart: Chart
    rows: tuple[Row, ...]
    total: Row | None  # the whole range (charts by day)
    period: str = Period.DAY  # what a row of a chart by day adds up

    @property
    def series_labels(self) -> list[str]:
        return [str(series.label) for series in self.chart.series]

    def chart_data(self) -> dict:
        """What static/js/kpis.js draws (through json_script)."""
        datasets = []
        for index, series in enumerate(self.chart.series):
            datasets.append(
                {"label": str(series.label), "data": [_number(row.figures[index].value) for row in self.rows]}
            )
        for index, series in enumerate(self.chart.series):
            datasets.append(
                {
                    "label": _("%(series)s (previous period)") % {"series": series.label},
                    "data": [_number(row.figures[index].previous) for row in self.rows],
                    "previous": True,
                }
            )
        return {
            "type": self.chart.kind,
            "unit": self.chart.unit,
            "by": self.chart.by,
            "period": self.period,
            "labels": [row.key if self.chart.by == "day" else row.label for row in self.rows],
            "datasets": datasets,
        }


@dataclass(frozen=True)
class SectionReport:
    section: Section
    start: date
    end: date
    previous_start: date
    previous_end: date
    charts: tuple[ChartReport, ...]
    period: str = Period.DAY


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def kpi_range_default(*, today: date | None = None) -> tuple[date, date]:
    """The last 30 São Paulo days, today included."""
    today = today or timezone.localdate()
    return today - timedelta(days=29), today


def kpi_previous_range(start: date, end: date) -> tuple[date, date]:
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def kpi_fact_table(
    *, section: Section, first: date, last: date, today: date | None = None, split: date | None = None
) -> FactTable:
    """The section's facts from `first` to `last`: stored ones, with today (and recent days
    the nightly rebuild has not stored yet) counted live by the section's collector.

    Metrics that only charts by key read are added up by the database, per period (before
    and from `split`, the current period's first day), and filed under each period's first
    day: a year of a hundred suppliers is then two hundred rows, not seventy thousand. Two
    queries plus the collector's for each live day."""
    from backoffice.kpis.services import section_facts_collect

    today = today or timezone.localdate()
    split = split or first
    table = FactTable()
    rebuilt_metric = f"{section.slug}.{REBUILT_METRIC}"
    daily = {metric for chart in section.charts if chart.by == "day" for metric in chart.metrics()}
    summed = section.metrics() - daily
    stored = DailyFact.objects.filter(day__gte=first, day__lte=min(last, today)).exclude(day=today)
    rebuilt_days = set()
    rows = table.rows
    # Stored rows are unique per (day, metric, key): set, no need to add up.
    by_day = stored.filter(metric__in=daily | {rebuilt_metric}).values_list(
        "day", "metric", "key", "total", "count"
    )
    for day, metric, key, total, count in by_day:
        if metric == rebuilt_metric:
            rebuilt_days.add(day)
        else:
            rows[metric][day][key] = [total, count]
    if summed:
        periods = (
            stored.filter(metric__in=summed)
            .annotate(current=Case(When(day__gte=split, then=Value(True)), default=Value(False)))
            .values_list("metric", "key", "current")
            .annotate(total=Sum("total"), count=Sum("count"))
            .order_by()
        )
        for metric, key, current, total, count in periods:
            table.add(split if current else first, metric, key, total, count)
    live_days = [
        today - timedelta(days=back)
        for back in range(LIVE_DAYS_BACK, -1, -1)
        if first <= today - timedelta(days=back) <= last
    ]
    for day in live_days:
        if day == today or day not in rebuilt_days:
            table.add_facts(day, section_facts_collect(section=section, day=day))
    return table


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def _periods(
    current: list[date], previous: list[date], period: str
) -> list[tuple[date, frozenset, frozenset]]:
    """The current range's days grouped by `period` (weeks start on Monday, months on the 1st),
    each with the previous range's days in the same places: (first day, days, days before)."""
    groups: dict[date, tuple[list[date], list[date]]] = {}
    for day, before in zip(current, previous, strict=True):
        if period == Period.WEEK:
            start = day - timedelta(days=day.weekday())
        elif period == Period.MONTH:
            start = day.replace(day=1)
        else:
            start = day
        days, befores = groups.setdefault(start, ([], []))
        days.append(day)
        befores.append(before)
    return [(days[0], frozenset(days), frozenset(befores)) for days, befores in groups.values()]


def _chart_report(
    chart: Chart, table: FactTable, current: list[date], previous: list[date], period: str
) -> ChartReport:
    current_days, previous_days = frozenset(current), frozenset(previous)
    if chart.by == "day":
        rows = tuple(
            Row(
                key=first.isoformat(),
                label=first.isoformat(),
                day=first,
                figures=tuple(
                    Figure(
                        series.measure.value(table, days, None),
                        series.measure.value(table, befores, None),
                    )
                    for series in chart.series
                ),
            )
            for first, days, befores in _periods(current, previous, period)
        )
        total = Row(
            key="",
            label=_("Whole period"),
            figures=tuple(
                Figure(
                    series.measure.value(table, current_days, None),
                    series.measure.value(table, previous_days, None),
                )
                for series in chart.series
            ),
        )
        return ChartReport(chart=chart, rows=rows, total=total, period=period)
    first_measure = chart.series[0].measure
    key_metric = chart.key_metric or first_measure.key_metric()
    keys = table.keys(key_metric, grouped=first_measure.grouped)
    if isinstance(chart.key_labels, dict):
        keys |= set(chart.key_labels)
    rows = [
        Row(
            key=key,
            label=chart.label_for(key),
            figures=tuple(
                Figure(
                    series.measure.value(table, current_days, key),
                    series.measure.value(table, previous_days, key),
                )
                for series in chart.series
            ),
        )
        for key in keys
    ]
    if isinstance(chart.key_labels, dict):
        order = {key: index for index, key in enumerate(chart.key_labels)}
        rows.sort(key=lambda row: (order.get(row.key, len(order)), row.label))
    else:
        rows.sort(key=lambda row: (-(row.figures[0].value or 0), row.label))
    if chart.top:
        rows.sort(key=lambda row: -(row.figures[0].value or 0))
        rows = rows[: chart.top]
    return ChartReport(chart=chart, rows=tuple(rows), total=None)


def kpi_section_report(
    *, section: Section, start: date, end: date, today: date | None = None
) -> SectionReport:
    """Every chart of `section` from `start` to `end` with the previous period beside it;
    charts by day add their days up by week or month over long ranges (`kpi_period_for`)."""
    previous_start, previous_end = kpi_previous_range(start, end)
    table = kpi_fact_table(section=section, first=previous_start, last=end, today=today, split=start)
    current, previous = _days(start, end), _days(previous_start, previous_end)
    period = kpi_period_for(len(current))
    return SectionReport(
        section=section,
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        charts=tuple(_chart_report(chart, table, current, previous, period) for chart in section.charts),
        period=period,
    )
