"""The margin section against figures worked out by hand: revenue - discounts - cost of goods
- freight paid to the carrier - payment fees - refunds."""

from datetime import timedelta
from decimal import Decimal

import pytest

from backoffice.kpis.facts import facts_merge
from backoffice.kpis.sections.margin import SECTION, collect_margin
from backoffice.kpis.selectors import kpi_section_report
from inventory.models import ReorderRule, Supplier
from orders.models import Order, Payment, PaymentFee
from tests.inventory.factories import WarehouseFactory, purchase_order
from tests.kpis.orders_seed import DAY, at, order, payment, refund
from tests.logistics.factories import shipment_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    PaymentFee.objects.create(method=Payment.Method.CARD, percent=Decimal("3.00"), fixed=Decimal("0.50"))
    PaymentFee.objects.create(method=Payment.Method.PIX, percent=Decimal("1.00"), fixed=Decimal("0.00"))
    # Web: 2 x 50.00 (cost 20.00) bought from A, 1 x 100.00 (cost 40.00) bought from B;
    # shipping 20.00, discount 10.00: 210.00 by card (fee 6.30 + 0.50), freight 15.00, 30.00 refunded.
    web = order(
        placed_at=at(DAY, 10),
        items="200.00",
        shipping="20.00",
        discount="10.00",
        status=Order.Status.SHIPPED,
        lines=(("50.00", 2, "20.00"), ("100.00", 1, "40.00")),
    )
    first, second = (line.variant for line in web.lines.order_by("pk"))
    supplier_a = Supplier.objects.create(name="Fornecedor A", cnpj="11444777000161")
    ReorderRule.objects.create(
        variant=first, warehouse=WarehouseFactory(), minimum=1, maximum=5, supplier=supplier_a
    )
    purchase_order().lines.create(variant=second, quantity_ordered=3)  # from "Fornecedora"
    payment(web, method=Payment.Method.CARD, status=Payment.Status.PAID, created_at=at(DAY, 10))
    payment(web, method=Payment.Method.CARD, status=Payment.Status.FAILED, created_at=at(DAY, 10))
    shipment_row(order=web, freight_cost=Decimal("15.00"))
    refund(web, amount="30.00", done_at=at(DAY + timedelta(days=3), 10))
    # Telesales: 1 x 80.00 (cost 50.00) from nobody known, by Pix (fee 0.80), not shipped yet.
    phone = order(
        placed_at=at(DAY, 11),
        items="80.00",
        shipping="0.00",
        channel=Order.Channel.TELESALES,
        lines=(("80.00", 1, "50.00"),),
    )
    payment(phone, method=Payment.Method.PIX, status=Payment.Status.PAID, created_at=at(DAY, 11))
    # A line of unknown cost: the order is counted apart, not in the margin.
    order(placed_at=at(DAY, 12), lines=(("100.00", 1, None),))
    # Not sold: cancelled.
    order(placed_at=at(DAY, 13), status=Order.Status.CANCELLED, lines=(("100.00", 1, "1.00"),))


def facts():
    return {(fact.metric, fact.key): (fact.total, fact.count) for fact in facts_merge(collect_margin(DAY))}


def test_each_part_of_the_margin(seeded):
    found = facts()
    assert found[("margin.parts", "revenue")] == (Decimal("300.00"), 2)  # 220.00 + 80.00
    assert found[("margin.parts", "discounts")] == (Decimal("10.00"), 2)
    assert found[("margin.parts", "cogs")] == (Decimal("130.00"), 2)  # 40 + 40 + 50
    assert found[("margin.parts", "freight")] == (Decimal("15.00"), 2)
    assert found[("margin.parts", "fees")] == (Decimal("7.60"), 2)  # 6.80 + 0.80
    assert found[("margin.parts", "refunds")] == (Decimal("30.00"), 2)
    # 300 - 10 - 130 - 15 - 7.60 - 30
    assert found[("margin.margin", "")] == (Decimal("107.40"), 2)
    assert found[("margin.parts", "margin")] == (Decimal("107.40"), 2)


def test_margin_by_channel(seeded):
    found = facts()
    assert found[("margin.by_channel", "web")] == (Decimal("78.20"), 1)  # 220 - 10 - 80 - 15 - 6.80 - 30
    assert found[("margin.by_channel", "telesales")] == (Decimal("29.20"), 1)  # 80 - 50 - 0.80


def test_orders_of_unknown_cost_are_counted_apart(seeded):
    assert facts()[("margin.unknown_cost", "web")] == (Decimal("100.00"), 1)


def test_margin_by_supplier_shares_the_order_by_line_value(seeded):
    found = facts()
    # web: 158.20 before cost of goods, half to each line: 79.10 - 40.00 each
    assert found[("margin.by_supplier", "Fornecedor A")][0] == Decimal("39.10")
    assert found[("margin.by_supplier", "Fornecedora")][0] == Decimal("39.10")
    assert found[("margin.by_supplier", "")][0] == Decimal("29.20")
    assert found[("margin.revenue_by_supplier", "Fornecedor A")][0] == Decimal("110.00")


def test_the_dashboard_works_out_margin_per_order_and_rate(seeded):
    report = kpi_section_report(section=SECTION, start=DAY, end=DAY, today=DAY)
    charts = {chart.chart.slug: chart for chart in report.charts}
    assert charts["margin"].total.figures[0].value == Decimal("107.40")
    assert charts["margin-per-order"].total.figures[0].value == Decimal("53.70")
    assert charts["margin-rate"].total.figures[0].value == Decimal("35.80")  # 107.40 / 300.00
    assert charts["unknown-cost"].total.figures[0].value == 1
    channels = {row.key: (row.figures[0].value, row.figures[1].value) for row in charts["channels"].rows}
    assert channels["web"] == (Decimal("78.20"), Decimal("78.20"))
    suppliers = [row.label for row in charts["suppliers"].rows]
    assert suppliers[-1] == "Fornecedor desconhecido"  # 29.20, the smallest


def test_no_fee_is_taken_for_a_method_without_one(seeded):
    PaymentFee.objects.filter(method=Payment.Method.PIX).delete()
    assert facts()[("margin.by_channel", "telesales")][0] == Decimal("30.00")
