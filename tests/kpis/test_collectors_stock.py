"""The stock section's facts of a day, against figures worked out by hand from a ledger
written through the inventory services at known moments."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from backoffice.kpis.dashboards import FactTable
from backoffice.kpis.facts import days_carried, facts_merge
from backoffice.kpis.sections.stock import SECTION, collect_stock
from core.actor import Actor
from core.money import format_brl
from inventory.models import StockLevel, StockMovement, StockQuant
from inventory.services import stock_apply, stock_receive, stock_reserve
from inventory.services.stock import lots_expired_sync
from orders.models import Order
from tests.catalog.factories import VariantFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 10)
# What counting today live may cost a dashboard on top of its stored days.
LIVE_QUERIES = 14
JOB = Actor.job("test")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An instant of São Paulo time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def facts_of(day: date, prefix: str = "") -> dict[tuple[str, str], tuple[Decimal, int]]:
    return {
        (fact.metric, fact.key): (fact.total, fact.count)
        for fact in facts_merge(collect_stock(day))
        if fact.metric.startswith(f"stock.{prefix}")
    }


def receive(variant, quantity: int, moment: datetime, *, warehouse=None, **lot) -> None:
    with time_machine.travel(moment, tick=False):
        stock_receive(
            variant_id=variant.pk,
            warehouse=warehouse or WarehouseFactory(),
            quantity=quantity,
            actor=JOB,
            **lot,
        )


def ship(variant, quantity: int, moment: datetime, *, warehouse=None) -> None:
    """Units leaving with a parcel: the ledger line of kind "ship" the dispatch writes."""
    level = StockLevel.objects.get(variant=variant, warehouse=warehouse or WarehouseFactory())
    quant = StockQuant.objects.filter(level=level).first()
    with time_machine.travel(moment, tick=False), transaction.atomic():
        stock_apply(level=level, quant=quant, kind=StockMovement.Kind.SHIP, on_hand=-quantity, actor=JOB)


def sold(variant, placed_at: datetime, *, status: str = Order.Status.PAID) -> None:
    order = OrderFactory(placed_at=placed_at, status=status)
    order.lines.create(
        variant=variant,
        product_name="x",
        sku=variant.sku,
        unit_price=Decimal("10.00"),
        quantity=1,
        line_total=Decimal("10.00"),
    )


def test_value_and_units_on_hand_at_the_end_of_a_past_day():
    # given: the online warehouse and the shop, stock received before, during and after DAY
    shop = WarehouseFactory(shop=True)
    shirt = VariantFactory(stock=0, cost_price=Decimal("10.00"))
    cap = VariantFactory(stock=0, cost_price=Decimal("4.00"))
    sample = VariantFactory(stock=0, cost_price=None)
    receive(shirt, 10, at(DAY - timedelta(days=1), 10))
    receive(cap, 5, at(DAY - timedelta(days=1), 10))
    receive(sample, 3, at(DAY - timedelta(days=1), 10))
    receive(shirt, 4, at(DAY - timedelta(days=1), 11), warehouse=shop)
    receive(shirt, 6, at(DAY, 11))
    ship(shirt, 2, at(DAY, 16))
    receive(cap, 20, at(DAY + timedelta(days=1), 10))  # after the day: not in its figures
    ship(shirt, 1, at(DAY + timedelta(days=1), 9))
    receive(shirt, 1, timezone.now())
    # when
    facts = facts_of(DAY)
    # then: cd-sp holds 14 shirts x 10 + 5 caps x 4 (+ 3 samples of no cost), the shop 4 shirts
    assert facts[("stock.value_by_warehouse", "cd-sp")] == (Decimal("160.00"), 1)
    assert facts[("stock.value_by_warehouse", "loja-centro")] == (Decimal("40.00"), 1)
    assert facts[("stock.uncosted_units", "cd-sp")] == (Decimal(3), 1)
    assert facts[("stock.value", "")] == (Decimal("200.00"), 1)
    assert facts[("stock.on_hand", "")] == (Decimal(26), 1)
    assert facts[("stock.units_shipped", "cd-sp")] == (Decimal(2), 1)
    # and the day before, from the same ledger
    before = facts_of(DAY - timedelta(days=1))
    assert before[("stock.value", "")] == (Decimal("160.00"), 1)  # 10 x 10 + 5 x 4 + 4 x 10
    assert before[("stock.on_hand", "")] == (Decimal(22), 1)
    assert ("stock.units_shipped", "cd-sp") not in before
    # turnover of the day: 2 units shipped over 26 on hand
    table = FactTable()
    table.add_facts(DAY, collect_stock(DAY))
    turnover = next(chart for chart in SECTION.charts if chart.slug == "turnover").series[0].measure
    assert turnover.value(table, frozenset({DAY}), None) == Decimal("7.69")


def test_days_rebuilt_newest_first_read_the_stock_each_day_alone_reads():
    # given a ledger over three days, with a unit reserved online
    shop = WarehouseFactory(shop=True)
    shirt = VariantFactory(stock=0, cost_price=Decimal("10.00"))
    receive(shirt, 10, at(DAY - timedelta(days=1), 10))
    receive(shirt, 4, at(DAY - timedelta(days=1), 11), warehouse=shop)
    ship(shirt, 2, at(DAY, 16))
    with time_machine.travel(at(DAY, 17), tick=False):
        stock_reserve(lines=[(shirt.pk, 1)], reference="order:1", actor=JOB)
    ship(shirt, 1, at(DAY + timedelta(days=1), 9))
    days = [DAY + timedelta(days=1), DAY, DAY - timedelta(days=1), DAY - timedelta(days=2)]
    alone = {day: facts_of(day) for day in days}
    # when the days are collected newest first, each carrying what it read to the day before
    with days_carried():
        carried = {day: facts_of(day) for day in days}
    # then every day has the figures it has alone
    assert carried == alone
    assert alone[DAY][("stock.on_hand", "")] == (Decimal(12), 1)


def test_stockouts_are_selling_variants_whose_online_stock_reached_zero_during_the_day():
    # given
    shop = WarehouseFactory(shop=True)
    ran_out = VariantFactory(stock=0)  # its 2 units reserved at 10:00, 5 more in at 15:00
    plenty = VariantFactory(stock=0)
    shop_only = VariantFactory(stock=0)
    expired = VariantFactory(stock=0, tracks_lots=True)
    reserved_later = VariantFactory(stock=0)  # its last unit reserved the next morning
    not_selling = VariantFactory(stock=0)  # only in a cancelled order, and sold 40 days ago
    off_sale = VariantFactory(stock=0, is_active=False)  # sold, but taken off sale since
    expired_since = VariantFactory(stock=0, tracks_lots=True)  # its lot expired after the day
    receive(ran_out, 2, at(DAY - timedelta(days=1), 8))
    receive(plenty, 3, at(DAY - timedelta(days=1), 8))
    receive(shop_only, 3, at(DAY - timedelta(days=1), 8), warehouse=shop)
    receive(expired, 4, at(DAY - timedelta(days=3), 8), lot_code="L1", expires_on=DAY - timedelta(days=1))
    receive(reserved_later, 1, at(DAY - timedelta(days=1), 8))
    receive(
        expired_since, 2, at(DAY - timedelta(days=1), 8), lot_code="L2", expires_on=DAY + timedelta(days=2)
    )
    with time_machine.travel(at(DAY, 10), tick=False):
        stock_reserve(lines=[(ran_out.pk, 2)], reference="order:1", actor=JOB)
    receive(ran_out, 5, at(DAY, 15))
    with time_machine.travel(at(DAY + timedelta(days=1), 9), tick=False):
        stock_reserve(lines=[(reserved_later.pk, 1)], reference="order:2", actor=JOB)
    for variant in (ran_out, plenty, shop_only, expired, reserved_later, off_sale, expired_since):
        sold(variant, at(DAY - timedelta(days=5), 12))
    sold(not_selling, at(DAY - timedelta(days=2), 12), status=Order.Status.CANCELLED)
    sold(not_selling, at(DAY - timedelta(days=40), 12))
    # the daily job takes expired lots off online sale
    lots_expired_sync(today=DAY)
    lots_expired_sync(today=DAY + timedelta(days=3))
    expired_since.refresh_from_db()
    assert expired_since.stock_online == 0
    # when
    facts = facts_of(DAY, "s")
    # then
    stockouts = {key for (metric, key) in facts if metric == "stock.stockouts"}
    assert stockouts == {ran_out.sku, shop_only.sku, expired.sku}
    assert facts[("stock.stockouts", ran_out.sku)] == (Decimal(1), 1)


def test_expiring_value_is_lots_expiring_within_thirty_days_at_cost():
    # given: lots expiring in 10 days, in 31 days, and on the day itself
    yoghurt = VariantFactory(stock=0, tracks_lots=True, cost_price=Decimal("2.50"))
    receive(yoghurt, 8, at(DAY - timedelta(days=2), 9), lot_code="A", expires_on=DAY + timedelta(days=10))
    receive(yoghurt, 5, at(DAY - timedelta(days=2), 9), lot_code="B", expires_on=DAY + timedelta(days=31))
    receive(yoghurt, 3, at(DAY - timedelta(days=2), 9), lot_code="C", expires_on=DAY)
    receive(yoghurt, 4, at(DAY + timedelta(days=1), 10), lot_code="A", expires_on=DAY + timedelta(days=10))
    # when
    facts = facts_of(DAY, "expiring")
    # then: the 8 units of lot A at the end of the day
    assert facts == {("stock.expiring_value", "cd-sp"): (Decimal("20.00"), 8)}


def test_a_day_costs_the_same_few_queries_whatever_it_holds(django_assert_max_num_queries):
    for index in range(4):
        variant = VariantFactory(stock=0, cost_price=Decimal("1.00"))
        receive(variant, 3 + index, at(DAY, 9 + index))
        sold(variant, at(DAY, 12))
    with django_assert_max_num_queries(14):
        facts = list(collect_stock(DAY))
    assert facts


def test_every_metric_belongs_to_the_section():
    from backoffice.kpis.services import section_facts_collect

    receive(VariantFactory(stock=0, cost_price=Decimal("1.00")), 1, at(DAY, 9))
    facts = section_facts_collect(section=SECTION, day=DAY)
    assert {fact.metric for fact in facts} >= {"stock.value", "stock.on_hand"}
    assert all(chart.metrics() for chart in SECTION.charts)


def test_the_dashboard_shows_the_stored_day(staff_client, django_assert_max_num_queries):
    from django.urls import reverse

    from backoffice.kpis.services import kpi_day_rebuild
    from backoffice.roles import Role

    # given: 3 units at 2.00 received on DAY, stored by the rebuild
    receive(VariantFactory(stock=0, cost_price=Decimal("2.00")), 3, at(DAY, 9))
    kpi_day_rebuild(day=DAY, sections=[SECTION])
    client = staff_client(Role.MANAGER)
    # when
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("backoffice:kpi-section", kwargs={"section": "stock"}),
            {"start": DAY.isoformat(), "end": DAY.isoformat()},
        )
    # then
    assert response.status_code == 200
    value = next(chart for chart in response.context["report"].charts if chart.chart.slug == "value")
    assert value.total.figures[0].value == Decimal("6.00")
    assert format_brl(Decimal("6.00")) in response.content.decode()  # R$ 6,00


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
