"""Writes of the indicators: replacing the daily facts of past days."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from backoffice.kpis.dashboards import Section
from backoffice.kpis.exceptions import KpiDayInFuture, KpiMetricOutsideSection
from backoffice.kpis.facts import Fact, days_carried, facts_merge
from backoffice.kpis.models import DailyFact
from backoffice.kpis.sections import sections as all_sections

# Written for every section and rebuilt day, so a day never rebuilt can be told from a quiet one.
REBUILT_METRIC = "rebuilt"


def section_facts_collect(*, section: Section, day: date) -> list[Fact]:
    """The section's facts of `day`, one per (metric, key), with its rebuilt marker."""
    facts = facts_merge(section.collect(day))
    prefix = f"{section.slug}."
    stray = sorted({fact.metric for fact in facts if not fact.metric.startswith(prefix)})
    if stray:
        raise KpiMetricOutsideSection(section=section.slug, metrics=stray)
    return [*facts, Fact(f"{prefix}{REBUILT_METRIC}", "", 0, 1)]


@transaction.atomic
def kpi_day_rebuild(*, day: date, sections: Iterable[Section] | None = None, dry_run: bool = False) -> int:
    """Recompute `day`'s facts of `sections` (all by default) and replace the stored ones, in
    one transaction: running it twice leaves the same rows. Returns how many facts the day
    has. `dry_run` computes and rolls back. Raises KpiDayInFuture for a day after today."""
    if day > timezone.localdate():
        raise KpiDayInFuture(day=day)
    chosen = list(all_sections() if sections is None else sections)
    written = 0
    for section in chosen:
        facts = section_facts_collect(section=section, day=day)
        DailyFact.objects.filter(day=day, metric__startswith=f"{section.slug}.").delete()
        DailyFact.objects.bulk_create(
            DailyFact(day=day, metric=fact.metric, key=fact.key, total=fact.total, count=fact.count)
            for fact in facts
        )
        written += len(facts)
    if dry_run:
        transaction.set_rollback(True)
    return written


def kpi_days_rebuild(*, first: date, last: date, dry_run: bool = False) -> Iterable[tuple[date, int]]:
    """Rebuild each day from `last` back to `first`, each in its own transaction, yielding the
    day and its number of facts as it goes (for a progress bar). Newest first, so that figures
    read back from now (the stock of a past day) carry from one day to the day before rather
    than reading everything since again."""
    day = last
    with days_carried():
        while day >= first:
            yield day, kpi_day_rebuild(day=day, dry_run=dry_run)
            day -= timedelta(days=1)


def kpi_refresh(*, days: int) -> int:
    """Rebuild the `days` days before today (late payments and returns change them); today
    itself is counted live by the dashboards."""
    today = timezone.localdate()
    first, last = today - timedelta(days=days), today - timedelta(days=1)
    return sum(count for _day, count in kpi_days_rebuild(first=first, last=last))
