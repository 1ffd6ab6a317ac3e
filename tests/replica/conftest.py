"""A real PostgreSQL streaming replica for the tests that need one.

Run them with the replica configured, for instance:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/store \
    DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/store pytest tests/replica --create-db
The replica alias mirrors the default one in tests (settings: TEST MIRROR), so it reads the
test database pytest-django creates on the primary (test_store, test_store_gw0 with xdist),
which the standby copies by itself. The session fixture starts the standby with
scripts/replica.sh when it is local and down, and waits until it has the test database.
"""

import os
import shutil
import subprocess  # nosec B404  # runs the project's own script
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

from core.log_throttle import RepeatThrottle
from core.replica import REPLICA, forget_replica_health, logger

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "replica.sh"
HOW = (
    "set DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/<database> "
    "(scripts/replica.sh start runs a local streaming standby)"
)


def wait_for(condition, *, timeout: float = 120, what: str = "the condition") -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def primary_lsn() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def replayed(lsn: str) -> bool:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
        return cursor.fetchone()[0]


def received(lsn: str) -> bool:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_receive_lsn() >= %s::pg_lsn", [lsn])
        return cursor.fetchone()[0]


def wait_for_replay(timeout: float = 120) -> None:
    """Wait until the replica has applied everything the primary has written so far."""
    lsn = primary_lsn()
    wait_for(lambda: replayed(lsn), timeout=timeout, what=f"the replica to replay up to {lsn}")


def _replica_answers() -> bool:
    try:
        connections[REPLICA].ensure_connection()
    except OperationalError:
        connections[REPLICA].close()
        return False
    return True


def _start_local_replica() -> None:
    replica = settings.DATABASES[REPLICA]
    if replica.get("HOST") not in ("127.0.0.1", "localhost") or not shutil.which("bash"):
        return
    env = {**os.environ, "STORE_REPLICA_PORT": str(replica.get("PORT") or 5432)}
    result = subprocess.run(  # nosec B603 B607  # fixed arguments, the project's own script
        ["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode == 3:
        reason = f"PostgreSQL server tooling is absent: {result.stderr.strip()}"
        if os.environ.get("STORE_REQUIRE_SERVICES"):
            pytest.fail(f"STORE_REQUIRE_SERVICES is set but {reason}")
        pytest.skip(reason)
    if result.returncode != 0:
        pytest.fail(f"scripts/replica.sh start failed ({result.returncode}): {result.stderr.strip()}")


@pytest.fixture(scope="session")
def streaming_replica(django_db_setup, django_db_blocker):
    """The replica, up and holding the test database."""
    if "postgresql" not in settings.DATABASES[DEFAULT_DB_ALIAS]["ENGINE"]:
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if REPLICA not in settings.DATABASES:
        pytest.skip(f"needs a streaming replica: {HOW}")
    with django_db_blocker.unblock():
        if not _replica_answers():
            _start_local_replica()
        # The test database was just created on the primary: the standby copies it shortly.
        wait_for(_replica_answers, timeout=120, what="the replica to have the test database")
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            if not cursor.fetchone()[0]:
                pytest.fail(f"{settings.DATABASES[REPLICA]['PORT']} is not a standby: {HOW}")
        wait_for_replay()
    yield
    with django_db_blocker.unblock():
        connections[REPLICA].close()


@pytest.fixture(autouse=True)
def _fresh_replica_health(settings):
    """Every test starts without a remembered check, checking at every read, and with the
    once-a-minute log filter cleared, so it sees its own warnings."""
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0
    forget_replica_health()
    for log_filter in logger.filters:
        if isinstance(log_filter, RepeatThrottle):
            log_filter._last_seen.clear()
    yield
    forget_replica_health()
