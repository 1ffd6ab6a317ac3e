"""The returns team's reads: the queues and their search, and what an inspection checks a
scanned unit against."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from inventory.models import Bin
from inventory.services.stock import bin_upsert
from logistics.models import Shipment
from returns.models import ReturnRequest
from returns.selectors import QUEUES, return_queue, return_restock_bins, return_unit_codes
from tests.inventory.factories import WarehouseFactory
from tests.logistics.factories import stocked_variant
from tests.orders.factories import OrderFactory
from tests.returns.factories import ask_return, delivered_order

pytestmark = pytest.mark.django_db

RS = ReturnRequest.Status
EAN = "7891234567895"


def request_row(*, order=None, status: str = RS.IN_TRANSIT, sequence: int = 1, **fields) -> ReturnRequest:
    """A request row only (queues and searches), numbered as the store numbers them."""
    order = order or OrderFactory()
    return ReturnRequest.objects.create(
        number=f"{order.number}-D{sequence}",
        order=order,
        status=status,
        reason=ReturnRequest.Reason.DEFECT,
        resolution=ReturnRequest.Resolution.REFUND,
        **fields,
    )


def numbers(requests) -> list[str]:
    return [request.number for request in requests]


# The queues


def test_the_finished_index_holds_exactly_the_finished_tabs_statuses():
    (index,) = [index for index in ReturnRequest._meta.indexes if index.name == "return_done_created_idx"]
    ((lookup, statuses),) = index.condition.children
    assert lookup == "status__in"
    assert sorted(statuses) == sorted(QUEUES["done"])
    # and in the order the finished tab reads, so it is read as it lies
    assert index.fields == ["-created_at", "-id"]


def test_the_finished_tab_reads_newest_first_and_only_finished_requests():
    now = timezone.now()
    old = request_row(status=RS.REFUNDED)
    new = request_row(status=RS.EXPIRED)
    request_row(status=RS.INSPECTED)
    ReturnRequest.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=3))
    ReturnRequest.objects.filter(pk=new.pk).update(created_at=now - timedelta(days=1))
    assert numbers(return_queue(queue="done")) == [new.number, old.number]


def test_the_open_tabs_read_oldest_first():
    now = timezone.now()
    new = request_row(status=RS.IN_TRANSIT)
    old = request_row(status=RS.AWAITING_SHIPMENT)
    ReturnRequest.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=3))
    assert numbers(return_queue(queue="in_transit")) == [old.number, new.number]


def test_a_search_by_email_reads_the_orders_email_in_lower_case():
    order = OrderFactory(email="ana.souza@example.com.br")
    wanted = request_row(order=order)
    request_row()
    assert numbers(return_queue(queue="in_transit", search=" Ana.Souza@Example.com.BR ")) == [wanted.number]


def test_an_email_is_never_read_as_a_number_or_tracking_code():
    request_row(tracking_code="QB000000001BR")
    assert numbers(return_queue(queue="in_transit", search="qb000000001br@")) == []


@pytest.mark.parametrize("field", ["number", "tracking_code"])
def test_a_search_finds_one_request_by_its_number_or_tracking_code(field):
    order = OrderFactory()
    first = request_row(order=order, tracking_code="QB000000001BR")
    request_row(order=order, sequence=2, tracking_code="QB000000002BR")
    assert numbers(return_queue(queue="in_transit", search=getattr(first, field).lower())) == [first.number]


def test_an_order_number_finds_its_requests_and_no_other_orders():
    order = OrderFactory(number="812345")
    first = request_row(order=order)
    second = request_row(order=order, sequence=2)
    request_row(order=OrderFactory(number="8123456"))
    assert numbers(return_queue(queue="in_transit", search="812345")) == [first.number, second.number]


def test_a_search_stays_within_its_queue():
    wanted = request_row(status=RS.IN_TRANSIT)
    assert numbers(return_queue(queue="done", search=wanted.number)) == []
    assert numbers(return_queue(queue="in_transit", search=wanted.number)) == [wanted.number]


def test_wildcards_in_a_search_match_nothing_more():
    request_row()
    assert numbers(return_queue(queue="in_transit", search="%")) == []
    assert numbers(return_queue(queue="in_transit", search="_")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_the_finished_tab_can_be_read_through_its_index():
    request_row(status=RS.REFUNDED)
    queryset = return_queue(queue="done")[:25]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = queryset.explain()
    assert "return_done_created_idx" in plan


# What an inspection checks a scanned unit against


def received(capture, *, ean: str = "") -> ReturnRequest:
    order = delivered_order(capture, lines=[(stocked_variant(units=3, ean=ean), 2)])
    with capture(execute=True):
        request = ask_return(order)
    return ReturnRequest.objects.prefetch_related("lines__order_line").get(pk=request.pk)


def test_a_unit_scans_as_its_sku_or_its_ean(django_capture_on_commit_callbacks, django_assert_num_queries):
    request = received(django_capture_on_commit_callbacks, ean=EAN)
    line = request.lines.get()
    request = ReturnRequest.objects.prefetch_related("lines__order_line").get(pk=request.pk)
    with django_assert_num_queries(1):
        codes = return_unit_codes(request=request)
    assert codes == {line.order_line_id: frozenset({line.order_line.sku.upper(), EAN})}


def test_a_unit_without_an_ean_scans_as_its_sku_only(django_capture_on_commit_callbacks):
    request = received(django_capture_on_commit_callbacks)
    line = request.lines.get()
    assert return_unit_codes(request=request) == {
        line.order_line_id: frozenset({line.order_line.sku.upper()})
    }


def test_units_go_back_to_the_sellable_bins_of_the_warehouse_the_order_left_from(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    request = received(django_capture_on_commit_callbacks)
    place = Shipment.objects.get(order_id=request.order_id).warehouse
    bin_upsert(warehouse=place, code=Bin.DEFAULT_CODE, position=90)
    bin_upsert(warehouse=place, code="B-02-02", position=2)
    closed = bin_upsert(warehouse=place, code="Z-09-09", position=9)
    Bin.objects.filter(pk=closed.pk).update(is_active=False)
    bin_upsert(warehouse=place, code=Bin.DISPATCH_CODE, position=0)
    bin_upsert(warehouse=WarehouseFactory(shop=True), code="C-03-03", position=3)
    with django_assert_num_queries(1):
        bins = return_restock_bins(request=request)
    expected = list(
        Bin.objects.filter(warehouse=place, is_sellable=True, is_active=True)
        .exclude(code__in=[Bin.DEFAULT_CODE, Bin.DISPATCH_CODE])
        .order_by("position", "code")
    )
    assert [bin.code for bin in bins] == [Bin.DEFAULT_CODE, *[bin.code for bin in expected]]
    assert "B-02-02" in [bin.code for bin in bins]
    assert not {"Z-09-09", Bin.DISPATCH_CODE, "C-03-03"} & {bin.code for bin in bins}
