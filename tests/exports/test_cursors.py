"""Incremental exports: the cursor a run ends with makes the next run take only what is new
or changed since."""

import csv
import io
from datetime import date, timedelta

import pytest

from exports.cursors import Cursor, cursor_decode, cursor_encode
from exports.datasets import DATASETS
from exports.exceptions import InvalidCursor, InvalidDateRange
from orders.models import Order
from tests.exports.factories import at, movement, order, run_export, stamp

pytestmark = pytest.mark.django_db


def _numbers(text: str, column: str = "number") -> list[str]:
    return [row[column] for row in csv.DictReader(io.StringIO(text))]


def test_second_run_takes_only_new_and_changed_orders():
    first = order(number="200001", placed=at(1))
    order(number="200002", placed=at(2))
    _text, cursor = run_export("orders")

    # given: one new order, and an old one that changed since
    order(number="200003", placed=at(3))
    Order.objects.filter(pk=first.pk).update(status=Order.Status.CANCELLED)
    stamp(first, created=at(1), updated=at(4))

    text, next_cursor = run_export("orders", cursor=cursor)

    assert _numbers(text) == ["200003", "200001"]  # in the order they changed
    assert next_cursor != cursor
    again, same_cursor = run_export("orders", cursor=next_cursor)
    assert _numbers(again) == []
    assert same_cursor == next_cursor


def test_rows_sharing_a_timestamp_are_split_by_id_across_runs():
    for number in ("200011", "200012", "200013"):
        order(number=number, placed=at(1))
    first, cursor = run_export("orders")
    assert _numbers(first) == ["200011", "200012", "200013"]

    order(number="200014", placed=at(1))  # the same instant, a higher id

    text, _cursor = run_export("orders", cursor=cursor)
    assert _numbers(text) == ["200014"]


def test_append_only_ledger_follows_the_id():
    movement(change=5, when=at(1))
    _text, cursor = run_export("stock_movements")
    later = movement(change=7, when=at(2))

    text, _cursor = run_export("stock_movements", cursor=cursor)

    assert _numbers(text, "movement_id") == [str(later.pk)]


def test_keyset_pages_cover_every_row_once():
    for day in range(1, 8):
        order(number=f"2001{day:02d}", placed=at(day))
    from exports import selectors

    plan = selectors.export_plan(dataset=DATASETS["orders"])
    numbers = [row[0] for row in selectors.export_rows(plan=plan, chunk_size=2)]

    assert numbers == [f"2001{day:02d}" for day in range(1, 8)]


def test_date_range_is_inclusive_in_the_store_time_zone():
    order(number="200021", placed=at(1, 23, 59))
    order(number="200022", placed=at(2, 0, 0))
    order(number="200023", placed=at(3, 23, 59))
    order(number="200024", placed=at(4, 0, 0))

    text, _cursor = run_export("orders", date_from=date(2026, 3, 2), date_to=date(2026, 3, 3))

    assert _numbers(text) == ["200022", "200023"]


def test_young_rows_wait_for_the_next_run(settings):
    settings.STORE_EXPORT_SETTLE_SECONDS = 60
    from tests.orders.factories import OrderFactory

    OrderFactory(number="200031")  # updated just now: its transaction might still be open

    text, cursor = run_export("orders")

    assert _numbers(text) == []
    assert cursor == ""


@pytest.mark.parametrize(
    "text",
    [
        "not a cursor",
        "eyJ2IjoxfQ",  # {"v":1}
        "eyJkcyI6InN0b2NrX21vdmVtZW50cyIsInBrIjoxLCJ2IjoxfQ",  # another dataset's
        "eyJkcyI6Im9yZGVycyIsInBrIjoxLCJ2IjoxfQ",  # orders, without its timestamp
        "eyJhdCI6IjIwMjYtMDMtMDFUMTA6MDA6MDAiLCJkcyI6Im9yZGVycyIsInBrIjoxLCJ2IjoxfQ",  # naive time
        "eyJhdCI6IjIwMjYtMDMtMDFUMTA6MDA6MDAtMDM6MDAiLCJkcyI6Im9yZGVycyIsInBrIjotMSwidiI6MX0",  # pk -1
    ],
)
def test_a_cursor_of_anything_else_is_refused(text):
    with pytest.raises(InvalidCursor):
        cursor_decode(dataset=DATASETS["orders"], text=text)


def test_a_cursor_reads_back_as_it_was_written():
    cursor = Cursor(at=at(1, 10, 0), pk=42)
    text = cursor_encode(dataset=DATASETS["orders"], cursor=cursor)
    assert cursor_decode(dataset=DATASETS["orders"], text=text) == cursor


def test_reversed_dates_are_refused():
    with pytest.raises(InvalidDateRange):
        run_export("orders", date_from=date(2026, 3, 5), date_to=date(2026, 3, 1))


def test_with_a_replica_rows_also_wait_for_its_largest_allowed_lag(settings, monkeypatch):
    settings.STORE_EXPORT_SETTLE_SECONDS = 0
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 30
    monkeypatch.setattr("exports.selectors.replica_configured", lambda: True)
    from django.utils import timezone

    order(number="200041", placed=at(1))
    recent = order(number="200042", placed=at(1))
    stamp(recent, created=at(1), updated=timezone.now() - timedelta(seconds=10))  # maybe not replicated yet

    text, _cursor = run_export("orders")

    assert _numbers(text) == ["200041"]
