from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from core.calendar import BusinessCalendar, add_business_days, business_calendar
from core.models import OpeningHours, StoreHoliday

WEEKDAYS_9_TO_18 = {weekday: (time(9), time(18)) for weekday in range(5)}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_business_days_skip_the_weekend():
    calendar = BusinessCalendar()
    friday = date(2026, 11, 27)
    assert calendar.add_business_days(friday, 1) == date(2026, 11, 30)  # Monday
    assert calendar.add_business_days(friday, 3) == date(2026, 12, 2)
    assert calendar.add_business_days(date(2026, 11, 28), 1) == date(2026, 11, 30)  # from Saturday


def test_business_days_skip_national_and_movable_holidays():
    calendar = BusinessCalendar()
    # Christmas on a Friday: the next business day after Thursday 24 is Monday 28.
    assert calendar.add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    # Good Friday 2026 is 3 April.
    assert calendar.add_business_days(date(2026, 4, 2), 1) == date(2026, 4, 6)


def test_state_holidays_count_only_for_the_stores_state():
    revolution_day = date(2026, 7, 9)  # São Paulo's 9 July
    assert not BusinessCalendar(state="SP").is_business_day(revolution_day)
    assert BusinessCalendar(state="RJ").is_business_day(revolution_day)


@pytest.mark.django_db
def test_the_days_the_store_closes_are_not_business_days():
    StoreHoliday.objects.create(date=date(2026, 1, 26), name="Collective holiday")
    assert add_business_days(date(2026, 1, 23), 1) == date(2026, 1, 27)


def test_business_time_counts_only_open_hours_across_a_weekend_and_a_holiday():
    calendar = BusinessCalendar(hours=WEEKDAYS_9_TO_18)
    # Thursday 17:00 before the Friday Christmas: one hour on Thursday, then Monday.
    start = at(date(2026, 12, 24), 17)
    assert calendar.add_business_time(start, timedelta(hours=3)) == at(date(2026, 12, 28), 11)
    assert calendar.business_time_between(start, at(date(2026, 12, 28), 11)) == timedelta(hours=3)


def test_business_time_starting_while_closed_waits_for_the_opening():
    calendar = BusinessCalendar(hours=WEEKDAYS_9_TO_18)
    saturday_night = at(date(2026, 11, 28), 22)
    assert calendar.add_business_time(saturday_night, timedelta(minutes=30)) == at(date(2026, 11, 30), 9, 30)
    assert calendar.business_time_between(saturday_night, at(date(2026, 11, 30), 8)) == timedelta(0)


def test_a_store_without_opening_hours_cannot_count_business_time():
    with pytest.raises(ValueError, match="no opening hours"):
        BusinessCalendar().add_business_time(at(date(2026, 12, 1), 10), timedelta(hours=1))


@pytest.mark.django_db
def test_the_store_calendar_reads_the_hours_managers_set():
    OpeningHours.objects.filter(weekday=5).delete()  # no Saturday service
    calendar = business_calendar(around=date(2026, 12, 3))
    assert 5 not in calendar.hours
    assert calendar.hours[0] == (time(8), time(18))  # the default hours
