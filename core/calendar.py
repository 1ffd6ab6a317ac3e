"""The store's calendar: business days (no weekend, no national or state holiday, no day the
store closes) for boleto due dates and delivery promises, and business hours (the opening
hours on business days) for service-level targets.

National and state holidays come from the `holidays` package (movable feasts included);
managers add the store's own closed days and opening hours in the admin."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

# No search for the next open hour goes further than this (a store closed for good).
MAX_DAYS_AHEAD = 3 * 366


@lru_cache(maxsize=64)
def _public_holidays(state: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("BR", subdiv=state or None, years=year))


@dataclass(frozen=True)
class BusinessCalendar:
    closed_days: frozenset[date] = frozenset()
    # weekday (Monday 0) -> (opens, closes); a weekday not here is closed.
    hours: dict[int, tuple[time, time]] = field(default_factory=dict)
    state: str = ""

    def is_holiday(self, day: date) -> bool:
        return day in self.closed_days or day in _public_holidays(self.state, day.year)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def add_business_days(self, start: date, days: int) -> date:
        """`days` business days after `start`."""
        current = start
        while days > 0:
            current += timedelta(days=1)
            if self.is_business_day(current):
                days -= 1
        return current

    def _open_window(self, day: date) -> tuple[datetime, datetime] | None:
        if day.weekday() not in self.hours or self.is_holiday(day):
            return None
        opens, closes = self.hours[day.weekday()]
        zone = timezone.get_current_timezone()
        return (
            timezone.make_aware(datetime.combine(day, opens), zone),
            timezone.make_aware(datetime.combine(day, closes), zone),
        )

    def _windows_from(self, start: datetime) -> Iterable[tuple[datetime, datetime]]:
        """The open windows from `start` on, the first one cut at `start`."""
        day = timezone.localtime(start).date()
        for _offset in range(MAX_DAYS_AHEAD):
            window = self._open_window(day)
            if window and window[1] > start:
                yield max(window[0], start), window[1]
            day += timedelta(days=1)

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of open time has passed since `start`."""
        left = duration
        for opens, closes in self._windows_from(start):
            if opens + left <= closes:
                return opens + left
            left -= closes - opens
        raise ValueError("the store has no opening hours to count on")

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Open time from `start` to `end` (zero when `end` is not after `start`)."""
        total = timedelta(0)
        if end <= start:
            return total
        for opens, closes in self._windows_from(start):
            if opens >= end:
                break
            total += min(closes, end) - opens
        return total


def business_calendar(*, around: date | None = None) -> BusinessCalendar:
    """The store's calendar with its closed days from a year before to two years after
    `around` (today): one query for the closed days, one for the opening hours."""
    from core.models import OpeningHours, StoreHoliday

    around = around or timezone.localdate()
    closed = StoreHoliday.objects.filter(
        date__gte=around - timedelta(days=366), date__lte=around + timedelta(days=2 * 366)
    ).values_list("date", flat=True)
    hours = {row.weekday: (row.opens_at, row.closes_at) for row in OpeningHours.objects.all()}
    return BusinessCalendar(closed_days=frozenset(closed), hours=hours, state=settings.STORE_HOLIDAY_STATE)


def add_business_days(start: date, days: int) -> date:
    """`days` business days after `start` on the store's calendar."""
    return business_calendar(around=start).add_business_days(start, days)
