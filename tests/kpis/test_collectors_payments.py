"""The payments section against figures worked out by hand from seeded payments and refunds."""

from datetime import timedelta
from decimal import Decimal

import pytest

from backoffice.kpis.facts import facts_merge
from backoffice.kpis.sections.payments import SECTION, collect_payments
from backoffice.kpis.selectors import kpi_section_report
from orders.models import Payment, Refund
from tests.kpis.orders_seed import DAY, at, order, payment, refund

pytestmark = pytest.mark.django_db

CARD, PIX, BOLETO = Payment.Method.CARD, Payment.Method.PIX, Payment.Method.BOLETO
S = Payment.Status


@pytest.fixture
def seeded():
    row = order(placed_at=at(DAY, 8))
    # Cards: approved (paid, and voided after our rejection), declined, still pending, another day.
    payment(row, method=CARD, status=S.PAID, created_at=at(DAY, 10), amount=Decimal("120.00"))
    payment(row, method=CARD, status=S.VOIDED, created_at=at(DAY, 12), amount=Decimal("80.00"))
    payment(row, method=CARD, status=S.FAILED, created_at=at(DAY, 11))
    payment(row, method=CARD, status=S.PENDING, created_at=at(DAY, 13))
    payment(row, method=CARD, status=S.FAILED, created_at=at(DAY - timedelta(days=1), 23))
    # Pix: paid after half an hour and after 3 hours, expired, still open, never issued.
    payment(row, method=PIX, status=S.PAID, created_at=at(DAY, 9), paid_at=at(DAY, 9, 30))
    payment(row, method=PIX, status=S.PAID, created_at=at(DAY, 10), paid_at=at(DAY, 13))
    payment(row, method=PIX, status=S.EXPIRED, created_at=at(DAY, 11))
    payment(row, method=PIX, status=S.PENDING, created_at=at(DAY, 12))
    payment(row, method=PIX, status=S.PENDING, created_at=at(DAY, 12), issued=False)
    # Boletos: paid two days later, expired, withdrawn.
    payment(row, method=BOLETO, status=S.PAID, created_at=at(DAY, 8), paid_at=at(DAY + timedelta(days=2), 8))
    payment(row, method=BOLETO, status=S.EXPIRED, created_at=at(DAY, 8))
    payment(row, method=BOLETO, status=S.CANCELLED, created_at=at(DAY, 8))
    # Refunds made that day (two), still to make, made the next day.
    refund(row, amount="30.00", done_at=at(DAY, 15))
    refund(row, amount="20.50", done_at=at(DAY, 23, 59))
    refund(row, amount="99.00", done_at=None, status=Refund.Status.PENDING)
    refund(row, amount="99.00", done_at=at(DAY + timedelta(days=1), 0))


def facts():
    return {(fact.metric, fact.key): (fact.total, fact.count) for fact in facts_merge(collect_payments(DAY))}


def test_cards_approved_over_approved_or_declined(seeded):
    found = facts()
    assert found[("payments.approved", "card")] == (Decimal("200.00"), 2)
    assert found[("payments.decided", "card")][1] == 3  # the pending one is left out


def test_pix_and_boletos_issued_paid_and_lost(seeded):
    found = facts()
    assert found[("payments.issued", "pix")][1] == 4  # the one never issued is not counted
    assert found[("payments.paid", "pix")][1] == 2
    assert found[("payments.decided", "pix")][1] == 3  # paid or expired
    assert found[("payments.issued", "boleto")][1] == 3
    assert found[("payments.paid", "boleto")][1] == 1
    assert found[("payments.decided", "boleto")][1] == 3


def test_time_to_pay_goes_into_hour_buckets_per_method(seeded):
    found = facts()
    assert found[("payments.time_to_pay_hours", "pix|0.5")] == (Decimal("0.5"), 1)
    assert found[("payments.time_to_pay_hours", "pix|3")] == (Decimal(3), 1)
    assert found[("payments.time_to_pay_hours", "boleto|48")] == (Decimal(48), 1)


def test_refunds_made_that_day(seeded):
    assert facts()[("payments.refunds", "")] == (Decimal("50.50"), 2)


def test_the_dashboard_works_out_rates_and_percentiles(seeded):
    report = kpi_section_report(section=SECTION, start=DAY, end=DAY, today=DAY)  # counted live
    charts = {chart.chart.slug: chart for chart in report.charts}
    approval = {row.key: row.figures[0].value for row in charts["approval-by-method"].rows}
    assert approval == {"card": Decimal("66.67"), "pix": Decimal("66.67"), "boleto": Decimal("33.33")}
    paid = {row.key: row.figures[0].value for row in charts["charge-payment-rate"].rows}
    assert paid == {"pix": Decimal("50.00"), "boleto": Decimal("33.33")}
    time_to_pay = {
        row.key: (row.figures[0].value, row.figures[1].value) for row in charts["time-to-pay"].rows
    }
    # pix: 0.5 h and 3 h (buckets 0.25-0.5 and 2-3 h); median = top of the first bucket,
    # p90 = 2 + (1.8 - 1) * (3 - 2)
    assert time_to_pay["pix"] == (Decimal("0.50"), Decimal("2.80"))
    # boleto: one payment in the 36-48 h bucket: its median is interpolated to 42 h
    assert time_to_pay["boleto"][0] == Decimal("42.00")
    assert charts["refunds"].total.figures[0].value == Decimal("50.50")
    assert charts["refund-count"].total.figures[0].value == 2
    assert charts["card-approval"].total.figures[0].value == Decimal("66.67")


def test_chargebacks_are_said_to_be_missing():
    assert any("ainda não registra chargebacks" in str(note) for note in SECTION.notes)
