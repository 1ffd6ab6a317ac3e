from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def arrival_day(day: date | None) -> str:
    """A delivery promise's day as shoppers read it: the weekday and the date ("Qua, 10/12")."""
    if day is None:
        return ""
    return date_format(day, pgettext("format of the day a delivery arrives by", "D, m/d"))
