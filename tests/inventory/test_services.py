from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from core.actor import Actor
from inventory.exceptions import InvalidQuantity, OutOfStock
from inventory.models import Reservation, StockLevel, StockMovement
from inventory.services import (
    reservation_allocate,
    reservation_release,
    reservations_expire,
    stock_receive,
    stock_reserve,
)
from storefront.catalog.models import Variant
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory

pytestmark = pytest.mark.django_db

JOB = Actor.job("test")


def stocked_variant(online: int = 0, shop: int = 0) -> Variant:
    variant = ProductFactory(stock=0).variants.get()
    if online:
        stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=online, actor=JOB)
    if shop:
        stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(shop=True), quantity=shop, actor=JOB)
    variant.refresh_from_db()
    return variant


def assert_ledger_balances():
    for level in StockLevel.objects.all():
        moved = level.movements.aggregate(on_hand=Sum("on_hand_change"), reserved=Sum("reserved_change"))
        assert (level.on_hand, level.reserved) == (moved["on_hand"] or 0, moved["reserved"] or 0)


def test_shop_stock_never_counts_as_online_availability():
    variant = stocked_variant(online=3, shop=7)
    assert variant.stock_online == 3
    assert variant.product.in_stock


@pytest.mark.parametrize("quantity", [0, -2, 1.5, "3"])
def test_receiving_a_nonsense_quantity_is_refused_and_changes_nothing(quantity):
    variant = stocked_variant()
    with pytest.raises(InvalidQuantity):
        stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=quantity, actor=JOB)
    assert not StockMovement.objects.exists()


def test_a_reservation_holds_units_and_the_storefront_sees_it_at_once():
    variant = stocked_variant(online=5)
    stock_reserve(lines=[(variant.pk, 2), (variant.pk, 1)], reference="order:1", actor=JOB)
    variant.refresh_from_db()
    assert variant.stock_online == 2
    assert Reservation.objects.get().quantity == 3
    assert_ledger_balances()


def test_reserving_more_than_available_holds_nothing_and_names_the_short_variants():
    plenty, scarce = stocked_variant(online=10), stocked_variant(online=1)
    with pytest.raises(OutOfStock) as error:
        stock_reserve(lines=[(plenty.pk, 2), (scarce.pk, 2)], reference="order:1", actor=JOB)
    assert error.value.variant_ids == [scarce.pk]
    assert not Reservation.objects.exists()
    assert StockLevel.objects.aggregate(total=Sum("reserved"))["total"] == 0


def test_the_last_unit_sells_out_the_product_online():
    variant = stocked_variant(online=1)
    stock_reserve(lines=[(variant.pk, 1)], reference="order:1", actor=JOB)
    variant.refresh_from_db()
    assert variant.stock_online == 0
    assert not variant.product.in_stock


def test_release_gives_the_units_back_once():
    variant = stocked_variant(online=4)
    stock_reserve(lines=[(variant.pk, 3)], reference="order:1", actor=JOB)
    assert reservation_release(reference="order:1", actor=JOB, reason="cancelled") == 3
    assert reservation_release(reference="order:1", actor=JOB) == 0
    variant.refresh_from_db()
    assert variant.stock_online == 4
    assert_ledger_balances()


def test_expired_holds_are_released_but_allocated_ones_stay():
    variant = stocked_variant(online=5)
    past = timezone.now() - timedelta(minutes=1)
    stock_reserve(lines=[(variant.pk, 2)], reference="order:unpaid", actor=JOB, expires_at=past)
    stock_reserve(lines=[(variant.pk, 1)], reference="order:paid", actor=JOB, expires_at=past)
    reservation_allocate(reference="order:paid")

    assert reservations_expire() == 1

    statuses = dict(Reservation.objects.values_list("reference", "status"))
    assert statuses == {
        "order:unpaid": Reservation.Status.RELEASED,
        "order:paid": Reservation.Status.ALLOCATED,
    }
    variant.refresh_from_db()
    assert variant.stock_online == 4
    assert_ledger_balances()


def test_expiry_never_releases_a_hold_a_payment_allocated_meanwhile():
    from inventory.services import reservation_expire

    variant = stocked_variant(online=3)
    past = timezone.now() - timedelta(minutes=1)
    stock_reserve(lines=[(variant.pk, 2)], reference="order:7", actor=JOB, expires_at=past)
    reservation_allocate(reference="order:7")  # the payment wins the race

    assert reservation_expire(reference="order:7", now=timezone.now()) == 0
    assert Reservation.objects.get().status == Reservation.Status.ALLOCATED
    variant.refresh_from_db()
    assert variant.stock_online == 1
