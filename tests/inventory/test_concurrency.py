from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from core.actor import Actor
from inventory.exceptions import OutOfStock
from inventory.models import Reservation, StockLevel
from inventory.services import stock_receive, stock_reserve
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_buyers_racing_for_ten_units_get_exactly_ten():
    variant = ProductFactory(stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=10, actor=Actor.job("test"))
    buyers = 50
    barrier = Barrier(buyers)

    def buy(index: int) -> bool:
        barrier.wait()
        try:
            stock_reserve(lines=[(variant.pk, 1)], reference=f"order:{index}", actor=Actor.job("test"))
        except OutOfStock:
            return False
        finally:
            connection.close()
        return True

    with ThreadPoolExecutor(max_workers=buyers) as pool:
        outcomes = list(pool.map(buy, range(buyers)))

    assert outcomes.count(True) == 10
    level = StockLevel.objects.get()
    assert (level.on_hand, level.reserved) == (10, 10)
    assert Reservation.objects.count() == 10
    variant.refresh_from_db()
    assert variant.stock_online == 0


def test_buyers_transfers_receipts_and_counts_racing_never_oversell_or_deadlock():
    """Reservations, transfers out, receipts and an applied count on two variants at once:
    every refusal is a clear domain error, and afterwards all adds up."""
    from inventory.exceptions import TransferTooLarge
    from inventory.selectors import stock_discrepancies
    from inventory.services import (
        CountedLine,
        reservation_allocate,
        stock_count_apply,
        stock_count_open,
        stock_count_record,
        transfer_send,
    )

    job = Actor.job("test")
    online, shop = WarehouseFactory(), WarehouseFactory(shop=True)
    variants = [ProductFactory(stock=0).variants.get() for _ in range(2)]
    for variant in variants:
        stock_receive(variant_id=variant.pk, warehouse=online, quantity=6, actor=job)
    count = stock_count_open(warehouse=online, actor=job)
    stock_count_record(count_id=count.pk, lines=[CountedLine(variants[0].sku, "GERAL", 6)], actor=job)
    both = [(variants[0].pk, 1), (variants[1].pk, 1)]
    backwards = list(reversed(both))
    tasks = (
        [("reserve", index, both if index % 2 else backwards) for index in range(10)]
        + [("transfer", index, both if index % 2 else backwards) for index in range(6)]
        + [("receive", index, variants[index % 2].pk) for index in range(4)]
        + [("count", 0, None)]
    )
    barrier = Barrier(len(tasks))

    def run(task) -> str:
        kind, index, argument = task
        barrier.wait()
        try:
            if kind == "reserve":
                stock_reserve(lines=argument, reference=f"order:{index}", actor=job)
                reservation_allocate(reference=f"order:{index}")
            elif kind == "transfer":
                transfer_send(source=online, destination=shop, lines=argument, actor=job)
            elif kind == "receive":
                stock_receive(variant_id=argument, warehouse=online, quantity=1, actor=job)
            else:
                stock_count_apply(count_id=count.pk, actor=job)
        except (OutOfStock, TransferTooLarge):
            return "refused"
        finally:
            connection.close()
        return "done"

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        outcomes = list(pool.map(run, tasks))

    assert set(outcomes) <= {"done", "refused"}
    assert stock_discrepancies(level_ids=list(StockLevel.objects.values_list("pk", flat=True))) == []
    for level in StockLevel.objects.filter(warehouse=online):
        assert 0 <= level.reserved <= level.on_hand
