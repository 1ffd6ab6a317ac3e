"""The dashboards' pages: sections, charts with their figures and the previous period, the
date range, CSV, query budgets, replica reads and access."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice.kpis import selectors
from backoffice.kpis.models import DailyFact
from backoffice.kpis.sections import section_get
from backoffice.kpis.services import kpi_day_rebuild
from backoffice.roles import Role
from backoffice.views import kpis as views
from core.replica import is_reading_from_replica
from orders.models import Order, Payment
from tests.backoffice.test_no_raw_codes import raw_codes
from tests.kpis.orders_seed import DAY, at, event, order, payment

pytestmark = pytest.mark.django_db

MINE = ("sales", "payments", "fraud", "margin")
RANGE = {"start": "2026-11-10", "end": "2026-11-10"}


def url(section: str = "sales") -> str:
    return reverse("backoffice:kpi-section", kwargs={"section": section})


def sale(placed_at, items="100.00", channel=Order.Channel.WEB):
    row = order(placed_at=placed_at, items=items, channel=channel, lines=((items, 1, "10.00"),))
    payment(row, method=Payment.Method.CARD, status=Payment.Status.PAID, created_at=placed_at)
    return row


@pytest.fixture
def manager(staff_client):
    return staff_client(Role.MANAGER)


@pytest.fixture
def rebuilt():
    """Three sales on DAY (120 + 120 + 70 = 310.00) and one of 120.00 the day before, stored."""
    sale(at(DAY, 10))
    sale(at(DAY, 11))
    sale(at(DAY, 12), items="50.00", channel=Order.Channel.TELESALES)
    sale(at(DAY - timedelta(days=1), 12))
    for day in (DAY - timedelta(days=1), DAY):
        kpi_day_rebuild(day=day)


def test_the_index_lists_every_section(manager):
    page = manager.get(reverse("backoffice:kpi-index")).content.decode()
    for slug in MINE:
        assert url(slug) in page


def test_the_reports_menu_shows_indicators_to_managers_only(staff_client):
    assert (
        reverse("backoffice:kpi-index")
        in staff_client(Role.MANAGER).get(reverse("backoffice:home")).content.decode()
    )
    assert (
        reverse("backoffice:kpi-index")
        not in staff_client(Role.WAREHOUSE).get(reverse("backoffice:home")).content.decode()
    )


def test_an_unknown_section_is_not_found(manager):
    assert manager.get(url("nothing")).status_code == 404


@pytest.mark.parametrize("slug", MINE)
def test_each_section_draws_its_charts_from_json_without_inline_code(manager, rebuilt, slug):
    response = manager.get(url(slug), RANGE)
    assert response.status_code == 200
    page = response.content.decode()
    section = section_get(slug)
    for chart in section.charts:
        assert f'data-kpi-chart="kpi-data-{chart.slug}"' in page
        assert f'id="kpi-data-{chart.slug}" type="application/json"' in page
    assert "vendor/chartjs/chart.umd.js" in page and "js/kpis.js" in page
    assert "<script>" not in page  # only files and JSON data: the CSP allows no inline code


def test_the_sales_table_shows_the_figures_beside_the_previous_period(manager, rebuilt):
    response = manager.get(url(), RANGE)
    revenue = next(chart for chart in response.context["report"].charts if chart.chart.slug == "revenue")
    figure = revenue.total.figures[0]
    assert (figure.value, figure.previous) == (Decimal("310.00"), Decimal("120.00"))
    page = response.content.decode()
    assert "R$\xa0310,00" in page and "R$\xa0120,00" in page
    assert '<span class="text-success text-nowrap" data-change="158.3">+158,3%</span>' in page
    data = json.loads(page.split('id="kpi-data-revenue" type="application/json">')[1].split("</script>")[0])
    assert data["labels"] == ["2026-11-10"]
    assert data["datasets"][0]["data"] == [310.0]
    assert data["datasets"][1]["data"] == [120.0] and data["datasets"][1]["previous"] is True
    assert data["unit"] == "brl"


def test_a_fall_where_lower_is_better_is_good_news(manager):
    DailyFact.objects.create(day=DAY, metric="payments.refunds", key="", total=50, count=1)
    DailyFact.objects.create(
        day=DAY - timedelta(days=1), metric="payments.refunds", key="", total=100, count=2
    )
    page = manager.get(url("payments"), RANGE).content.decode()
    assert '<span class="text-success text-nowrap" data-change="-50.0">−50,0%</span>' in page


def test_the_default_range_is_the_last_thirty_days_and_the_same_before(manager):
    response = manager.get(url())
    report = response.context["report"]
    today = timezone.localdate()
    assert (report.start, report.end) == (today - timedelta(days=29), today)
    assert (report.previous_start, report.previous_end) == (
        today - timedelta(days=59),
        today - timedelta(days=30),
    )


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-11-10", "end": "2026-11-01"},
        {"start": "amanhã", "end": "2026-11-01"},
        {"start": "2020-01-01", "end": "2026-11-01"},
        {"start": "2026-11-01", "end": "2999-01-01"},
    ],
)
def test_a_bad_range_is_said_and_the_default_shown(manager, query):
    response = manager.get(url(), query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["report"].end == timezone.localdate()
    assert 'role="alert"' in response.content.decode()


def test_the_csv_has_the_figures_of_the_table(manager, rebuilt):
    response = manager.get(url(), {**RANGE, "format": "csv", "chart": "revenue"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="sales-revenue-2026-11-10-2026-11-10.csv"' in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert len(lines) == 3  # header, the day, the whole period
    assert lines[1].endswith(",brl,310.00,120.00,158.3")


def test_the_csv_for_brazilian_excel_uses_semicolons_and_decimal_commas(manager, rebuilt):
    response = manager.get(url(), {**RANGE, "format": "csv", "excel": "1"})
    text = response.content.decode()
    assert text.startswith("\ufeff")
    assert ";brl;310,00;120,00;158,3" in text
    assert ("channels" not in text and "Telesales" in text) or "Televendas" in text


@pytest.mark.parametrize("slug", MINE)
def test_a_dashboard_runs_the_same_queries_whatever_the_data(manager, django_assert_max_num_queries, slug):
    """Stored days cost one query; today (counted live) its collector's few, whatever the data."""
    today = timezone.localdate()
    for day in (1, 2):
        kpi_day_rebuild(day=today - timedelta(days=day))
    sale(timezone.now() - timedelta(minutes=1))
    manager.get(url(slug))  # the session and permissions settle
    with CaptureQueriesContext(connection) as few:
        manager.get(url(slug))
    for minutes in range(2, 12):
        sale(timezone.now() - timedelta(minutes=minutes), channel=Order.Channel.TELESALES)
    with django_assert_max_num_queries(views.SECTION_QUERIES) as many:
        assert manager.get(url(slug)).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_dashboard_reads_through_the_replica_context(manager, monkeypatch):
    seen = []
    real = selectors.kpi_section_report

    def spy(**kwargs):
        seen.append(is_reading_from_replica())
        return real(**kwargs)

    monkeypatch.setattr(views, "kpi_section_report", spy)
    manager.get(url())
    assert seen == [True]


def test_other_roles_are_refused(staff_client):
    client = staff_client(Role.SUPPORT_AGENT)
    assert client.get(reverse("backoffice:kpi-index")).status_code == 403
    assert client.get(url(), {"format": "csv"}).status_code == 403


@pytest.mark.parametrize("slug", MINE)
def test_no_raw_code_reaches_a_dashboard(manager, rebuilt, slug):
    held = order(placed_at=at(DAY, 9))
    event(held, frm=Order.Status.PAID, to=Order.Status.ON_HOLD, actor="job:order_analyse", when=at(DAY, 9))
    event(
        held,
        frm=Order.Status.ON_HOLD,
        to=Order.Status.VALIDATED,
        actor="staff:ana@loja.com.br",
        when=at(DAY, 10),
    )
    kpi_day_rebuild(day=DAY)
    assert raw_codes(manager.get(url(slug), RANGE).content.decode()) == set()


@pytest.mark.parametrize(
    ("days", "period"),
    [(1, "day"), (63, "day"), (64, "week"), (190, "week"), (191, "month"), (366, "month")],
)
def test_long_ranges_add_their_days_up_by_week_or_month(days, period):
    assert selectors.kpi_period_for(days) == period


def _revenue_data(page: str) -> dict:
    return json.loads(page.split('id="kpi-data-revenue" type="application/json">')[1].split("</script>")[0])


def test_a_year_reads_as_a_point_per_month(manager, rebuilt):
    response = manager.get(url(), {"start": "2025-11-11", "end": "2026-11-10"})
    page = response.content.decode()
    data = _revenue_data(page)
    assert data["period"] == "month"
    # The range's first month starts on its first day; the others on the 1st.
    assert len(data["labels"]) == 13
    assert data["labels"][0] == "2025-11-11" and data["labels"][-1] == "2026-11-01"
    assert data["datasets"][0]["data"][-1] == 430.0  # 120.00 on the 9th and 310.00 on the 10th
    assert not any(data["datasets"][0]["data"][:-1])  # no sale in the months before
    assert "Nov/2026" in page


def test_a_quarter_reads_as_a_point_per_week_from_monday(manager, rebuilt):
    response = manager.get(url(), {"start": "2026-08-13", "end": "2026-11-10"})
    data = _revenue_data(response.content.decode())
    assert data["period"] == "week"
    assert data["labels"][0] == "2026-08-13" and data["labels"][-1] == "2026-11-09"
    assert data["datasets"][0]["data"][-1] == 430.0
    revenue = next(chart for chart in response.context["report"].charts if chart.chart.slug == "revenue")
    assert revenue.total.figures[0].value == Decimal("430.00")
