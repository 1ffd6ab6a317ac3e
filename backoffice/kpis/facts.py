"""Facts, the São Paulo day, and histograms whose percentiles survive adding days up."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

ZERO = Decimal(0)

# Upper bounds (hours) of the buckets `histogram` sorts durations into; the last one is open.
HOURS_BUCKETS: tuple[Decimal, ...] = tuple(
    Decimal(bound)
    for bound in (
        "0.25", "0.5", "1", "2", "3", "4", "6", "8", "12", "16", "24", "36", "48", "72", "96", "120",
        "144", "168", "240", "336", "504", "720",
    )
)  # fmt: skip
OPEN_BUCKET = "inf"
GROUP_SEPARATOR = "|"
# What collectors carry from one day to the day before while many days are rebuilt.
_carried: ContextVar[dict | None] = ContextVar("kpi_carried", default=None)


@dataclass(frozen=True)
class Fact:
    """What a collector yields: `total` and `count` of `metric` for `key` on the collected day.

    A collector may yield the same (metric, key) several times; the rebuild adds them up.
    """

    metric: str
    key: str = ""
    total: Decimal = ZERO
    count: int = 0


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants a São Paulo (TIME_ZONE) day starts at and the next one starts at: filter
    with `field__gte=start, field__lt=end` so the database uses the column's index."""
    zone = timezone.get_default_timezone()  # the store's (São Paulo), whatever a request activated
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)
    return start, end


def hours_between(start: datetime, end: datetime) -> Decimal:
    return Decimal((end - start).total_seconds()) / Decimal(3600)


def facts_merge(facts: Iterable[Fact]) -> list[Fact]:
    """One fact per (metric, key), adding up repeats, in a stable order."""
    merged: dict[tuple[str, str], list] = {}
    for fact in facts:
        slot = merged.setdefault((fact.metric, fact.key), [ZERO, 0])
        slot[0] += Decimal(fact.total)
        slot[1] += int(fact.count)
    return [Fact(metric, key, total, count) for (metric, key), (total, count) in sorted(merged.items())]


def _bucket_label(bound: Decimal | None) -> str:
    return OPEN_BUCKET if bound is None else format(bound.normalize(), "f")


def histogram(
    metric: str,
    values: Iterable[Decimal | int | float],
    *,
    bounds: tuple[Decimal, ...] = HOURS_BUCKETS,
    group: str = "",
) -> list[Fact]:
    """Facts of `metric` counting `values` per bucket (key: the bucket's upper bound, "inf"
    for the open last one, prefixed by "group|" when a group is given); each fact's total is
    the sum of its values, so means can be computed as well as percentiles."""
    buckets: dict[str, list] = defaultdict(lambda: [ZERO, 0])
    for raw in values:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw))
        bound = next((bound for bound in bounds if value <= bound), None)
        label = _bucket_label(bound)
        key = f"{group}{GROUP_SEPARATOR}{label}" if group else label
        buckets[key][0] += value
        buckets[key][1] += 1
    return [Fact(metric, key, total, count) for key, (total, count) in sorted(buckets.items())]


def bucket_bound(key: str) -> Decimal | None:
    """The upper bound a histogram key stands for (None: the open bucket)."""
    label = key.rsplit(GROUP_SEPARATOR, 1)[-1]
    return None if label == OPEN_BUCKET else Decimal(label)


def percentile_from_buckets(
    counts: Mapping[str, int], q: float | Decimal, *, bounds: tuple[Decimal, ...] = HOURS_BUCKETS
) -> Decimal | None:
    """The q-th quantile (0 < q <= 1) of the values counted in histogram buckets (keys as
    `histogram` writes them, counts already summed over days), interpolated linearly inside
    its bucket, which starts at the bound before it in `bounds` (the histogram's); None when
    nothing was counted. A quantile in the open bucket is its lower bound: "at least that much"."""
    finite: dict[Decimal, int] = defaultdict(int)
    open_count = 0
    for key, count in counts.items():
        bound = bucket_bound(key)
        if bound is None:
            open_count += count
        else:
            finite[bound] += count
    total = sum(finite.values()) + open_count
    if total <= 0:
        return None
    wanted = Decimal(str(q)) * total
    seen = 0
    top = ZERO
    for bound in sorted(finite):
        count = finite[bound]
        lower = max((edge for edge in bounds if edge < bound), default=ZERO)
        if count and seen + count >= wanted:
            share = (wanted - seen) / count
            return (lower + (bound - lower) * share).quantize(Decimal("0.01"))
        seen += count
        top = bound
    return max(top, bounds[-1] if open_count else top).quantize(Decimal("0.01"))


@contextmanager
def days_carried() -> Iterator[None]:
    """Days collected within it, newest first, may carry sums from one day to the day before
    (`since_carried`)."""
    token = _carried.set({})
    try:
        yield
    finally:
        _carried.reset(token)


def _plus(first, second):
    if isinstance(first, tuple):
        return tuple(a + b for a, b in zip(first, second, strict=True))
    return first + second


def since_carried(name: str, moment: datetime, read: Callable[[datetime, datetime | None], dict]) -> dict:
    """What `read(moment, None)` returns: sums per key of the rows stamped at `moment` or later
    (a number or a tuple of numbers per key). Within `days_carried`, the sums of a later moment
    are kept under `name`, and an earlier one reads only the rows in between, `read(moment,
    later)`, and adds them: rebuilding many days newest first reads each row once, not once
    for every day before it."""
    carried = _carried.get()
    kept = carried.get(name) if carried is not None else None
    if kept and kept[0] >= moment:
        later, sums = kept
        sums = dict(sums)
        for key, value in read(moment, later).items():
            sums[key] = _plus(sums[key], value) if key in sums else value
    else:
        sums = read(moment, None)
    if carried is not None:
        carried[name] = (moment, sums)
    return sums
