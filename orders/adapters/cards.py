"""Card numbers as a payment form sees them: the Luhn check, the brand, the last four."""

import re

BRANDS = (
    ("elo", re.compile(r"^(4011|4312|4389|4514|4576|5041|5066|5067|509|6277|6362|6363|650|6516|6550)")),
    ("amex", re.compile(r"^3[47]")),
    ("hipercard", re.compile(r"^(606282|3841)")),
    ("mastercard", re.compile(r"^(5[1-5]|2[2-7])")),
    ("visa", re.compile(r"^4")),
)


CARD_DIGITS = re.compile(r"[0-9]{13,19}")


def card_digits(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "")


def luhn_ok(number: str) -> bool:
    digits = card_digits(number)
    if not CARD_DIGITS.fullmatch(digits):
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def card_brand(number: str) -> str:
    digits = card_digits(number)
    return next((brand for brand, pattern in BRANDS if pattern.match(digits)), "other")
