"""Backend-neutral helpers for row locks.

Every app keeps its lock helpers in its own `locks.py`, each locking in primary-key
order. When a service needs rows of several models, it fetches the ids first and locks
the models in this order, always, so two transactions never wait on each other:

    Cart -> Voucher -> Payment -> Order -> Refund -> RecoveryOpportunity -> OrderLine -> pick list -> shipment
         -> stock document (purchase order, transfer, count) -> Reservation -> StockLevel -> StockQuant
         -> Product -> Variant
         -> Ticket -> Sequence -> Notification

(a catalog write locks the Product before touching its variants; an order takes its number
from its Sequence last, just before commit, so the one shared counter is held briefly).

On SQLite `select_for_update` is a no-op (the whole database is locked for writes);
`skip_locked` is only passed where the backend supports it.
"""

from django.db import connection
from django.db.models import QuerySet


def for_update(queryset: QuerySet, *, skip_locked: bool = False) -> QuerySet:
    """Lock the rows of `queryset` in primary-key order."""
    skip_locked = skip_locked and connection.features.has_select_for_update_skip_locked
    return queryset.order_by("pk").select_for_update(skip_locked=skip_locked)
