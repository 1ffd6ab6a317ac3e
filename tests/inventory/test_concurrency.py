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
