"""Streaming holds a chunk at a time: the peak memory of an export does not grow with its rows."""

import tracemalloc

import pytest

from exports.datasets import DATASETS
from exports.selectors import export_plan, export_rows
from exports.writers import export_chunks
from inventory.models import StockMovement
from tests.exports.factories import at, movement

pytestmark = pytest.mark.django_db


def _peak_while_streaming(format: str) -> tuple[int, int]:
    dataset = DATASETS["stock_movements"]
    plan = export_plan(dataset=dataset)
    tracemalloc.start()
    try:
        written = 0
        for chunk in export_chunks(
            dataset=dataset, rows=export_rows(plan=plan), format=format, dialect="standard"
        ):
            written += len(chunk)
        return tracemalloc.get_traced_memory()[1], written
    finally:
        tracemalloc.stop()


def _grow_to(total: int) -> None:
    first = movement(change=1, when=at(1))
    have = StockMovement.objects.count()
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                level=first.level, kind="adjust", on_hand_change=1, reference=f"count:{n}", actor="job:test"
            )
            for n in range(total - have)
        ],
        batch_size=2000,
    )
    StockMovement.objects.update(created_at=at(1))


@pytest.mark.parametrize("format", ["csv", "jsonl"])
def test_peak_memory_stays_flat_from_5000_to_20000_rows(format, settings):
    settings.DEBUG = False  # the query log would keep every query
    _grow_to(5000)
    small_peak, small_bytes = _peak_while_streaming(format)
    _grow_to(20000)
    large_peak, large_bytes = _peak_while_streaming(format)

    assert large_bytes > 3.5 * small_bytes
    # Four times the rows, about the same peak: a chunk of rows and one of output.
    assert large_peak < small_peak * 1.3
    assert large_peak < 8 * 1024 * 1024
