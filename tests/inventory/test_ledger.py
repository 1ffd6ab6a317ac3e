"""Whatever sequence of operations runs, every figure adds up to the ledger and nothing goes negative."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.actor import Actor
from core.exceptions import DomainError
from inventory.models import Bin, StockLevel, StockQuant, Warehouse
from inventory.selectors import sellable_on_hand, stock_discrepancies
from inventory.services import (
    CountedLine,
    reservation_allocate,
    reservation_release,
    reservations_expire,
    stock_count_apply,
    stock_count_open,
    stock_count_record,
    stock_receive,
    stock_reserve,
    transfer_receive,
    transfer_send,
)
from storefront.catalog.models import Variant
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory

pytestmark = pytest.mark.django_db

JOB = Actor.job("test")
TODAY = timezone.localdate()
LOTS = [("L-PAST", -3), ("L-SOON", 5), ("L-LATE", 90)]

operation = st.one_of(
    st.tuples(
        st.just("receive"),
        st.integers(0, 1),  # variant
        st.integers(0, 1),  # warehouse: online, shop
        st.integers(0, 1),  # bin
        st.integers(0, len(LOTS) - 1),
        st.integers(1, 6),
    ),
    st.tuples(st.just("reserve"), st.integers(0, 3), st.integers(0, 1), st.integers(1, 4)),
    st.tuples(st.just("release"), st.integers(0, 3)),
    st.tuples(st.just("allocate"), st.integers(0, 3)),
    st.tuples(st.just("expire")),
    st.tuples(st.just("transfer"), st.integers(0, 1), st.booleans(), st.integers(1, 4), st.booleans()),
    st.tuples(st.just("count"), st.integers(0, 1), st.integers(0, 1), st.integers(0, 8)),
)


@pytest.fixture
def world():
    online, shop = WarehouseFactory(), WarehouseFactory(shop=True)
    bins = {
        warehouse.pk: [Bin.objects.create(warehouse=warehouse, code=f"B-{n}", position=n) for n in range(2)]
        for warehouse in (online, shop)
    }
    plain = ProductFactory(stock=0).variants.get()
    tracked = ProductFactory(stock=0).variants.get()
    tracked.tracks_lots = True
    tracked.save(update_fields=["tracks_lots"])
    return {"warehouses": [online, shop], "bins": bins, "variants": [plain, tracked]}


def run(world, step):
    kind, *args = step
    if kind == "receive":
        variant_index, warehouse_index, bin_index, lot_index, quantity = args
        variant, warehouse = world["variants"][variant_index], world["warehouses"][warehouse_index]
        lot, days = LOTS[lot_index]
        stock_receive(
            variant_id=variant.pk,
            warehouse=warehouse,
            quantity=quantity,
            actor=JOB,
            bin=world["bins"][warehouse.pk][bin_index],
            lot_code=lot if variant.tracks_lots else "",
            expires_on=TODAY + timedelta(days=days) if variant.tracks_lots else None,
        )
    elif kind == "reserve":
        order, variant_index, quantity = args
        stock_reserve(
            lines=[(world["variants"][variant_index].pk, quantity)],
            reference=f"order:{order}",
            actor=JOB,
            expires_at=timezone.now() + timedelta(minutes=30),
        )
    elif kind == "release":
        reservation_release(reference=f"order:{args[0]}", actor=JOB)
    elif kind == "allocate":
        reservation_allocate(reference=f"order:{args[0]}")
    elif kind == "transfer":
        variant_index, to_online, quantity, arrives = args
        online, shop = world["warehouses"]
        source, destination = (shop, online) if to_online else (online, shop)
        transfer = transfer_send(
            source=source,
            destination=destination,
            lines=[(world["variants"][variant_index].pk, quantity)],
            actor=JOB,
        )
        if arrives:
            transfer_receive(transfer_id=transfer.pk, actor=JOB)
    elif kind == "count":
        variant_index, bin_index, counted = args
        variant, online = world["variants"][variant_index], world["warehouses"][0]
        quant = (
            StockQuant.objects.filter(
                level__variant=variant, level__warehouse=online, bin__code=f"B-{bin_index}"
            )
            .select_related("lot")
            .first()
        )
        count = stock_count_open(warehouse=online, actor=JOB)
        line = CountedLine(
            variant.sku, f"B-{bin_index}", counted, lot_code=quant.lot.code if quant and quant.lot else ""
        )
        stock_count_record(count_id=count.pk, lines=[line], actor=JOB)
        stock_count_apply(count_id=count.pk, actor=JOB)
    else:
        reservations_expire(now=timezone.now() + timedelta(hours=1))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(operation, max_size=20))
def test_the_ledger_holds_whatever_happens(world, steps):
    with transaction.atomic():
        for step in steps:
            try:
                with transaction.atomic():
                    run(world, step)
            except DomainError:
                pass  # refused operations change nothing; the checks below prove it
        level_ids = list(StockLevel.objects.values_list("pk", flat=True))
        assert stock_discrepancies(level_ids=level_ids) == []
        on_hand = sellable_on_hand(level_ids=level_ids)
        for variant in Variant.objects.filter(pk__in=[v.pk for v in world["variants"]]):
            online = StockLevel.objects.filter(variant=variant, warehouse__sells_online=True)
            expected = sum(max(on_hand.get(level.pk, 0) - level.reserved, 0) for level in online)
            assert variant.stock_online == expected
        assert Warehouse.objects.count() == 2
        transaction.set_rollback(True)
