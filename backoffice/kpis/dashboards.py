"""How a section declares its dashboard: charts of series, each series a measure computed
from the facts added up over the days asked for (see the package docstring)."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise

from backoffice.kpis.facts import GROUP_SEPARATOR, ZERO, Fact, percentile_from_buckets

CENT = Decimal("0.01")


class FactTable:
    """Facts of some metrics over some days, added up on request.

    `rows[metric][day][key] = [total, count]`: a figure of one day reads that day only, so a
    year's dashboard stays quick.
    """

    def __init__(self) -> None:
        self.rows: dict[str, dict[date, dict[str, list]]] = defaultdict(lambda: defaultdict(dict))

    def add(self, day: date, metric: str, key: str, total: Decimal, count: int) -> None:
        slot = self.rows[metric][day].setdefault(key, [ZERO, 0])
        slot[0] += Decimal(total)
        slot[1] += int(count)

    def add_facts(self, day: date, facts: Iterable[Fact]) -> None:
        for fact in facts:
            self.add(day, fact.metric, fact.key, fact.total, fact.count)

    def get(self, metric: str, day: date, key: str = "") -> tuple[Decimal, int] | None:
        """One fact's (total, count), or None."""
        slot = self.rows.get(metric, {}).get(day, {}).get(key)
        return None if slot is None else (slot[0], slot[1])

    def select(self, metric: str, days: frozenset[date], key: str | None, *, grouped: bool = False):
        """(key, total, count) of `metric` on `days`; `key` None takes every key. With
        `grouped`, `key` is a histogram group and matches "key|bucket"."""
        by_day = self.rows.get(metric)
        if not by_day:
            return
        prefix = f"{key}{GROUP_SEPARATOR}" if grouped and key is not None else None
        for day in days if len(days) < len(by_day) else by_day:
            keyed = by_day.get(day)
            if not keyed or day not in days:
                continue
            if prefix is not None:
                for fact_key, (total, count) in keyed.items():
                    if fact_key.startswith(prefix):
                        yield fact_key, total, count
            elif key is not None:
                if key in keyed:
                    total, count = keyed[key]
                    yield key, total, count
            else:
                for fact_key, (total, count) in keyed.items():
                    yield fact_key, total, count

    def keys(self, metric: str, *, grouped: bool = False) -> set[str]:
        found = {fact_key for keyed in self.rows.get(metric, {}).values() for fact_key in keyed}
        if grouped:
            found = {
                fact_key.rsplit(GROUP_SEPARATOR, 1)[0] for fact_key in found if GROUP_SEPARATOR in fact_key
            }
        return found


class Measure:
    """A figure computed from a FactTable over some days, for one key (the chart's row) or
    all keys. `key` fixed on the measure wins over the row's key."""

    grouped = False

    def metrics(self) -> set[str]:
        raise NotImplementedError

    def key_metric(self) -> str:
        """The metric whose keys are a by-key chart's rows."""
        return self.metric

    def value(self, table: FactTable, days: frozenset[date], key: str | None) -> Decimal | None:
        raise NotImplementedError


@dataclass(frozen=True)
class Total(Measure):
    """Sum of the facts' totals (revenue, units)."""

    metric: str
    key: str | None = None

    def metrics(self) -> set[str]:
        return {self.metric}

    def value(self, table, days, key):
        wanted = self.key if self.key is not None else key
        return sum((total for _k, total, _c in table.select(self.metric, days, wanted)), ZERO).quantize(CENT)


@dataclass(frozen=True)
class Count(Measure):
    """Sum of the facts' counts (orders, payments)."""

    metric: str
    key: str | None = None

    def metrics(self) -> set[str]:
        return {self.metric}

    def value(self, table, days, key):
        wanted = self.key if self.key is not None else key
        return Decimal(sum(count for _k, _t, count in table.select(self.metric, days, wanted)))


@dataclass(frozen=True)
class Mean(Measure):
    """Total over count of one metric (average ticket); None when nothing was counted."""

    metric: str
    key: str | None = None

    def metrics(self) -> set[str]:
        return {self.metric}

    def value(self, table, days, key):
        wanted = self.key if self.key is not None else key
        total, count = ZERO, 0
        for _k, fact_total, fact_count in table.select(self.metric, days, wanted):
            total += fact_total
            count += fact_count
        return (total / count).quantize(CENT) if count else None


@dataclass(frozen=True)
class Ratio(Measure):
    """numerator / denominator * scale (100: a percentage); None when the denominator is 0."""

    numerator: Measure
    denominator: Measure
    scale: int = 100

    def metrics(self) -> set[str]:
        return self.numerator.metrics() | self.denominator.metrics()

    def key_metric(self) -> str:
        return self.numerator.key_metric()

    def value(self, table, days, key):
        numerator = self.numerator.value(table, days, key)
        denominator = self.denominator.value(table, days, key)
        if not denominator or numerator is None:
            return None
        return (numerator * self.scale / denominator).quantize(CENT)


@dataclass(frozen=True)
class Percentile(Measure):
    """The q-th quantile (0.5: median) of a histogram metric written with `facts.histogram`;
    in a chart by key, the key is the histogram's group."""

    metric: str
    q: float
    grouped = True

    def metrics(self) -> set[str]:
        return {self.metric}

    def value(self, table, days, key):
        counts: dict[str, int] = defaultdict(int)
        for fact_key, _total, count in table.select(self.metric, days, key, grouped=key is not None):
            counts[fact_key] += count
        return percentile_from_buckets(counts, self.q)


class Unit:
    """How figures are shown (server and Chart.js use the same names)."""

    BRL = "brl"
    COUNT = "count"
    PERCENT = "percent"
    HOURS = "hours"
    NUMBER = "number"


@dataclass(frozen=True)
class Series:
    label: Promise | str
    measure: Measure


@dataclass(frozen=True)
class Chart:
    """One chart with its table and CSV.

    by="day": one row per day of the range (a line or bars over time), compared day by day
    with the previous period, plus a row for the whole range. by="key": one row per key of
    `key_metric` (or the first series' metric, a ratio's numerator's), figures over the
    whole range, compared with the previous period; `key_labels` names the keys (a mapping
    or a function), `top` keeps the rows with the highest first figure.
    """

    slug: str
    title: Promise | str
    series: tuple[Series, ...]
    unit: str = Unit.COUNT
    by: str = "day"
    kind: str = "line"  # "line" or "bar"
    key_metric: str = ""
    key_labels: Mapping[str, Promise | str] | Callable[[str], str] | None = None
    top: int | None = None
    higher_is_better: bool = True
    help_text: Promise | str = ""

    def metrics(self) -> set[str]:
        found: set[str] = set()
        for series in self.series:
            found |= series.measure.metrics()
        return found

    def label_for(self, key: str) -> str:
        if self.key_labels is None:
            return key or "—"
        if callable(self.key_labels):
            return str(self.key_labels(key))
        return str(self.key_labels.get(key, key or "—"))


@dataclass(frozen=True)
class Section:
    """A dashboard: what `collect(day)` counts for one day, and the charts that show it.

    Every metric `collect` yields starts with "<slug>." (the rebuild replaces a section's
    facts by that prefix).
    """

    slug: str
    title: Promise | str
    description: Promise | str
    collect: Callable[[date], Iterable[Fact]]
    charts: tuple[Chart, ...]
    order: int = 100
    icon: str = "graph-up"
    notes: tuple[Promise | str, ...] = field(default_factory=tuple)

    def metrics(self) -> set[str]:
        found: set[str] = set()
        for chart in self.charts:
            found |= chart.metrics()
        return found
