from collections.abc import Iterable
from typing import TypeVar

from django.db import models

from core.locks import for_update
from inventory.models import Reservation, StockLevel, StockQuant

DocumentT = TypeVar("DocumentT", bound=models.Model)


def lock_stock_levels(*, ids: Iterable[int]) -> list[StockLevel]:
    return list(for_update(StockLevel.objects.filter(pk__in=list(ids))))


def lock_reservations(*, reference: str, statuses: Iterable[str]) -> list[Reservation]:
    return list(for_update(Reservation.objects.filter(reference=reference, status__in=list(statuses))))


def lock_stock_quants(*, ids: Iterable[int]) -> list[StockQuant]:
    """Quants lock after their stock levels."""
    return list(for_update(StockQuant.objects.filter(pk__in=list(ids))))


def lock_document(model: type[DocumentT], pk: int) -> DocumentT:
    """A purchase order, transfer or stock count; documents lock before the stock they move."""
    return for_update(model.objects.filter(pk=pk)).get()
