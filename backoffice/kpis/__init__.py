"""Indicator dashboards (`/backoffice/kpis/`) fed by daily facts.

How it works
------------
Each São Paulo day, every *section* counts its figures as `Fact(metric, key, total, count)`
(backoffice/kpis/facts.py). `services.kpi_day_rebuild(day=...)` stores them as `DailyFact`
rows, replacing that day's rows of each section in one transaction (idempotent). The beat
task `kpis.kpi_refresh` rebuilds the last 7 days every night; `manage.py kpi_rebuild --from
YYYY-MM-DD --to YYYY-MM-DD [--dry-run]` rebuilds any range. Dashboards add the stored rows up
over the range asked for and count today (and the last two days if not yet rebuilt) live
with the same collector, so they are up to date.

Writing a section (the contract)
--------------------------------
Add one module to `backoffice/kpis/sections/` (e.g. `operations.py`) defining `SECTION`; it
is found by itself (no list to edit). Template::

    from datetime import date
    from collections.abc import Iterable
    from django.utils.translation import gettext_lazy as _
    from backoffice.kpis.dashboards import Chart, Count, Mean, Percentile, Ratio, Section, Series, Total, Unit
    from backoffice.kpis.facts import Fact, day_bounds, histogram, hours_between

    def collect_operations(day: date) -> Iterable[Fact]:
        start, end = day_bounds(day)  # aware instants: filter field__gte=start, field__lt=end
        shipped = Shipment.objects.filter(shipped_at__gte=start, shipped_at__lt=end)  # an indexed column!
        yield Fact("operations.shipped", "", total=0, count=shipped.count())
        for row in shipped.values("carrier__code").annotate(n=Count("pk")):
            yield Fact("operations.shipped_by_carrier", row["carrier__code"], count=row["n"])
        # Percentiles: a histogram (buckets of hours); p50/p90 come from the summed buckets.
        yield from histogram("operations.lead_time_hours", (hours_between(a, b) for a, b in pairs))
        # ... by a dimension: histogram(metric, values, group="correios") -> keys "correios|24"

    SECTION = Section(
        slug="operations",            # URL /backoffice/kpis/operations/; every metric starts "operations."
        title=_("Operations"),
        description=_("..."),
        collect=collect_operations,
        order=50,                     # sales 10, payments 20, fraud 30, margin 40
        icon="truck",                 # a bootstrap-icons name
        notes=(_("Optional lines shown under the title, e.g. what is not measured yet."),),
        charts=(
            Chart(slug="lead-time", title=_("Paid to shipped (hours)"), unit=Unit.HOURS,
                  series=(Series(_("Median"), Percentile("operations.lead_time_hours", 0.5)),
                          Series(_("90th percentile"), Percentile("operations.lead_time_hours", 0.9))),
                  higher_is_better=False),
            Chart(slug="carriers", title=_("Shipped by carrier"), by="key", kind="bar",
                  series=(Series(_("Parcels"), Count("operations.shipped_by_carrier")),),
                  key_labels={"correios": _("Correios")}),   # or a function key -> label
        ),
    )

Facts: `total` is a Decimal (money, hours, units), `count` an int; repeats of a (metric,
key) are added up. A collector runs for one day, must cost the same whatever the table size
(filter a day range on an indexed datetime column), and must not write. Rates are two
facts (numerator and denominator, or total/count of one): never store a ratio or an average.

Measures (backoffice/kpis/dashboards.py), evaluated over the range's days, for the chart's
row key (by="key") or over all keys (by="day"); giving `key=` to a measure fixes it:
`Total(metric)` sum of totals; `Count(metric)` sum of counts; `Mean(metric)` total/count;
`Ratio(numerator_measure, denominator_measure, scale=100)` a percentage (None when the
denominator is 0); `Percentile(metric, q)` from `histogram` buckets (by key: the key is the
histogram's group). Helpers: `facts.percentile_from_buckets(counts_by_key, q)`,
`facts.HOURS_BUCKETS`, `facts.day_bounds`, `facts.hours_between`.

Charts: `by="day"` (a point per day, compared day by day with the previous period, and a
"whole period" row) or `by="key"` (a bar per key over the range); `unit` one of
`Unit.BRL | COUNT | PERCENT | HOURS | NUMBER` (formats axis, tooltip, table and CSV);
`kind` "line" or "bar"; `top=N` keeps the N keys with the highest first figure;
`higher_is_better=False` colours a rise red. Each chart gets a table of the same figures
beside it and a CSV (`?format=csv&chart=<slug>`, `&excel=1` for Brazilian Excel); the page
checks `kpis.view_dashboard` and reads through `core.replica.replica_reads()`.

Tests: `tests/kpis/test_collectors_<section>.py` compare each figure with a hand-computed
value; `backoffice.kpis.services.section_facts_collect(section=..., day=...)` returns a
section's facts of a day.
"""
