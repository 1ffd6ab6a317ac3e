"""The log of staff reading customers' personal data, for managers (LGPD)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from backoffice.forms import AccessLogFilterForm
from backoffice.selectors import AccessLogFilters, personal_data_access_list, staff_list_for_access_log

PAGE_SIZE = 50
# Query budget, asserted in tests/backoffice/test_access_log.py: session, user, two-factor,
# permissions (2), the staff to choose from, the customers a search finds, count, page.
ACCESS_LOG_QUERIES = 9


def access_log_view(request: HttpRequest) -> HttpResponse:
    form = AccessLogFilterForm(request.GET or None, staff_queryset=staff_list_for_access_log())
    filters = AccessLogFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = AccessLogFilters(
            staff_id=data["staff"].pk if data["staff"] else None,
            customer=data["customer"],
            since=data["since"],
            until=data["until"],
        )
    page = Paginator(personal_data_access_list(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/privacy/access_log.html", {"form": form, "page_obj": page})
