from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.actor import Actor
from inventory.exceptions import LotExpiryMismatch, LotRequired, OutOfStock
from inventory.models import Bin, ReservationAllocation, StockLevel, StockQuant
from inventory.selectors import stock_discrepancies
from inventory.services import reservation_allocate, reservation_release, stock_receive, stock_reserve
from inventory.services.stock import lots_expired_sync
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory

pytestmark = pytest.mark.django_db

JOB = Actor.job("test")
TODAY = timezone.localdate()


@pytest.fixture
def milk():
    """A lot-tracked variant with nothing in stock yet."""
    variant = ProductFactory(name="Leite integral", stock=0).variants.get()
    variant.tracks_lots = True
    variant.save(update_fields=["tracks_lots"])
    return variant


def receive(variant, quantity, *, lot, expires_in_days, bin=None):
    return stock_receive(
        variant_id=variant.pk,
        warehouse=WarehouseFactory(),
        quantity=quantity,
        actor=JOB,
        bin=bin,
        lot_code=lot,
        expires_on=TODAY + timedelta(days=expires_in_days),
    )


def test_a_lot_tracked_variant_is_received_only_with_its_lot_and_expiry(milk):
    with pytest.raises(LotRequired):
        stock_receive(variant_id=milk.pk, warehouse=WarehouseFactory(), quantity=3, actor=JOB)
    receive(milk, 3, lot="L1", expires_in_days=30)
    with pytest.raises(LotExpiryMismatch):
        receive(milk, 2, lot="L1", expires_in_days=40)
    assert StockQuant.objects.get().on_hand == 3


def test_expired_lots_are_not_sold_online(milk):
    receive(milk, 4, lot="OLD", expires_in_days=-1)
    receive(milk, 2, lot="NEW", expires_in_days=20)
    milk.refresh_from_db()
    assert milk.stock_online == 2
    with pytest.raises(OutOfStock):
        stock_reserve(lines=[(milk.pk, 3)], reference="order:1", actor=JOB)


def test_paid_orders_take_the_first_lot_to_expire_across_bins(milk):
    warehouse = WarehouseFactory()
    near, far = (
        Bin.objects.create(warehouse=warehouse, code=code, position=n)
        for n, code in ((1, "A-01"), (2, "B-07"))
    )
    receive(milk, 5, lot="LATER", expires_in_days=60, bin=near)
    receive(milk, 2, lot="SOONER", expires_in_days=10, bin=far)
    receive(milk, 3, lot="SOON", expires_in_days=15, bin=near)
    stock_reserve(lines=[(milk.pk, 4)], reference="order:7", actor=JOB)

    assert reservation_allocate(reference="order:7") == 0
    taken = [
        (allocation.quant.lot.code, allocation.quantity)
        for allocation in ReservationAllocation.objects.select_related("quant__lot").order_by("pk")
    ]
    assert taken == [("SOONER", 2), ("SOON", 2)]
    assert stock_discrepancies(level_ids=list(StockLevel.objects.values_list("pk", flat=True))) == []

    reservation_release(reference="order:7", actor=JOB, reason="cancelled")
    assert not ReservationAllocation.objects.exists()
    assert sum(StockQuant.objects.values_list("allocated", flat=True)) == 0


def test_an_order_whose_lot_expired_after_checkout_comes_up_short(milk):
    receive(milk, 2, lot="L1", expires_in_days=0)
    stock_reserve(lines=[(milk.pk, 2)], reference="order:9", actor=JOB)
    milk.lots.update(expires_on=TODAY - timedelta(days=1))  # the calendar moved on
    assert reservation_allocate(reference="order:9") == 2


def test_check_stock_says_all_agrees_and_finds_a_tampered_level(milk):
    receive(milk, 5, lot="L1", expires_in_days=30)
    output = StringIO()
    call_command("check_stock", stdout=output, stderr=StringIO())
    assert "1 stock levels agree with the ledger" in output.getvalue()

    StockLevel.objects.update(on_hand=6)  # what no service would do
    output = StringIO()
    with pytest.raises(CommandError, match="disagreement"):
        call_command("check_stock", stdout=output, stderr=StringIO())
    assert "on hand vs ledger: recorded 6, expected 5" in output.getvalue()
    assert "on hand vs bins: recorded 6, expected 5" in output.getvalue()


def test_a_lot_expiring_overnight_leaves_online_sale_with_the_daily_run(milk):
    receive(milk, 3, lot="L1", expires_in_days=0)
    receive(milk, 2, lot="L2", expires_in_days=30)
    milk.refresh_from_db()
    assert milk.stock_online == 5
    assert lots_expired_sync(today=TODAY + timedelta(days=1)) == 1
    milk.refresh_from_db()
    assert milk.stock_online == 2
