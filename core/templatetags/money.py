from decimal import Decimal, InvalidOperation

from django import template

from core.money import format_brl

register = template.Library()


@register.filter
def brl(value: Decimal | int | str | None) -> str:
    """Render an amount in reais: `{{ product.price|brl }}`."""
    if value is None or value == "":
        return ""
    try:
        return format_brl(value)
    except (InvalidOperation, ValueError, TypeError):
        return ""
