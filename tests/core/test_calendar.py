from datetime import date

from core.calendar import add_business_days


def test_business_days_skip_the_weekend():
    friday = date(2026, 11, 27)
    assert add_business_days(friday, 1) == date(2026, 11, 30)  # Monday
    assert add_business_days(friday, 3) == date(2026, 12, 2)
    assert add_business_days(date(2026, 11, 28), 1) == date(2026, 11, 30)  # from Saturday
