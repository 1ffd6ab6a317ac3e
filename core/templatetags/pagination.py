from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, page_number: int) -> str:
    """The current URL's query string with another page number, keeping search and filters."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return f"?{query.urlencode()}"
