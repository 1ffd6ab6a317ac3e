"""A manager opens the indicator dashboards and sees real charts (Chart.js, drawn from the
page's JSON) beside the tables, in Brazilian formats, at a phone's width and a laptop's."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.kpis.sections import section_get
from backoffice.kpis.services import kpi_day_rebuild
from backoffice.roles import ROLE_PERMISSIONS, Role, roles_sync
from orders.models import Order, Payment
from tests.accounts.factories import UserFactory
from tests.browser.screens import DESKTOP, PHONE, shoot
from tests.kpis.orders_seed import order, payment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART_STATE = """() => [...document.querySelectorAll("canvas[data-kpi-chart]")].map((canvas) => {
  const chart = window.Chart.getChart(canvas);
  return {
    drawn: canvas.dataset.kpiDrawn === "1" && chart !== undefined && canvas.width > 0,
    points: chart ? chart.data.datasets[0].data.length : 0,
    ticks: chart ? chart.scales.y.ticks.map((tick) => tick.label) : [],
  };
})"""


def sale(placed_at, items="100.00", channel=Order.Channel.WEB):
    row = order(placed_at=placed_at, items=items, channel=channel, lines=((items, 1, "60.00"),))
    payment(row, method=Payment.Method.CARD, status=Payment.Status.PAID, created_at=placed_at)
    return row


@pytest.fixture
def manager_page(browser, live_server, sign_in):
    roles_sync(apps, ROLE_PERMISSIONS)  # transactional tests flush the groups migrations made
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=Role.MANAGER))
    context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, user)
    yield page
    context.close()


def charts_drawn(page, slug: str) -> list[dict]:
    expected = len(section_get(slug).charts)
    expect(page.locator('canvas[data-kpi-drawn="1"]')).to_have_count(expected)
    state = page.evaluate(CHART_STATE)
    assert len(state) == expected and all(chart["drawn"] for chart in state)
    return state


def test_a_manager_sees_the_sales_charts_and_their_figures(manager_page):
    # given sales today (counted live) and a week ago (stored by the nightly rebuild)
    now = timezone.now()
    sale(now - timedelta(minutes=5))
    sale(now - timedelta(minutes=4), items="50.00", channel=Order.Channel.TELESALES)
    week_ago = timezone.localdate() - timedelta(days=7)
    sale(now - timedelta(days=7))
    kpi_day_rebuild(day=week_ago)
    page = manager_page

    # the index lists the sections and opens sales
    page.goto("/backoffice/kpis/")
    page.get_by_test_id("kpi-section-sales").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vendas")

    # every chart is drawn by Chart.js, with a point per day of the last 30 and reais on its axis
    state = charts_drawn(page, "sales")
    assert state[0]["points"] == 30
    assert any(label.startswith("R$") for label in state[0]["ticks"])
    # and the tables beside them carry the same figures, in Brazilian format
    revenue = page.get_by_test_id("kpi-chart-revenue")
    expect(revenue.get_by_test_id("kpi-total-value")).to_have_text("R$\xa0310,00")
    channels = page.get_by_test_id("kpi-chart-channels")
    expect(channels).to_contain_text("R$\xa0240,00")  # today and a week ago
    expect(channels).to_contain_text("R$\xa070,00")
    shoot(page, f"kpi-sales-{DESKTOP['width']}")

    # at a phone's width the charts redraw to fit and nothing scrolls sideways
    page.set_viewport_size(PHONE)
    charts_drawn(page, "sales")
    shoot(page, f"kpi-sales-{PHONE['width']}")


@pytest.mark.parametrize("slug", ["payments", "fraud", "margin"])
def test_the_other_dashboards_draw_their_charts_at_both_widths(manager_page, slug):
    sale(timezone.now() - timedelta(minutes=5))
    page = manager_page
    page.goto(f"/backoffice/kpis/{slug}/")
    charts_drawn(page, slug)
    shoot(page, f"kpi-{slug}-{DESKTOP['width']}")
    page.set_viewport_size(PHONE)
    charts_drawn(page, slug)
    shoot(page, f"kpi-{slug}-{PHONE['width']}")
