from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.money import format_brl, quantize_brl

NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.005", Decimal("1.01")),
        ("2.344", Decimal("2.34")),
        (3, Decimal("3.00")),
        ("-1.005", Decimal("-1.01")),
    ],
)
def test_quantize_rounds_half_up_to_centavos(value, expected):
    assert quantize_brl(value) == expected


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("pt-br", Decimal("1234.56"), f"R${NBSP}1.234,56"),
        ("pt-br", Decimal("1234567.8"), f"R${NBSP}1.234.567,80"),
        ("pt-br", Decimal("0.5"), f"R${NBSP}0,50"),
        ("en", Decimal("1234.56"), f"R${NBSP}1,234.56"),
        ("pt-br", Decimal("-59.9"), f"-R${NBSP}59,90"),
    ],
)
def test_format_brl_follows_the_language(language, value, expected):
    assert format_brl(value, language) == expected


def test_brl_filter_uses_the_active_language():
    template = Template("{% load money %}{{ amount|brl }}")
    with translation.override("pt-br"):
        assert template.render(Context({"amount": Decimal("99.9")})) == f"R${NBSP}99,90"


@pytest.mark.parametrize("value", [None, "", "not a number"])
def test_brl_filter_renders_nothing_for_missing_or_bad_values(value):
    assert Template("{% load money %}{{ amount|brl }}").render(Context({"amount": value})) == ""
