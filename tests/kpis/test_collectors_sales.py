"""The sales section against figures worked out by hand from seeded orders."""

from datetime import timedelta
from decimal import Decimal

import pytest

from backoffice.kpis.facts import facts_merge
from backoffice.kpis.sections.sales import SECTION, collect_sales
from backoffice.kpis.selectors import kpi_section_report
from backoffice.kpis.services import kpi_day_rebuild
from orders.models import Order, Payment
from tests.kpis.orders_seed import DAY, at, carts, order, payment, recovered

pytestmark = pytest.mark.django_db


def facts() -> dict[tuple[str, str], tuple[Decimal, int]]:
    return {(fact.metric, fact.key): (fact.total, fact.count) for fact in facts_merge(collect_sales(DAY))}


@pytest.fixture
def seeded():
    web = order(placed_at=at(DAY, 0, 0), lines=(("50.00", 2, "20.00"),))  # 120.00, 2 units
    payment(web, method=Payment.Method.CARD, status=Payment.Status.PAID, created_at=at(DAY, 0, 0))
    phone = order(
        placed_at=at(DAY, 12),
        items="200.00",
        shipping="0.00",
        discount="10.00",
        channel=Order.Channel.TELESALES,
        status=Order.Status.SHIPPED,
        lines=(("100.00", 1, "40.00"), ("50.00", 2, None)),
    )  # 190.00, 3 units
    payment(phone, method=Payment.Method.CARD, status=Payment.Status.FAILED, created_at=at(DAY, 12))
    payment(phone, method=Payment.Method.PIX, status=Payment.Status.PAID, created_at=at(DAY, 12, 5))
    back = order(placed_at=at(DAY, 23, 59), items="40.00", shipping="10.00", lines=(("40.00", 1, "10.00"),))
    recovered(back)  # 50.00, 1 unit, by boleto
    payment(back, method=Payment.Method.BOLETO, status=Payment.Status.PAID, created_at=at(DAY, 23, 59))
    # Not sales: cancelled, unpaid, an exchange, and orders of the days around.
    order(placed_at=at(DAY, 9), status=Order.Status.CANCELLED, lines=(("100.00", 1, "1.00"),))
    order(placed_at=at(DAY, 10), status=Order.Status.AWAITING_PAYMENT)
    order(placed_at=at(DAY, 11), channel=Order.Channel.EXCHANGE, status=Order.Status.VALIDATED)
    order(placed_at=at(DAY - timedelta(days=1), 23, 59), lines=(("100.00", 1, "1.00"),))
    order(placed_at=at(DAY + timedelta(days=1), 0, 0))
    carts(8, created_at=at(DAY, 8))
    carts(3, created_at=at(DAY - timedelta(days=1), 23, 0))


def test_revenue_orders_and_units_count_the_days_sales_only(seeded):
    found = facts()
    assert found[("sales.revenue", "")] == (Decimal("360.00"), 3)
    assert found[("sales.units", "")] == (Decimal(6), 4)  # 2 + 3 + 1 units on 4 lines


def test_sales_by_channel_tell_recovered_orders_apart(seeded):
    found = facts()
    assert found[("sales.by_channel", "web")] == (Decimal("120.00"), 1)
    assert found[("sales.by_channel", "telesales")] == (Decimal("190.00"), 1)
    assert found[("sales.by_channel", "recovered")] == (Decimal("50.00"), 1)


def test_sales_by_method_take_the_payment_that_paid(seeded):
    found = facts()
    assert found[("sales.by_method", "card")] == (Decimal("120.00"), 1)
    assert found[("sales.by_method", "pix")] == (Decimal("190.00"), 1)  # its declined card is not it
    assert found[("sales.by_method", "boleto")] == (Decimal("50.00"), 1)


def test_conversion_counts_web_orders_over_carts_created_that_day(seeded):
    found = facts()
    # web orders placed that day, whatever became of them: the sale, the recovered one, the
    # cancelled and the unpaid one.
    assert found[("sales.web_orders", "")] == (Decimal(0), 4)
    assert found[("sales.carts", "")] == (Decimal(0), 8)


def test_the_dashboard_works_out_average_ticket_and_conversion(seeded):
    for day in (DAY - timedelta(days=1), DAY):
        kpi_day_rebuild(day=day, sections=[SECTION])
    report = kpi_section_report(section=SECTION, start=DAY, end=DAY, today=DAY + timedelta(days=5))
    charts = {chart.chart.slug: chart for chart in report.charts}
    assert charts["revenue"].total.figures[0].value == Decimal("360.00")
    assert charts["orders"].total.figures[0].value == 3
    assert charts["average-ticket"].total.figures[0].value == Decimal("120.00")
    assert charts["units"].total.figures[0].value == 6
    assert charts["conversion"].total.figures[0].value == Decimal("50.00")  # 4 / 8
    channels = {row.key: row.figures[0].value for row in charts["channels"].rows}
    assert channels == {
        "web": Decimal("120.00"),
        "telesales": Decimal("190.00"),
        "recovered": Decimal("50.00"),
    }
    before = {row.key: row.figures[0].previous for row in charts["channels"].rows}
    assert before == {"web": Decimal("120.00"), "telesales": Decimal("0.00"), "recovered": Decimal("0.00")}
    # the previous day had one sale of 120.00
    assert charts["revenue"].total.figures[0].previous == Decimal("120.00")
    assert charts["revenue"].total.figures[0].change == Decimal("200.0")


def test_an_empty_day_has_no_sales_and_no_division_by_zero():
    report = kpi_section_report(section=SECTION, start=DAY, end=DAY, today=DAY + timedelta(days=5))
    charts = {chart.chart.slug: chart for chart in report.charts}
    assert charts["revenue"].total.figures[0].value == 0
    assert charts["average-ticket"].total.figures[0].value is None
    assert charts["conversion"].total.figures[0].value is None
