"""The returns team's reads: the queues and their search."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from returns.models import ReturnRequest
from returns.selectors import QUEUES, return_queue
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

RS = ReturnRequest.Status


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
