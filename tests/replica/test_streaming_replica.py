"""The router against a real streaming standby (scripts/replica.sh): reads inside
replica_reads() are served by the standby, writes never reach it, its lag shows, and an
unreachable or lagging standby leaves the reads to the primary."""

import logging
import os
import socket
import subprocess  # nosec B404  # runs the project's own script
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.models.expressions import RawSQL
from django.db.utils import InternalError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from core.replica import REPLICA, forget_replica_health, replica_reads, replica_unusable_reason
from exports.models import ExportRun
from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory
from tests.replica.conftest import SCRIPT, primary_lsn, received, wait_for, wait_for_replay

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures("streaming_replica"),
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA]),
]

User = get_user_model()


def _in_recovery():
    """An annotation the server computes: true only on a standby."""
    return RawSQL("pg_is_in_recovery()", ())


# Pausing is the standby's, not a test process's: with xdist, one test at a time pauses it.
PAUSE_LOCK = 5_104_337


@pytest.fixture
def paused_replay():
    """The standby keeps receiving the primary's changes but applies none until resumed."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [PAUSE_LOCK])
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_pause()")
        yield
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [PAUSE_LOCK])


@pytest.fixture
def unreachable_replica():
    """The replica alias points at a port where nothing listens, as when the standby is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    replica = connections[REPLICA]
    replica.close()
    saved = replica.settings_dict["PORT"]
    replica.settings_dict["PORT"] = free_port
    yield
    replica.close()
    replica.settings_dict["PORT"] = saved


def test_reads_inside_replica_reads_are_served_by_the_standby():
    user = UserFactory()
    wait_for_replay()

    with replica_reads():
        queryset = User.objects.annotate(in_recovery=_in_recovery())
        from_replica = queryset.get(pk=user.pk)
        alias = queryset.db

    assert alias == REPLICA
    assert from_replica.in_recovery is True
    assert from_replica._state.db == REPLICA
    outside = User.objects.annotate(in_recovery=_in_recovery()).get(pk=user.pk)
    assert outside.in_recovery is False
    assert outside._state.db == DEFAULT_DB_ALIAS


def test_writes_inside_replica_reads_go_to_the_primary_and_succeed():
    user = UserFactory(full_name="Ana Souza")
    wait_for_replay()

    with replica_reads():
        created = UserFactory(full_name="Bia Lima")
        from_replica = User.objects.get(pk=user.pk)
        from_replica.full_name = "Carla Souza"
        from_replica.save(update_fields=["full_name"])
        updated = User.objects.filter(pk=created.pk).update(language="en")

    assert from_replica._state.db == DEFAULT_DB_ALIAS  # saved on the primary
    assert created._state.db == DEFAULT_DB_ALIAS
    assert updated == 1
    assert User.objects.get(pk=user.pk).full_name == "Carla Souza"
    assert User.objects.get(pk=created.pk).language == "en"


def test_the_standby_refuses_writes_so_none_could_have_reached_it():
    with pytest.raises(InternalError, match="read-only transaction"), transaction.atomic(using=REPLICA):
        User.objects.using(REPLICA).filter(pk=0).update(full_name="x")


def test_a_read_right_after_a_write_may_be_stale_and_sees_the_row_once_replayed(paused_replay, settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 3600  # the lag limit is another test's subject
    user = UserFactory()
    lsn = primary_lsn()
    wait_for(lambda: received(lsn), what="the standby to receive the write")

    with replica_reads():
        stale = User.objects.filter(pk=user.pk).exists()

    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    wait_for_replay()
    with replica_reads():
        fresh = User.objects.annotate(in_recovery=_in_recovery()).get(pk=user.pk)

    assert stale is False
    assert fresh.in_recovery is True


def test_a_lagging_standby_leaves_the_reads_to_the_primary(paused_replay, settings, caplog):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 0
    user = UserFactory()
    lsn = primary_lsn()
    wait_for(lambda: received(lsn), what="the standby to receive the write")

    with caplog.at_level(logging.WARNING, logger="core.replica"), replica_reads():
        queryset = User.objects.annotate(in_recovery=_in_recovery())
        row = queryset.get(pk=user.pk)  # not replayed yet: only the primary has it
        alias = queryset.db

    assert alias == DEFAULT_DB_ALIAS
    assert row.in_recovery is False
    assert replica_unusable_reason() == "lagging"
    assert "behind the primary" in caplog.text


def test_lag_within_the_limit_keeps_the_reads_on_the_standby(paused_replay, settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 3600
    UserFactory()
    lsn = primary_lsn()
    wait_for(lambda: received(lsn), what="the standby to receive the write")

    with replica_reads():
        queryset = User.objects.all()
        queryset.count()
        alias = queryset.db

    assert alias == REPLICA


def test_an_unreachable_standby_leaves_the_reads_to_the_primary_and_says_so_once(
    unreachable_replica, settings, caplog
):
    user = UserFactory()

    with caplog.at_level(logging.WARNING, logger="core.replica"), replica_reads():
        first = User.objects.annotate(in_recovery=_in_recovery()).get(pk=user.pk)
        second = User.objects.filter(pk=user.pk).exists()  # checked again: still down

    assert first.in_recovery is False
    assert second is True
    assert replica_unusable_reason() == "unreachable"
    warnings = [record for record in caplog.records if "unreachable" in record.getMessage()]
    assert len(warnings) == 1


def test_the_standby_is_checked_once_per_interval_not_per_query(settings):
    settings.DATABASE_REPLICA_CHECK_SECONDS = 60
    UserFactory.create_batch(2)
    wait_for_replay()

    with CaptureQueriesContext(connections[REPLICA]) as replica_queries, replica_reads():
        for _ in range(3):
            assert User.objects.count() >= 2

    lag_checks = [query for query in replica_queries if "pg_last_wal_replay_lsn" in query["sql"]]
    assert len(lag_checks) == 1
    assert len(replica_queries) == 4


def test_reads_inside_a_transaction_on_the_primary_stay_there():
    with transaction.atomic():
        user = UserFactory()
        with replica_reads():
            queryset = User.objects.filter(pk=user.pk)
            assert queryset.exists()  # the transaction's own write
            assert queryset.db == DEFAULT_DB_ALIAS


def test_the_dashboard_reads_the_standby_and_answers(migrated_defaults, staff_client):
    client = staff_client(Role.MANAGER)
    wait_for_replay()

    with CaptureQueriesContext(connections[REPLICA]) as replica_queries:
        response = client.get(reverse("backoffice:kpi-section", args=["sales"]))

    assert response.status_code == 200
    assert any("kpis" in query["sql"] for query in replica_queries)


def test_the_dashboard_still_answers_when_the_standby_is_unreachable(
    migrated_defaults, staff_client, unreachable_replica
):
    client = staff_client(Role.MANAGER)

    response = client.get(reverse("backoffice:kpi-section", args=["sales"]))

    assert response.status_code == 200
    assert replica_unusable_reason() == "unreachable"


def test_a_streamed_export_reads_the_standby_and_records_its_run_on_the_primary(
    migrated_defaults, staff_client, settings
):
    settings.STORE_EXPORT_SETTLE_SECONDS = 0
    client = staff_client(Role.MANAGER)
    placed = OrderFactory(number="700001")
    # Older than the settling time, which counts the replica's allowed lag too.
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Order.objects.filter(pk=placed.pk).update(
        placed_at=an_hour_ago, created_at=an_hour_ago, updated_at=an_hour_ago
    )
    wait_for_replay()

    response = client.post(
        reverse("backoffice:export-form"), {"dataset": "orders", "format": "csv", "dialect": "standard"}
    )
    with CaptureQueriesContext(connections[REPLICA]) as replica_queries:
        body = b"".join(response.streaming_content).decode()

    assert response.status_code == 200
    assert placed.number in body
    assert any("orders_order" in query["sql"] for query in replica_queries)
    assert ExportRun.objects.get().cursor_out  # written on the primary


def test_a_query_that_loses_the_standby_sends_the_next_reads_to_the_primary(settings, caplog):
    settings.DATABASE_REPLICA_CHECK_SECONDS = 3600  # no check in between: the failure itself tells
    user = UserFactory()
    wait_for_replay()
    with replica_reads():
        assert User.objects.filter(pk=user.pk).exists()
        before = User.objects.all().db

    # The server ends this very connection while it runs a query, as when the standby stops.
    with pytest.raises(OperationalError), connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    with caplog.at_level(logging.WARNING, logger="core.replica"), replica_reads():
        after = User.objects.annotate(in_recovery=_in_recovery()).get(pk=user.pk)
    forget_replica_health()  # the next check finds it again, on a new connection
    with replica_reads():
        again = User.objects.annotate(in_recovery=_in_recovery()).get(pk=user.pk)

    assert before == REPLICA
    assert after.in_recovery is False
    assert "unreachable" in caplog.text
    assert again.in_recovery is True


def test_starting_the_running_standby_again_changes_nothing():
    if django_settings.DATABASES[REPLICA]["HOST"] not in ("127.0.0.1", "localhost"):
        pytest.skip("the standby is not this machine's")
    env = {**os.environ, "STORE_REPLICA_PORT": str(django_settings.DATABASES[REPLICA]["PORT"])}

    started = subprocess.run(  # nosec B603 B607  # fixed arguments, the project's own script
        ["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    status = subprocess.run(  # nosec B603 B607  # fixed arguments, the project's own script
        ["bash", str(SCRIPT), "status"], env=env, capture_output=True, text=True, timeout=60, check=False
    )

    assert started.returncode == 0
    assert "already running" in started.stderr
    assert status.returncode == 0
    assert "streaming" in status.stderr
