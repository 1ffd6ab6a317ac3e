"""The after-sale section's facts of a day, against figures worked out by hand from seeded rows."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.kpis.dashboards import FactTable
from backoffice.kpis.facts import facts_merge, percentile_from_buckets
from backoffice.kpis.sections.aftersale import SECTION, collect_aftersale, named_label
from logistics.models import Shipment, ShipmentLine
from orders.models import Order, RecoveryOpportunity, Refund
from returns.models import ReturnLine, ReturnRequest
from support.models import Ticket
from support.surveys.models import Survey
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory
from tests.logistics.factories import CLEAN, shipment_row
from tests.orders.factories import OrderFactory
from tests.support.factories import open_ticket
from tests.surveys.factories import answered_row

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 10)
# What counting today live may cost a dashboard on top of its stored days.
LIVE_QUERIES = 14
SEQUENCE = iter(range(10_000, 99_999))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An instant of São Paulo time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def facts_of(day: date, prefix: str = "") -> dict[tuple[str, str], tuple[Decimal, int]]:
    return {
        (fact.metric, fact.key): (fact.total, fact.count)
        for fact in facts_merge(collect_aftersale(day))
        if fact.metric.startswith(f"aftersale.{prefix}")
    }


def order_of(*lines: tuple, **fields) -> Order:
    """An order of (product, quantity) lines."""
    order = OrderFactory(**fields)
    for product, quantity in lines:
        variant = product.variants.first()
        order.lines.create(
            variant=variant,
            product_name=product.name,
            sku=variant.sku,
            unit_price=Decimal("10.00"),
            quantity=quantity,
            line_total=Decimal("10.00") * quantity,
        )
    return order


def return_request(order: Order, *, reason: str, created_at: datetime, lines: list[tuple], **fields):
    request = ReturnRequest.objects.create(
        number=f"{order.number}-D{next(SEQUENCE)}",
        order=order,
        reason=reason,
        resolution=ReturnRequest.Resolution.REFUND,
        **fields,
    )
    for index, quantity in lines:
        ReturnLine.objects.create(
            request=request, order_line=order.lines.order_by("pk")[index], quantity=quantity
        )
    ReturnRequest.objects.filter(pk=request.pk).update(created_at=created_at)
    return request


@pytest.fixture
def catalog():
    clothes, accessories = CategoryFactory(name="Roupas"), CategoryFactory(name="Acessórios")
    shirt = ProductFactory(name="Camiseta", category=clothes)
    cap = ProductFactory(name="Boné", category=accessories)
    return clothes, accessories, shirt, cap


def test_returns_by_reason_product_and_category_against_units_shipped(catalog):
    clothes, accessories, shirt, cap = catalog
    # given: a regret asks 2 shirts and a cap back at 10:00; a defect one shirt at 15:00 (later
    # rejected: it was still asked); one asked the day before does not count
    first = order_of((shirt, 3), (cap, 1))
    return_request(first, reason="regret", created_at=at(DAY, 10), lines=[(0, 2), (1, 1)])
    return_request(
        order_of((shirt, 1)), reason="defect", created_at=at(DAY, 15), lines=[(0, 1)], status="rejected"
    )
    return_request(
        order_of((shirt, 1)), reason="defect", created_at=at(DAY, 0) - timedelta(minutes=1), lines=[(0, 1)]
    )
    # 4 shirts shipped that day, a cap the day before
    for product, quantity, shipped_at in [(shirt, 4, at(DAY, 9)), (cap, 1, at(DAY - timedelta(days=1), 9))]:
        shipment = shipment_row(
            order=order_of((product, quantity), **CLEAN), tracking_code=f"SX{next(SEQUENCE):09d}BR"
        )
        Shipment.objects.filter(pk=shipment.pk).update(shipped_at=shipped_at)
        ShipmentLine.objects.filter(shipment=shipment).update(quantity=quantity)
    # when
    facts = facts_of(DAY, "return")
    shipped = facts_of(DAY, "shipped")
    # then
    shirt_key, cap_key = f"{shirt.pk} Camiseta", f"{cap.pk} Boné"
    assert facts == {
        ("aftersale.return_requests", "regret"): (Decimal(3), 1),
        ("aftersale.return_requests", "defect"): (Decimal(1), 1),
        ("aftersale.returned_units", ""): (Decimal(4), 3),
        ("aftersale.returned_units_product", shirt_key): (Decimal(3), 2),
        ("aftersale.returned_units_product", cap_key): (Decimal(1), 1),
        ("aftersale.returned_units_category", f"{clothes.pk} Roupas"): (Decimal(3), 2),
        ("aftersale.returned_units_category", f"{accessories.pk} Acessórios"): (Decimal(1), 1),
    }
    assert shipped == {
        ("aftersale.shipped_units", ""): (Decimal(4), 1),
        ("aftersale.shipped_units_product", shirt_key): (Decimal(4), 1),
        ("aftersale.shipped_units_category", f"{clothes.pk} Roupas"): (Decimal(4), 1),
    }
    assert named_label(shirt_key) == "Camiseta"
    # and the day's return rate over all products: 4 units asked back over 4 shipped
    table = FactTable()
    table.add_facts(DAY, collect_aftersale(DAY))
    rate = next(chart for chart in SECTION.charts if chart.slug == "return-rate").series[0].measure
    assert rate.value(table, frozenset({DAY}), None) == Decimal("100.00")


def test_refunds_made_that_day_by_reason_and_method():
    # given
    order = OrderFactory()
    for source, method, status, done_at, amount in [
        ("return:1", Refund.Method.ORIGINAL, Refund.Status.DONE, at(DAY, 12), "50.00"),
        ("return:2", Refund.Method.STORE_CREDIT, Refund.Status.DONE, at(DAY, 13), "30.00"),
        ("return:3", Refund.Method.ORIGINAL, Refund.Status.DONE, at(DAY, 0) - timedelta(minutes=1), "70.00"),
        ("return:4", Refund.Method.ORIGINAL, Refund.Status.PENDING, None, "20.00"),
    ]:
        refund = Refund.objects.create(
            order=order, source=source, method=method, status=status, amount=amount
        )
        Refund.objects.filter(pk=refund.pk).update(done_at=done_at, updated_at=done_at or at(DAY, 14))
    # when
    facts = facts_of(DAY, "refunds")
    # then
    assert facts == {
        ("aftersale.refunds", "return:original"): (Decimal("50.00"), 1),
        ("aftersale.refunds", "return:store_credit"): (Decimal("30.00"), 1),
    }


def _ticket(**times) -> Ticket:
    ticket = open_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(**times)
    return ticket


def test_ticket_times_against_their_deadlines_and_tickets_per_order():
    # given
    previous = DAY - timedelta(days=1)
    first = _ticket(
        created_at=at(previous, 20),
        first_responded_at=at(DAY, 9),  # 13 h, by its deadline
        first_response_due_at=at(DAY, 10),
        resolved_at=at(DAY, 17),  # 21 h, by its deadline
        resolution_due_at=at(DAY + timedelta(days=5), 10),
        status=Ticket.Status.RESOLVED,
    )
    _ticket(
        created_at=at(DAY, 8),
        first_responded_at=at(DAY, 14),  # 6 h, late
        first_response_due_at=at(DAY, 12),
        status=Ticket.Status.OPEN,
    )
    _ticket(
        created_at=at(DAY, 9),
        first_responded_at=at(DAY, 9, 30),  # half an hour, no deadline
        first_response_due_at=None,
        resolved_at=at(DAY, 11),  # 2 h, late
        resolution_due_at=at(DAY, 10),
        status=Ticket.Status.CLOSED,
    )
    _ticket(  # a duplicate merged into the first: opened that day, but not a resolution
        created_at=at(DAY, 10), resolved_at=at(DAY, 12), status=Ticket.Status.CLOSED, merged_into=first
    )
    _ticket(created_at=at(DAY + timedelta(days=1), 0))
    for placed_at in (at(DAY, 10), at(DAY, 23, 59), at(DAY + timedelta(days=1), 0)):
        OrderFactory(placed_at=placed_at)
    queue = first.queue.code
    # when
    facts = facts_of(DAY)
    # then
    assert facts[("aftersale.first_response", queue)] == (Decimal("19.5"), 3)
    assert facts[("aftersale.first_response_sla", queue)] == (Decimal(1), 2)
    assert facts[("aftersale.resolution", queue)] == (Decimal(23), 2)
    assert facts[("aftersale.resolution_sla", queue)] == (Decimal(1), 2)
    first_hours = {
        key: count
        for (metric, key), (_t, count) in facts.items()
        if metric == "aftersale.first_response_hours"
    }
    assert first_hours == {f"{queue}|0.5": 1, f"{queue}|6": 1, f"{queue}|16": 1}
    # the median lies halfway through the bucket (4, 6] of the 6-hour answer
    assert percentile_from_buckets(first_hours, 0.5) == Decimal("5.00")
    resolution_hours = {
        key: count for (metric, key), (_t, count) in facts.items() if metric == "aftersale.resolution_hours"
    }
    assert resolution_hours == {f"{queue}|2": 1, f"{queue}|24": 1}
    assert facts[("aftersale.tickets", "web")] == (Decimal(0), 3)
    assert facts[("aftersale.orders", "")] == (Decimal(0), 2)


def test_nps_by_carrier_and_product_and_csat_by_agent(catalog):
    _clothes, _accessories, shirt, cap = catalog
    agent = UserFactory(email="agente@loja.com.br")
    # given: NPS answers of the day: Correios 10, 9, 7, 3 (NPS 25), Jadlog 6 (NPS -100)
    for score, carrier, product in [(10, "Correios", shirt), (9, "Correios", shirt), (7, "Correios", cap)]:
        answered_row(score=score, carrier=carrier, product=product, answered_at=at(DAY, 12))
    low = answered_row(score=3, carrier="Correios", product=cap, answered_at=at(DAY, 13))
    # the order of the low score had two lines of the cap: it counts once for it
    other_variant = cap.variants.create(sku=f"SKU-CAP-{next(SEQUENCE)}", price=Decimal("10.00"))
    low.order.lines.create(
        variant=other_variant,
        product_name="Boné",
        sku=other_variant.sku,
        unit_price=1,
        quantity=1,
        line_total=1,
    )
    answered_row(score=6, carrier="Jadlog", product=cap, answered_at=at(DAY, 14))
    answered_row(score=0, carrier="Jadlog", product=cap, answered_at=at(DAY, 0) - timedelta(minutes=1))
    # CSAT of the day: the agent 5, 4 and 2; a ticket with no agent 3
    for score, who in [(5, agent), (4, agent), (2, agent), (3, None)]:
        answered_row(kind=Survey.Kind.CSAT, score=score, agent=who, answered_at=at(DAY, 16))
    answered_row(kind=Survey.Kind.CSAT, score=1, agent=agent, answered_at=at(DAY + timedelta(days=1), 0))
    # when
    facts = facts_of(DAY, "nps") | facts_of(DAY, "csat")
    # then: NPS = 100 x total / count
    assert facts == {
        ("aftersale.nps_carrier", "Correios"): (Decimal(1), 4),
        ("aftersale.nps_carrier", "Jadlog"): (Decimal(-1), 1),
        ("aftersale.nps_product", f"{shirt.pk} {shirt.name}"): (Decimal(2), 2),
        ("aftersale.nps_product", f"{cap.pk} {cap.name}"): (Decimal(-2), 3),
        ("aftersale.csat_agent", "agente@loja.com.br"): (Decimal(11), 3),
        ("aftersale.csat_satisfied_agent", "agente@loja.com.br"): (Decimal(2), 3),
        ("aftersale.csat_agent", ""): (Decimal(3), 1),
        ("aftersale.csat_satisfied_agent", ""): (Decimal(0), 1),
    }


def test_recovered_revenue_of_the_orders_placed_that_day():
    # given
    for kind, via, placed_at, value, status in [
        ("abandoned_cart", "link", at(DAY, 10), "120.00", RecoveryOpportunity.Status.RECOVERED),
        ("expired_payment", "call", at(DAY, 11), "80.00", RecoveryOpportunity.Status.RECOVERED),
        (
            "abandoned_cart",
            "link",
            at(DAY, 0) - timedelta(minutes=1),
            "50.00",
            RecoveryOpportunity.Status.RECOVERED,
        ),
    ]:
        RecoveryOpportunity.objects.create(
            kind=kind,
            status=status,
            email="rita@example.com.br",
            value=Decimal(value),
            recovered_order=OrderFactory(placed_at=placed_at),
            recovered_value=Decimal(value),
            recovered_via=via,
            recovered_at=placed_at,
        )
    RecoveryOpportunity.objects.create(
        kind="abandoned_cart", email="ze@example.com.br", value=Decimal("99.00")
    )
    # when
    facts = facts_of(DAY, "recovered")
    # then
    assert facts == {
        ("aftersale.recovered", "abandoned_cart:link"): (Decimal("120.00"), 1),
        ("aftersale.recovered", "expired_payment:call"): (Decimal("80.00"), 1),
    }


def test_a_day_costs_the_same_few_queries_whatever_it_holds(django_assert_max_num_queries, catalog):
    _clothes, _accessories, shirt, _cap = catalog
    for hour in range(9, 13):
        answered_row(score=hour - 4, product=shirt, answered_at=at(DAY, hour))
        _ticket(created_at=at(DAY, hour), first_responded_at=at(DAY, hour + 1))
    with django_assert_max_num_queries(14):
        facts = list(collect_aftersale(DAY))
    assert facts


def test_every_metric_belongs_to_the_section():
    from backoffice.kpis.services import section_facts_collect

    OrderFactory(placed_at=at(DAY, 10))
    facts = section_facts_collect(section=SECTION, day=DAY)
    assert {fact.metric for fact in facts} >= {"aftersale.orders"}
    assert all(chart.metrics() for chart in SECTION.charts)


def test_the_dashboard_shows_the_stored_day(staff_client, django_assert_max_num_queries):
    from django.urls import reverse

    from backoffice.kpis.services import kpi_day_rebuild
    from backoffice.roles import Role

    # given: Correios 10, 9, 3 on DAY (NPS 33), stored by the rebuild
    for score in (10, 9, 3):
        answered_row(score=score, carrier="Correios", answered_at=at(DAY, 12))
    kpi_day_rebuild(day=DAY, sections=[SECTION])
    client = staff_client(Role.MANAGER)
    # when
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("backoffice:kpi-section", kwargs={"section": "aftersale"}),
            {"start": DAY.isoformat(), "end": DAY.isoformat()},
        )
    # then
    assert response.status_code == 200
    nps = next(chart for chart in response.context["report"].charts if chart.chart.slug == "nps-carrier")
    assert [(row.label, row.figures[0].value, row.figures[1].value) for row in nps.rows] == [
        ("Correios", Decimal("33.33"), Decimal(3))
    ]


def test_the_dashboard_counting_today_live_keeps_its_query_budget(
    staff_client, django_assert_max_num_queries
):
    from django.urls import reverse

    from backoffice.kpis.services import kpi_day_rebuild
    from backoffice.roles import Role
    from backoffice.views import kpis as views

    today = timezone.localdate()
    for back in (1, 2):
        kpi_day_rebuild(day=today - timedelta(days=back), sections=[SECTION])
    client = staff_client(Role.MANAGER)
    with django_assert_max_num_queries(views.SECTION_QUERIES + LIVE_QUERIES):
        response = client.get(reverse("backoffice:kpi-section", kwargs={"section": SECTION.slug}))
    assert response.status_code == 200
