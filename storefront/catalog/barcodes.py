import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def gtin_check_digit(digits: str) -> int:
    """GS1 check digit: weights 3 and 1 alternate from the rightmost data digit."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def validate_ean(value: str) -> None:
    """EAN-8, EAN-13 (GTIN-13) or GTIN-14 with a correct check digit."""
    if not re.fullmatch(r"[0-9]{8}|[0-9]{13,14}", value):
        raise ValidationError(_("An EAN has 8, 13 or 14 digits."), code="ean_format")
    if gtin_check_digit(value[:-1]) != int(value[-1]):
        raise ValidationError(_("This EAN's check digit is wrong."), code="ean_check_digit")
