"""A worker that dies mid-task loses nothing and delays it only by the broker's visibility
timeout: the task is delivered again to the next worker, with no reconciler involved."""

import time

import pytest

from logistics.adapters.sandbox import SLOW_NAME
from logistics.models import SandboxParcel, Shipment
from tests.logistics.factories import pack, picked_order
from tests.worker.test_welcome_email import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

VISIBILITY_SECONDS = 5
RESTORE_SWEEP_SECONDS = 10  # unacked_restore_interval in settings


def test_a_task_of_a_worker_that_died_runs_again_after_the_visibility_timeout(
    celery_worker, django_capture_on_commit_callbacks
):
    # given a worker booking a parcel with a carrier that takes its time
    order = picked_order(django_capture_on_commit_callbacks, full_name=SLOW_NAME)
    celery_worker.start(CELERY_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS))
    shipment = pack(order)
    wait_for(lambda: SandboxParcel.objects.filter(idempotency_key=f"shipment:{shipment.pk}").exists())
    # when the worker dies mid-task and another one starts
    celery_worker.kill()
    died_at = time.monotonic()
    celery_worker.start(
        CELERY_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS), STORE_SANDBOX_CARRIER_DELAY_SECONDS="0.2"
    )
    # then the broker hands the unfinished task to it, and the parcel is booked once
    shipped = wait_for(
        lambda: Shipment.objects.filter(pk=shipment.pk, status=Shipment.Status.SHIPPED).first(), timeout=60
    )
    waited = time.monotonic() - died_at
    assert VISIBILITY_SECONDS <= waited <= VISIBILITY_SECONDS + RESTORE_SWEEP_SECONDS + 10
    assert SandboxParcel.objects.get().tracking_code == shipped.tracking_code
