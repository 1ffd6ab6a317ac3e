"""A worker that dies mid-task loses nothing: the broker delivers the task again to the next
worker, with no reconciler involved. Measured on both brokers Celery offers for production:
Redis after its visibility timeout, RabbitMQ as soon as the dead worker's connection drops."""

import os
import time

import pytest

from logistics.adapters.sandbox import SLOW_NAME
from logistics.models import SandboxParcel, Shipment
from tests.logistics.factories import pack, picked_order
from tests.worker.conftest import Worker
from tests.worker.test_welcome_email import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

VISIBILITY_SECONDS = 5
RESTORE_SWEEP_SECONDS = 10  # unacked_restore_interval in settings
WORKER_START_SECONDS = 20  # a generous bound for a worker to boot on a loaded machine
RABBITMQ_URL = os.environ.get("STORE_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def _redelivered_after_death(worker: Worker, django_capture_on_commit_callbacks) -> float:
    """Kill a worker while it books a parcel, start another, and return how many seconds
    passed until the parcel was booked; it is booked once."""
    order = picked_order(django_capture_on_commit_callbacks, full_name=SLOW_NAME)
    worker.start(CELERY_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS))
    shipment = pack(order)
    wait_for(lambda: SandboxParcel.objects.filter(idempotency_key=f"shipment:{shipment.pk}").exists())
    worker.kill()
    died_at = time.monotonic()
    worker.start(
        CELERY_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS), STORE_SANDBOX_CARRIER_DELAY_SECONDS="0.2"
    )
    shipped = wait_for(
        lambda: Shipment.objects.filter(pk=shipment.pk, status=Shipment.Status.SHIPPED).first(), timeout=60
    )
    waited = time.monotonic() - died_at
    assert SandboxParcel.objects.get().tracking_code == shipped.tracking_code
    return waited


def test_on_redis_the_task_of_a_dead_worker_runs_again_after_the_visibility_timeout(
    celery_worker, django_capture_on_commit_callbacks
):
    waited = _redelivered_after_death(celery_worker, django_capture_on_commit_callbacks)

    # the timeout runs from the delivery, a moment before the kill
    assert (
        VISIBILITY_SECONDS - 1 <= waited <= VISIBILITY_SECONDS + RESTORE_SWEEP_SECONDS + WORKER_START_SECONDS
    )


@pytest.fixture
def rabbitmq_worker(transactional_db, tmp_path):
    import kombu

    try:
        with kombu.Connection(RABBITMQ_URL, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:
        reason = f"needs RabbitMQ at {RABBITMQ_URL}: {error}"
        if os.environ.get("STORE_REQUIRE_SERVICES"):
            pytest.fail(reason)
        pytest.skip(reason)
    worker = Worker(tmp_path, broker_url=RABBITMQ_URL)
    try:
        yield worker
    finally:
        worker.stop()


def test_on_rabbitmq_the_task_of_a_dead_worker_runs_again_at_once(
    rabbitmq_worker, django_capture_on_commit_callbacks
):
    waited = _redelivered_after_death(rabbitmq_worker, django_capture_on_commit_callbacks)

    assert waited <= WORKER_START_SECONDS
