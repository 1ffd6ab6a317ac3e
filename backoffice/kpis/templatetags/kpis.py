from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from backoffice.kpis.dashboards import Chart, Unit
from backoffice.kpis.selectors import Figure
from core.money import format_brl

register = template.Library()


@register.filter
def kpi_format(value: Decimal | None, unit: str) -> str:
    """A figure as the page shows it, in the page's language: R$ 1.234,56, 12,5%, 3,5 h."""
    if value is None:
        return "—"
    if unit == Unit.BRL:
        return format_brl(value)
    if unit == Unit.COUNT:
        return number_format(value, 0, use_l10n=True, force_grouping=True)
    if unit == Unit.PERCENT:
        return _("%(value)s%%") % {"value": number_format(value, 1, use_l10n=True, force_grouping=True)}
    if unit == Unit.HOURS:
        return _("%(value)s h") % {"value": number_format(value, 1, use_l10n=True, force_grouping=True)}
    return number_format(
        value, 2 if value != value.to_integral_value() else 0, use_l10n=True, force_grouping=True
    )


@register.simple_tag
def kpi_change(figure: Figure, chart: Chart) -> str:
    """The change from the previous period with its sign, green when it is good news: in
    percentage points for rates, in percent for the rest."""
    if chart.unit == Unit.PERCENT:
        change = figure.difference
        text = None if change is None else _("%(change)s p.p.") % {"change": _signed(change)}
    else:
        change = figure.change
        text = None if change is None else _("%(change)s%%") % {"change": _signed(change)}
    if change is None:
        return mark_safe('<span class="text-secondary">—</span>')  # nosec B308  # a constant, no input in it
    if change == 0:
        colour = "text-secondary"
    elif (change > 0) == chart.higher_is_better:
        colour = "text-success"
    else:
        colour = "text-danger"
    return format_html('<span class="{} text-nowrap" data-change="{}">{}</span>', colour, change, text)


def _signed(value: Decimal) -> str:
    text = number_format(abs(value), 1, use_l10n=True, force_grouping=True)
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"  # a real minus sign
    return text
