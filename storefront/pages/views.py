from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from storefront.pages.models import StorePage
from storefront.pages.selectors import return_terms, store_page_get


def store_page_view(request: HttpRequest, slug: str) -> HttpResponse:
    page = store_page_get(slug=slug)
    language = get_language() or "pt-br"
    context = {
        "page": page,
        "title": page.title_in(language),
        "body": page.body_in(language),
        "return_terms": return_terms() if page.kind == StorePage.Kind.RETURNS else None,
    }
    return render(request, "pages/store_page.html", context)
