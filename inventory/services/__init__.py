"""Every write the inventory makes, split by sub-domain; the public names are re-exported here."""

from inventory.services.counts import (
    CountedLine,
    stock_count_apply,
    stock_count_cancel,
    stock_count_import,
    stock_count_open,
    stock_count_record,
)
from inventory.services.picking import (
    allocation_pick,
    allocation_short,
    dispatch_bin,
    reservation_ship,
    reservation_top_up,
)
from inventory.services.purchasing import (
    ReceivedLine,
    purchase_order_close,
    purchase_order_create,
    purchase_order_receive,
    supplier_upsert,
)
from inventory.services.replenishment import reorder_rule_set, replenishment_notify
from inventory.services.reservations import (
    reservation_allocate,
    reservation_expire,
    reservation_release,
    reservations_expire,
    stock_reserve,
)
from inventory.services.stock import (
    bin_upsert,
    default_bin,
    quarantine_bin,
    stock_apply,
    stock_receive,
    stock_return,
    stock_sync_online,
    warehouse_upsert,
)
from inventory.services.transfers import transfer_cancel, transfer_receive, transfer_send

__all__ = [
    "CountedLine",
    "ReceivedLine",
    "allocation_pick",
    "allocation_short",
    "bin_upsert",
    "default_bin",
    "dispatch_bin",
    "purchase_order_close",
    "purchase_order_create",
    "purchase_order_receive",
    "quarantine_bin",
    "reorder_rule_set",
    "replenishment_notify",
    "reservation_allocate",
    "reservation_expire",
    "reservation_release",
    "reservation_ship",
    "reservation_top_up",
    "reservations_expire",
    "stock_apply",
    "stock_count_apply",
    "stock_count_cancel",
    "stock_count_import",
    "stock_count_open",
    "stock_count_record",
    "stock_receive",
    "stock_reserve",
    "stock_return",
    "stock_sync_online",
    "supplier_upsert",
    "transfer_cancel",
    "transfer_receive",
    "transfer_send",
    "warehouse_upsert",
]
