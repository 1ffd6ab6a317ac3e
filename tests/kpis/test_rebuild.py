"""Daily facts: histograms and percentiles, the idempotent day rebuild, the command, the
nightly task, and today's figures counted live."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from backoffice.kpis.dashboards import Chart, Count, Section, Series
from backoffice.kpis.exceptions import KpiDayInFuture, KpiMetricOutsideSection
from backoffice.kpis.facts import (
    Fact,
    day_bounds,
    days_carried,
    facts_merge,
    histogram,
    percentile_from_buckets,
    since_carried,
)
from backoffice.kpis.models import DailyFact
from backoffice.kpis.sections.sales import SECTION as SALES
from backoffice.kpis.selectors import kpi_fact_table
from backoffice.kpis.services import kpi_day_rebuild
from backoffice.kpis.tasks import REFRESH_DAYS, kpi_refresh
from core.periodic_jobs import PERIODIC_JOB_LABELS
from orders.models import Order, Payment
from tests.kpis.orders_seed import DAY, at, order, payment

pytestmark = pytest.mark.django_db


def stored(day: date = DAY) -> list[tuple]:
    return list(
        DailyFact.objects.filter(day=day)
        .order_by("metric", "key")
        .values_list("metric", "key", "total", "count")
    )


def sale(placed_at, items="100.00"):
    row = order(placed_at=placed_at, items=items, lines=((items, 1, "10.00"),))
    payment(row, method=Payment.Method.CARD, status=Payment.Status.PAID, created_at=placed_at)
    return row


# Facts and percentiles


def test_a_sao_paulo_day_runs_from_its_midnight_to_the_next():
    start, end = day_bounds(date(2026, 11, 10))
    assert start.isoformat() == "2026-11-10T00:00:00-03:00"
    assert end - start == timedelta(days=1)


def test_repeated_facts_add_up():
    merged = facts_merge([Fact("s.a", "x", Decimal(1), 1), Fact("s.a", "x", Decimal("2.5"), 2), Fact("s.b")])
    assert merged == [Fact("s.a", "x", Decimal("3.5"), 3), Fact("s.b", "", Decimal(0), 0)]


def test_histogram_counts_values_in_the_bucket_of_their_upper_bound():
    facts = histogram("s.h", [Decimal("0.2"), Decimal("1"), Decimal("1.5"), 1000], group="pix")
    assert {fact.key: (fact.total, fact.count) for fact in facts} == {
        "pix|0.25": (Decimal("0.2"), 1),
        "pix|1": (Decimal(1), 1),
        "pix|2": (Decimal("1.5"), 1),
        "pix|inf": (Decimal(1000), 1),
    }


def test_percentiles_come_from_buckets_summed_over_days():
    # ten values in the 2-3 h bucket over two days, ten in the 3-4 h one
    counts = {"3": 4 + 6, "4": 10}
    assert percentile_from_buckets(counts, 0.5) == Decimal("3.00")
    assert percentile_from_buckets(counts, 0.25) == Decimal("2.50")
    assert percentile_from_buckets(counts, 0.9) == Decimal("3.80")


def test_a_percentile_in_the_open_bucket_is_at_least_the_last_bound():
    assert percentile_from_buckets({"1": 1, "inf": 9}, 0.9) == Decimal("720.00")
    assert percentile_from_buckets({}, 0.5) is None


# The rebuild


def test_sums_since_a_moment_carry_to_the_day_before_only_within_a_range_rebuild():
    # given rows stamped at hours, summed per key from a moment on
    rows = [(1, "a", 1), (5, "a", 2), (9, "b", 4), (12, "a", 8)]
    reads = []

    def read(start, end):
        reads.append((start, end))
        sums = {}
        for hour, key, units in rows:
            if hour >= start and (end is None or hour < end):
                sums[key] = sums.get(key, 0) + units
        return sums

    # when the moments are asked newest first within a range rebuild
    with days_carried():
        late, early = since_carried("t", 9, read), since_carried("t", 2, read)
    # then the earlier one reads only the rows in between, and the sums are those of a full read
    assert (late, early) == ({"b": 4, "a": 8}, {"a": 10, "b": 4})
    assert reads == [(9, None), (2, 9)]
    # and outside a rebuild every moment reads to now
    reads.clear()
    assert since_carried("t", 2, read) == {"a": 10, "b": 4}
    assert reads == [(2, None)]


def test_rebuilding_a_day_twice_leaves_the_same_rows():
    sale(at(DAY, 10))
    sale(at(DAY, 11), items="50.00")
    kpi_day_rebuild(day=DAY, sections=[SALES])
    first = stored()
    kpi_day_rebuild(day=DAY, sections=[SALES])
    assert stored() == first
    assert ("sales.revenue", "", Decimal("190.0000"), 2) in first  # with shipping
    assert ("sales.rebuilt", "", Decimal("0.0000"), 1) in first


def test_a_rebuild_replaces_what_changed_and_drops_what_is_gone():
    cancelled = sale(at(DAY, 10))
    kpi_day_rebuild(day=DAY, sections=[SALES])
    Order.objects.filter(pk=cancelled.pk).update(status=Order.Status.CANCELLED)
    kpi_day_rebuild(day=DAY, sections=[SALES])
    metrics = {metric for metric, *_rest in stored()}
    assert "sales.revenue" not in metrics
    assert "sales.rebuilt" in metrics


def test_a_section_rebuild_keeps_the_other_sections_facts():
    DailyFact.objects.create(day=DAY, metric="payments.refunds", key="", total=5, count=1)
    kpi_day_rebuild(day=DAY, sections=[SALES])
    assert DailyFact.objects.filter(day=DAY, metric="payments.refunds").exists()


def test_a_day_to_come_is_refused():
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(KpiDayInFuture):
        kpi_day_rebuild(day=tomorrow)
    assert not DailyFact.objects.exists()


def test_a_dry_run_stores_nothing():
    sale(at(DAY, 10))
    assert kpi_day_rebuild(day=DAY, sections=[SALES], dry_run=True) > 0
    assert not DailyFact.objects.exists()


def test_a_collector_writing_outside_its_section_is_refused_and_changes_nothing():
    DailyFact.objects.create(day=DAY, metric="bad.kept", key="", total=1, count=1)
    section = Section(
        slug="bad",
        title="Bad",
        description="",
        collect=lambda day: [Fact("bad.kept"), Fact("sales.revenue")],
        charts=(Chart(slug="c", title="c", series=(Series("s", Count("bad.kept")),)),),
    )
    with pytest.raises(KpiMetricOutsideSection):
        kpi_day_rebuild(day=DAY, sections=[section])
    assert stored() == [("bad.kept", "", Decimal("1.0000"), 1)]


def test_every_section_rebuilds_an_empty_day():
    assert kpi_day_rebuild(day=DAY) > 0


# The command and the nightly task


def test_the_command_rebuilds_each_day_of_the_range_with_a_progress_bar():
    sale(at(DAY, 10))
    out, err = StringIO(), StringIO()
    call_command("kpi_rebuild", "--from", "2026-11-09", "--to", "2026-11-10", stdout=out, stderr=err)
    assert "Recalculados 2 dias" in out.getvalue()
    assert "2/2" in err.getvalue()
    assert DailyFact.objects.filter(day=DAY, metric="sales.revenue").get().count == 1
    assert DailyFact.objects.filter(day=DAY - timedelta(days=1), metric="sales.rebuilt").exists()


def test_the_command_in_dry_run_stores_nothing():
    out = StringIO()
    call_command(
        "kpi_rebuild",
        "--from",
        "2026-11-10",
        "--to",
        "2026-11-10",
        "--dry-run",
        stdout=out,
        stderr=StringIO(),
    )
    assert "Simulação, nada gravado." in out.getvalue()
    assert not DailyFact.objects.exists()


@pytest.mark.parametrize(
    ("first", "last"),
    [("2026-11-31", "2026-12-01"), ("2026-11-10", "2026-11-09"), ("2026-11-10", "2999-01-01")],
)
def test_the_command_refuses_bad_ranges(first, last):
    with pytest.raises(CommandError):
        call_command("kpi_rebuild", "--from", first, "--to", last, stdout=StringIO(), stderr=StringIO())
    assert not DailyFact.objects.exists()


def test_the_nightly_task_rebuilds_the_last_week_but_not_today():
    kpi_refresh()
    today = timezone.localdate()
    days = set(DailyFact.objects.filter(metric="sales.rebuilt").values_list("day", flat=True))
    assert days == {today - timedelta(days=back) for back in range(1, REFRESH_DAYS + 1)}


def test_the_nightly_task_is_scheduled_and_named_for_staff():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "kpis.kpi_refresh" in tasks
    assert "kpis.kpi_refresh" in PERIODIC_JOB_LABELS


# Stored days and live ones


def test_today_is_counted_live_and_a_stale_stored_today_is_ignored():
    today = timezone.localdate()
    midnight, _end = day_bounds(today)
    sale(midnight + (timezone.now() - midnight) / 2)  # earlier today, São Paulo time
    DailyFact.objects.create(day=today, metric="sales.revenue", key="", total=999, count=9)
    table = kpi_fact_table(section=SALES, first=today, last=today, today=today)
    assert [
        (total, count) for _key, total, count in table.select("sales.revenue", frozenset({today}), None)
    ] == [(Decimal("120.00"), 1)]


def test_a_recent_day_not_rebuilt_yet_is_counted_live_and_older_ones_are_read():
    sale(at(DAY, 10))  # DAY is "yesterday", never rebuilt
    sale(at(DAY - timedelta(days=5), 10))  # an older day: only what is stored counts
    DailyFact.objects.create(day=DAY - timedelta(days=5), metric="sales.revenue", key="", total=7, count=1)
    table = kpi_fact_table(
        section=SALES, first=DAY - timedelta(days=5), last=DAY, today=DAY + timedelta(days=1)
    )
    revenue = {day: keyed[""][0] for day, keyed in table.rows["sales.revenue"].items()}
    assert revenue == {DAY: Decimal("120.00"), DAY - timedelta(days=5): Decimal(7)}


def test_a_recent_day_already_rebuilt_is_read_not_recounted():
    sale(at(DAY, 10))
    kpi_day_rebuild(day=DAY, sections=[SALES])
    sale(at(DAY, 11))  # came after the rebuild: shows after the next one
    table = kpi_fact_table(section=SALES, first=DAY, last=DAY, today=DAY + timedelta(days=1))
    assert table.get("sales.revenue", DAY) == (Decimal("120.00"), 1)
