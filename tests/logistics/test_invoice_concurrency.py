"""Invoice numbers of a series never repeat nor skip, however many packers close boxes at once."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from logistics.models import InvoiceRecord
from tests.logistics.factories import pack, picked_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_packers_racing_get_consecutive_invoice_numbers(django_capture_on_commit_callbacks):
    orders = [picked_order(django_capture_on_commit_callbacks) for _ in range(8)]
    barrier = Barrier(len(orders))

    def close_box(order) -> int:
        barrier.wait()
        try:
            return pack(order).invoice.number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(orders)) as pool:
        numbers = sorted(pool.map(close_box, orders))

    assert numbers == list(range(1, len(orders) + 1))
    assert sorted(InvoiceRecord.objects.values_list("number", flat=True)) == numbers
