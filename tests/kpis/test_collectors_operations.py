"""The operations section's facts of a day, against figures worked out by hand from seeded rows."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.kpis.facts import Fact, facts_merge, percentile_from_buckets
from backoffice.kpis.sections.operations import SECTION, collect_operations, on_time_facts
from inventory.services import bin_upsert
from logistics.models import CarrierClaim, CarrierService, PickLine, PickList, Shipment, TrackingEvent
from orders.models import Order, Payment
from tests.catalog.factories import ProductFactory
from tests.logistics.factories import CLEAN, shipment_row, warehouse
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 10)
# What counting today live may cost a dashboard on top of its stored days (and a label per key).
LIVE_QUERIES = 10
SEQUENCE = iter(range(10_000, 99_999))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An instant of São Paulo time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def facts_of(day: date, prefix: str = "") -> dict[tuple[str, str], tuple[Decimal, int]]:
    return {
        (fact.metric, fact.key): (fact.total, fact.count)
        for fact in facts_merge(collect_operations(day))
        if fact.metric.startswith(f"operations.{prefix}")
    }


def pac() -> CarrierService:
    return CarrierService.objects.get_or_create(code="pac", defaults={"carrier": "Correios", "name": "PAC"})[
        0
    ]


def paid_order(*paid_at: datetime | None) -> Order:
    order = OrderFactory(**CLEAN, status=Order.Status.SHIPPED)
    for moment in paid_at:
        Payment.objects.create(
            order=order,
            method=Payment.Method.CARD,
            status=Payment.Status.PAID if moment else Payment.Status.FAILED,
            amount=order.grand_total,
            gateway="sandbox",
            paid_at=moment,
        )
    return order


def shipment(*, order=None, service: str = "sedex", **fields) -> Shipment:
    """A shipment row (see shipment_row) with its times set as given."""
    row = shipment_row(order=order, tracking_code=f"SX{next(SEQUENCE):09d}BR")
    if service == "pac":
        fields["service"] = pac()
    Shipment.objects.filter(pk=row.pk).update(**fields)
    row.refresh_from_db()
    return row


def test_lead_time_is_paid_to_shipped_of_the_days_shipments():
    # given: shipments handed to the carrier on DAY, 24 h, 6 h and 84 h after payment
    shipment(order=paid_order(at(DAY - timedelta(days=1), 10)), shipped_at=at(DAY, 10))
    shipment(order=paid_order(at(DAY, 8)), shipped_at=at(DAY, 14), service="pac")
    # a failed attempt, then two payments: the first paid one counts
    shipment(
        order=paid_order(None, at(DAY - timedelta(days=3), 9), at(DAY - timedelta(days=2), 9)),
        shipped_at=at(DAY, 21),
    )
    shipment(order=paid_order(), shipped_at=at(DAY, 11))  # an exchange: nothing paid
    shipment(order=paid_order(at(DAY - timedelta(days=2), 9)), shipped_at=at(DAY, 0) - timedelta(seconds=1))
    shipment(order=paid_order(at(DAY, 9)), shipped_at=at(DAY + timedelta(days=1), 0))
    # when
    facts = facts_of(DAY)
    # then
    assert facts[("operations.lead_time", "")] == (Decimal(114), 3)
    hours = {
        key: count
        for (metric, key), (_total, count) in facts.items()
        if metric == "operations.lead_time_hours"
    }
    assert hours == {"6": 1, "24": 1, "96": 1}
    # the median lies halfway through the bucket (16, 24] of the 24-hour shipment
    assert percentile_from_buckets(hours, 0.5) == Decimal("20.00")
    assert facts[("operations.shipped", "sedex")] == (Decimal(0), 3)
    assert facts[("operations.shipped", "pac")] == (Decimal(0), 1)


def _pick_line(
    pick_list: PickList, *, who: str = "", moment=None, status=PickLine.Status.PICKED, asked=1, picked=1
):
    order = OrderFactory(**CLEAN)
    variant_line = order.lines.create(
        variant=ProductFactory(stock=0).variants.get(),
        product_name="x",
        sku="x",
        unit_price=Decimal("10.00"),
        quantity=asked,
        line_total=Decimal("10.00") * asked,
    )
    return PickLine.objects.create(
        pick_list=pick_list,
        order=order,
        order_line=variant_line,
        bin=bin_upsert(warehouse=warehouse(), code="A-01-01", position=1),
        sequence=next(SEQUENCE),
        quantity=asked,
        picked_quantity=picked,
        status=status,
        picked_by=who,
        picked_at=moment,
    )


def test_picks_per_person_per_hour_and_short_picks():
    # given: Ana closes three lines in the 9 o'clock and 10 o'clock hours (one short: 1 of 3
    # found), Bia one line at 14:30; pending, cancelled and other days' lines do not count
    pick_list = PickList.objects.create(
        number="PL-1", warehouse=warehouse(), created_by="staff:chefe@loja.com.br"
    )
    ana, bia = "staff:ana@loja.com.br", "staff:bia@loja.com.br"
    _pick_line(pick_list, who=ana, moment=at(DAY, 9, 10), asked=2, picked=2)
    _pick_line(pick_list, who=ana, moment=at(DAY, 9, 50))
    _pick_line(pick_list, who=ana, moment=at(DAY, 10, 5), status=PickLine.Status.SHORT, asked=3, picked=1)
    _pick_line(pick_list, who=bia, moment=at(DAY, 14, 30))
    _pick_line(pick_list, status=PickLine.Status.PENDING, picked=0)
    _pick_line(pick_list, status=PickLine.Status.CANCELLED, picked=0, moment=at(DAY, 11))
    _pick_line(pick_list, who=bia, moment=at(DAY, 0) - timedelta(minutes=1))
    # when
    facts = facts_of(DAY, "pick")
    shorts = facts_of(DAY, "short")
    # then: picks per hour are total / count
    assert facts == {
        ("operations.picks", ana): (Decimal(3), 2),
        ("operations.picks", bia): (Decimal(1), 1),
        ("operations.pick_units", ana): (Decimal(4), 2),
        ("operations.pick_units", bia): (Decimal(1), 1),
    }
    assert shorts == {("operations.short_picks", ""): (Decimal(2), 1)}


def test_packs_per_person_per_hour():
    # given: Caio closes two parcels in the 8 o'clock hour, Dani one at 13:10, one the day before
    caio, dani = "staff:caio@loja.com.br", "staff:dani@loja.com.br"
    shipment(packed_by=caio, created_at=at(DAY, 8, 30))
    shipment(packed_by=caio, created_at=at(DAY, 8, 45))
    shipment(packed_by=dani, created_at=at(DAY, 13, 10), status=Shipment.Status.CANCELLED)
    shipment(packed_by=dani, created_at=at(DAY, 0) - timedelta(minutes=1))
    # when
    facts = facts_of(DAY, "packs")
    # then
    assert facts == {("operations.packs", caio): (Decimal(2), 1), ("operations.packs", dani): (Decimal(1), 1)}


def test_on_time_counts_the_parcels_promised_for_the_day_by_service():
    # given: parcels promised for DAY
    delivered = Shipment.Status.DELIVERED
    shipment(status=delivered, promised_on=DAY, delivered_at=at(DAY, 18))  # on time
    shipment(status=delivered, promised_on=DAY, delivered_at=at(DAY + timedelta(days=1), 9))  # late
    shipment(service="pac", status=Shipment.Status.IN_TRANSIT, promised_on=DAY)  # late, still travelling
    shipment(service="pac", status=delivered, promised_on=DAY, delivered_at=at(DAY - timedelta(days=1), 9))
    shipment(status=delivered, promised_on=DAY + timedelta(days=1), delivered_at=at(DAY, 10))  # due later
    # when
    facts = facts_of(DAY, "on_time")
    # then: delivered on time / promised
    assert facts == {
        ("operations.on_time", "sedex"): (Decimal(1), 2),
        ("operations.on_time", "pac"): (Decimal(1), 2),
    }


def test_on_time_of_a_day_not_over_leaves_out_parcels_still_travelling():
    # given
    shipment(status=Shipment.Status.DELIVERED, promised_on=DAY, delivered_at=at(DAY, 10))
    shipment(status=Shipment.Status.IN_TRANSIT, promised_on=DAY)
    # when: counted at noon of the day
    facts = list(on_time_facts(DAY, now=at(DAY, 12)))
    # then
    assert facts == [Fact("operations.on_time", "sedex", Decimal(1), 1)]


def test_incidents_are_failed_deliveries_returns_and_claims_learned_that_day():
    # given
    failed = shipment(status=Shipment.Status.DELIVERY_FAILED)
    returned = shipment(service="pac", status=Shipment.Status.RETURNED)
    for parcel, kind, moment in [
        (failed, TrackingEvent.Kind.DELIVERY_FAILED, at(DAY, 10)),
        (failed, TrackingEvent.Kind.DELIVERED, at(DAY, 12)),  # not an incident
        (returned, TrackingEvent.Kind.RETURNED, at(DAY, 11)),
        (returned, TrackingEvent.Kind.DELIVERY_FAILED, at(DAY, 0) - timedelta(minutes=1)),
    ]:
        event = TrackingEvent.objects.create(
            shipment=parcel, event_id=f"e{next(SEQUENCE)}", kind=kind, occurred_at=moment, source="poll"
        )
        TrackingEvent.objects.filter(pk=event.pk).update(created_at=moment)
    for parcel, reason, moment, amount in [
        (failed, CarrierClaim.Reason.DAMAGED, at(DAY, 15), "150.00"),
        (returned, CarrierClaim.Reason.LOST, at(DAY + timedelta(days=1), 1), "80.00"),
    ]:
        claim = CarrierClaim.objects.create(
            shipment=parcel,
            source=f"return:{next(SEQUENCE)}",
            reason=reason,
            amount=Decimal(amount),
            description="x",
            opened_by="staff:ana@loja.com.br",
        )
        CarrierClaim.objects.filter(pk=claim.pk).update(created_at=moment)
    # when
    facts = facts_of(DAY, "incidents")
    # then
    assert facts == {
        ("operations.incidents", "delivery_failed:sedex"): (Decimal(0), 1),
        ("operations.incidents", "returned:pac"): (Decimal(0), 1),
        ("operations.incidents", "claim_damaged:sedex"): (Decimal("150.00"), 1),
    }


def test_a_day_costs_the_same_few_queries_whatever_it_holds(django_assert_max_num_queries):
    # given
    for hour in range(8, 12):
        shipment(order=paid_order(at(DAY, 7)), shipped_at=at(DAY, hour), created_at=at(DAY, hour - 1))
    # when / then
    with django_assert_max_num_queries(8):
        facts = list(collect_operations(DAY))
    assert facts


def test_every_metric_belongs_to_the_section_and_every_chart_reads_one():
    from backoffice.kpis.services import section_facts_collect

    shipment(order=paid_order(at(DAY, 7)), shipped_at=at(DAY, 9))
    facts = section_facts_collect(section=SECTION, day=DAY)
    assert {fact.metric for fact in facts} >= {"operations.shipped", "operations.lead_time"}
    assert all(chart.metrics() for chart in SECTION.charts)


def test_the_dashboard_shows_the_stored_day(staff_client, django_assert_max_num_queries):
    from django.urls import reverse

    from backoffice.kpis.services import kpi_day_rebuild
    from backoffice.roles import Role

    # given: two parcels promised for DAY, one delivered on time; stored by the rebuild
    shipment(status=Shipment.Status.DELIVERED, promised_on=DAY, delivered_at=at(DAY, 18))
    shipment(status=Shipment.Status.IN_TRANSIT, promised_on=DAY)
    kpi_day_rebuild(day=DAY, sections=[SECTION])
    client = staff_client(Role.MANAGER)
    # when: a past range reads the stored facts only (labels: one query per carrier service)
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("backoffice:kpi-section", kwargs={"section": "operations"}),
            {"start": DAY.isoformat(), "end": DAY.isoformat()},
        )
    # then
    assert response.status_code == 200
    on_time = next(chart for chart in response.context["report"].charts if chart.chart.slug == "on-time")
    assert [(row.label, row.figures[0].value) for row in on_time.rows] == [
        ("Correios SEDEX", Decimal("50.00"))
    ]
    assert 'id="kpi-data-lead-time" type="application/json"' in response.content.decode()


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
