import csv
import io

import pytest
from django.urls import reverse

from backoffice.roles import Role
from backoffice.views.exports import EXPORT_FORM_QUERIES, FEED_EVENT_LIST_QUERIES
from exports.models import ExportRun, FeedEvent
from tests.exports.factories import at, order
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

URL = "backoffice:export-form"


def _download(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_the_form_page_has_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries):
    client = staff_client(Role.MANAGER)
    for _n in range(15):
        ExportRun.objects.create(dataset="orders", format="csv", requested_by="staff:1", cursor_out="x")

    with django_assert_max_num_queries(EXPORT_FORM_QUERIES):
        response = client.get(reverse(URL))

    assert response.status_code == 200
    assert len(response.context["runs"]) == 10


def test_a_valid_form_streams_the_file_with_the_next_cursor(staff_client):
    client = staff_client(Role.MANAGER)
    order(number="400001", placed=at(2))
    order(number="400002", placed=at(9))

    response = client.post(
        reverse(URL),
        {
            "dataset": "orders",
            "date_from": "2026-03-01",
            "date_to": "2026-03-05",
            "format": "csv",
            "dialect": "standard",
        },
    )

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    rows = list(csv.DictReader(io.StringIO(_download(response))))
    assert [row["number"] for row in rows] == ["400001"]
    run = ExportRun.objects.get()
    assert response["X-Export-Next-Cursor"] == run.cursor_out != ""
    assert run.requested_by.startswith("staff:") or run.requested_by


def test_the_next_run_from_the_page_takes_only_new_rows(staff_client):
    client = staff_client(Role.MANAGER)
    order(number="400011", placed=at(2))
    first = client.post(reverse(URL), {"dataset": "orders", "format": "jsonl", "dialect": "standard"})
    _download(first)
    order(number="400012", placed=at(3))

    second = client.post(
        reverse(URL),
        {
            "dataset": "orders",
            "format": "jsonl",
            "dialect": "standard",
            "cursor": first["X-Export-Next-Cursor"],
        },
    )

    assert second["Content-Type"] == "application/x-ndjson"
    body = _download(second)
    assert '"number":"400012"' in body
    assert "400011" not in body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"date_from": "2026-03-09", "date_to": "2026-03-01"},
            "date_to",
            "The start date must not be after the end date.",
        ),
        ({"date_from": "31/02/2026"}, "date_from", "Enter a valid date."),
        ({"cursor": "abc"}, "cursor", "This cursor does not belong to this export."),
        ({"dataset": "customers"}, "dataset", "Select a valid choice."),
    ],
)
def test_bad_input_shows_the_error_on_its_field_and_exports_nothing(staff_client, data, field, message):
    client = staff_client(Role.MANAGER)
    client.cookies["django_language"] = "en"
    post = {"dataset": "orders", "format": "csv", "dialect": "standard"} | data

    response = client.post(reverse(URL), post, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert not response.streaming
    assert any(error.startswith(message) for error in response.context["form"].errors[field])
    assert not ExportRun.objects.exists()


def test_the_feed_page_lists_failed_events_first_with_bounded_queries(
    staff_client, django_assert_max_num_queries
):
    client = staff_client(Role.MANAGER)
    for n in range(12):
        FeedEvent.objects.create(
            order=OrderFactory(),
            kind=FeedEvent.Kind.ORDER_PAID,
            source=f"test:{n}",
            occurred_at=at(1),
            status=FeedEvent.Status.FAILED if n == 7 else FeedEvent.Status.PENDING,
            last_error="HTTP 500: boom" if n == 7 else "",
        )

    with django_assert_max_num_queries(FEED_EVENT_LIST_QUERIES):
        response = client.get(reverse("backoffice:feed-event-list"))

    events = list(response.context["events"])
    assert events[0].source == "test:7"
    assert b"HTTP 500: boom" in response.content


def test_retrying_a_failed_event_puts_it_back_in_line(staff_client, settings):
    settings.STORE_ERP_FEED_URL = ""  # the delivery run it enqueues does nothing
    client = staff_client(Role.MANAGER)
    event = FeedEvent.objects.create(
        order=OrderFactory(), kind="order.paid", source="t:1", occurred_at=at(1), status="failed", attempts=10
    )

    response = client.post(reverse("backoffice:feed-event-retry", args=[event.pk]))

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("pending", 0)
    again = client.post(reverse("backoffice:feed-event-retry", args=[event.pk]), follow=True)
    assert "Só um evento que falhou pode ser reenviado." in again.content.decode()


def test_an_export_with_personal_data_is_in_the_staff_access_log(staff_client):
    from backoffice.models import PersonalDataAccess

    client = staff_client(Role.MANAGER)
    order(number="400021", placed=at(2))

    _download(client.post(reverse(URL), {"dataset": "orders", "format": "csv", "dialect": "standard"}))
    _download(
        client.post(reverse(URL), {"dataset": "stock_movements", "format": "csv", "dialect": "standard"})
    )

    [access] = PersonalDataAccess.objects.all()
    run = ExportRun.objects.get(dataset="orders")
    assert access.kind == PersonalDataAccess.Kind.EXPORT
    assert access.reference == f"orders export {run.pk}"
