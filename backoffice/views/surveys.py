"""Survey results: NPS by carrier, category, product and month, CSAT by agent and month, and
the customers' comments, for one month at a time."""

from datetime import date

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from support.surveys.selectors import (
    csat_by_agent,
    csat_by_month,
    csat_summary,
    nps_by_carrier,
    nps_by_category,
    nps_by_month,
    nps_by_product,
    nps_product_count,
    nps_summary,
    survey_comment_list,
    survey_months,
)

COMMENTS_PAGE_SIZE = 20
PRODUCTS_PAGE_SIZE = 20
# Query budget, asserted in tests/surveys/test_results.py: session, user, two-factor,
# permissions (2), comments (count and page), products (count and page), NPS and CSAT of the
# month, by carrier, by category, by agent, NPS and CSAT by month.
SURVEY_RESULTS_QUERIES = 16


def _month(value: str) -> date:
    """The month asked for (YYYY-MM), or the current one for anything else."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return date(today.year, today.month, 1)


class _ProductPage:
    """One page of the products table, counted and sliced in the database."""

    def __init__(self, month: date) -> None:
        self.month = month

    def count(self) -> int:
        return nps_product_count(month=self.month)

    def __getitem__(self, window: slice) -> list:
        return nps_by_product(month=self.month, limit=window.stop - window.start, offset=window.start)

    def __len__(self) -> int:
        return self.count()


def _other_page_url(request: HttpRequest, parameter: str, number: int) -> str:
    query = request.GET.copy()
    query[parameter] = number
    return f"?{query.urlencode()}"


def survey_results_view(request: HttpRequest) -> HttpResponse:
    month = _month(request.GET.get("month", ""))
    comments = Paginator(survey_comment_list(month=month), COMMENTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    products = Paginator(_ProductPage(month), PRODUCTS_PAGE_SIZE).get_page(request.GET.get("products"))
    return render(
        request,
        "backoffice/surveys/survey_results.html",
        {
            "month": month,
            "months": survey_months(),
            "nps": nps_summary(month=month),
            "csat": csat_summary(month=month),
            "by_carrier": nps_by_carrier(month=month),
            "by_category": nps_by_category(month=month),
            "products": products,
            "products_previous_url": _other_page_url(request, "products", products.previous_page_number())
            if products.has_previous()
            else "",
            "products_next_url": _other_page_url(request, "products", products.next_page_number())
            if products.has_next()
            else "",
            "by_agent": csat_by_agent(month=month),
            "nps_months": nps_by_month(),
            "csat_months": csat_by_month(),
            "page_obj": comments,
            "comments": comments,
        },
    )
