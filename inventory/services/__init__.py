"""Every write the inventory makes, split by sub-domain; the public names are re-exported here."""

from inventory.services.reservations import (
    reservation_allocate,
    reservation_expire,
    reservation_release,
    reservations_expire,
    stock_reserve,
)
from inventory.services.stock import stock_apply, stock_receive, stock_sync_online, warehouse_upsert

__all__ = [
    "reservation_allocate",
    "reservation_expire",
    "reservation_release",
    "reservations_expire",
    "stock_apply",
    "stock_receive",
    "stock_reserve",
    "stock_sync_online",
    "warehouse_upsert",
]
