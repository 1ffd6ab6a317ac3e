from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.safestring import SafeString

from storefront.reviews.models import RATING_MAX
from storefront.reviews.structured_data import json_ld, product_structured_data

register = template.Library()


@register.filter
def star_icons(value) -> list[str]:
    """The Bootstrap Icons names of five stars showing `value` to the nearest half star."""
    halves = int((Decimal(str(value or 0)) * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    icons = []
    for position in range(1, RATING_MAX + 1):
        if halves >= position * 2:
            icons.append("star-fill")
        elif halves == position * 2 - 1:
            icons.append("star-half")
        else:
            icons.append("star")
    return icons


@register.simple_tag(takes_context=True)
def product_json_ld(context) -> SafeString:
    """The product page's schema.org Product as JSON-LD (see structured_data)."""
    return json_ld(
        product_structured_data(
            request=context["request"],
            product=context["product"],
            picker=context["picker"],
            summary=context.get("review_summary"),
        )
    )
