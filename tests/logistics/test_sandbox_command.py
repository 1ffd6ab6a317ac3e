"""`manage.py sandbox_carrier` moves sandbox parcels along their journey, by notice or for queries."""

from io import StringIO

import pytest
from django.core.management import call_command

from logistics.models import Shipment, TrackingEvent
from tests.logistics.factories import shipped_order

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("sandbox_carrier", *args, stdout=out)
    return out.getvalue()


def test_one_step_posts_the_next_event_to_the_webhook(django_capture_on_commit_callbacks):
    shipment = shipped_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        output = run()
    assert "1 tracking event(s) published." in output
    assert list(shipment.tracking_events.values_list("kind", "source")) == [
        (TrackingEvent.Kind.POSTED, TrackingEvent.Source.WEBHOOK)
    ]


def test_to_the_end_delivers_only_the_named_shipments(django_capture_on_commit_callbacks):
    first = shipped_order(django_capture_on_commit_callbacks)
    second = shipped_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        run(first.tracking_code.lower(), "--to-the-end")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Shipment.Status.DELIVERED
    assert (second.status, second.tracking_events.count()) == (Shipment.Status.SHIPPED, 0)


def test_a_quiet_carrier_leaves_the_events_for_tracking_queries(django_capture_on_commit_callbacks):
    shipment = shipped_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        run("--quiet-carrier")
    assert not shipment.tracking_events.exists()
