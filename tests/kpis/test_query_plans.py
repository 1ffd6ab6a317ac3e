"""On PostgreSQL, every query the sales, payments, fraud and margin collectors run for a day
reads the big tables through an index, so a day costs the same at a million orders."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.kpis.sections import section_get
from orders.models import Order, Payment
from tests.kpis.orders_seed import DAY, at, event, order, payment, refund

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# Tables that grow with the orders; a day's query must never read one whole.
BIG_TABLES = {
    "orders_order",
    "orders_orderline",
    "orders_orderevent",
    "orders_payment",
    "orders_refund",
    "orders_recoveryopportunity",
    "logistics_shipment",
    "cart_cart",
}


def plans(slug: str) -> list[str]:
    """The plan of each query the section's collector runs for DAY, the planner told to avoid
    sequential scans (so it takes any index that answers, as it would on big tables)."""
    section = section_get(slug)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as queries:
        list(section.collect(DAY))
    found = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute(f"EXPLAIN {query['sql']}")
            found.append("\n".join(row[0] for row in cursor.fetchall()))
    return found


@pytest.fixture
def seeded():
    row = order(placed_at=at(DAY, 10), lines=(("100.00", 1, "40.00"),))
    payment(row, method=Payment.Method.CARD, status=Payment.Status.PAID, created_at=at(DAY, 10))
    payment(
        row,
        method=Payment.Method.PIX,
        status=Payment.Status.PAID,
        created_at=at(DAY, 10),
        paid_at=at(DAY, 11),
    )
    refund(row, amount="10.00", done_at=at(DAY, 12))
    event(
        row,
        frm=Order.Status.PAID,
        to=Order.Status.ON_HOLD,
        actor="job:t",
        when=at(DAY, 10),
        hold_reason="fraud",
    )
    event(row, frm=Order.Status.ON_HOLD, to=Order.Status.VALIDATED, actor="staff:a@b.c", when=at(DAY, 11))


def scanned(plan: str) -> set[str]:
    return set(re.findall(r"Seq Scan on (\w+)", plan))


@pytest.mark.parametrize("slug", ["sales", "payments", "fraud", "margin"])
def test_a_days_queries_read_big_tables_by_index(seeded, slug):
    for plan in plans(slug):
        assert not scanned(plan) & BIG_TABLES, plan
