from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Round
from django.utils.formats import number_format
from django.utils.translation import get_language

CENT = Decimal("0.01")


def quantize_brl(value: Decimal | int | str) -> Decimal:
    """Round to centavos, half up, as Brazilian invoices do."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_brl(value: Decimal | int | str, language: str | None = None) -> str:
    """`R$ 1.234,56` in Portuguese, `R$ 1,234.56` in English; the sign goes before the symbol."""
    amount = quantize_brl(value)
    grouped = f"{abs(amount):,.2f}"
    if not (language or get_language() or "pt-br").lower().startswith("en"):
        grouped = grouped.translate(str.maketrans(",.", ".,"))
    sign = "-" if amount < 0 else ""
    return f"{sign}R$\N{NO-BREAK SPACE}{grouped}"


def installments_split(total: Decimal, count: int) -> list[Decimal]:
    """`count` instalments adding up to `total` exactly; the first absorbs the leftover centavos."""
    share = (Decimal(total) / count).quantize(CENT, rounding=ROUND_DOWN)
    return [total - share * (count - 1), *[share] * (count - 1)]


def installment_counts(total: Decimal, *, most: int, smallest: Decimal) -> list[int]:
    """How many interest-free instalments a total may be split into: always 1, then as many as
    keep each instalment at or above the smallest allowed."""
    return [count for count in range(1, most + 1) if count == 1 or total / count >= smallest]


def installment_options(total: Decimal) -> list[tuple[int, Decimal]]:
    """The interest-free instalments a card may split this total into, `(count, value of each)`,
    within the store's instalment settings."""
    counts = installment_counts(
        total, most=settings.STORE_MAX_INSTALLMENTS, smallest=settings.STORE_MIN_INSTALLMENT
    )
    return [(count, installments_split(total, count)[-1]) for count in counts]


def format_percent(percent: Decimal) -> str:
    """A percentage as people write it, in the active language: 5, 2,5 (pt-BR)."""
    percent = Decimal(percent)
    return number_format(percent, decimal_pos=0 if percent % 1 == 0 else 1 if percent * 10 % 1 == 0 else 2)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """`percent` per cent of `amount`, in centavos."""
    return quantize_brl(Decimal(amount) * Decimal(percent) / 100)


def cents(field: str) -> Round:
    """A money column in whole centavos, for database checks that must add up exactly: SQLite
    computes in binary floating point, where 64.90 + 14.90 is not 79.80."""
    return Round(F(field) * 100)
