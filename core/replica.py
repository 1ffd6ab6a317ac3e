"""Heavy reads (dashboards, exports) may be served by a read replica.

Code that can live with the replica's lag wraps its reads in `replica_reads()`; the database
router (`core.db_router.ReplicaRouter`, on when `DATABASE_REPLICA_URL` is set) sends reads
made inside it to the replica, and never a write: a write inside it still goes to the primary.
A streamed response must enter it inside its generator, which runs after the view returns.

What must not use it: a read that must see a write just made (the page after a form, a
service's checks before it writes, anything inside `transaction.atomic()`). The replica
applies the primary's changes a moment later, so such a read could miss them. Reads inside
a transaction on the primary stay on the primary anyway, to see the transaction's own writes.

Degrade, never break: the router asks `replica_usable()`, which answers from a check made at
most every `DATABASE_REPLICA_CHECK_SECONDS` (not per query). An unreachable replica, or one
lagging more than `DATABASE_REPLICA_MAX_LAG_SECONDS` behind the primary, sends the reads to
the primary until a later check finds it fit again. Between checks, a read that needs a new
connection (or whose kept connection fails Django's health check) connects before choosing
the replica, and a failed connection or query marks it unreachable at once, so only a query
already running when the replica dies fails. The warning is logged at most once a minute,
however many checks find the replica still unfit.
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

from django.db.backends.signals import connection_created

from core.log_throttle import RepeatThrottle

REPLICA = "replica"

logger = logging.getLogger(__name__)
# An outage would otherwise be told again at every check that finds it still there.
logger.addFilter(RepeatThrottle(seconds=60))

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)

# How far the standby's replay is behind, in seconds: none when it streams from the primary
# and has applied all it received (an idle primary sends nothing, so the age of the last
# replayed transaction says nothing then); otherwise, behind on replay or cut off from the
# primary, the age of the last transaction it replayed. A server that is not a standby (a
# replica URL pointing at a primary) lags by nothing.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity')
END
"""


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def is_reading_from_replica() -> bool:
    return _replica_reads.get()


class _Health:
    """The replica's fitness as last checked, shared by the process's threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.usable: bool | None = None  # None: never checked
        self.checked_at: float | None = None
        self.reason = ""

    def forget(self) -> None:
        with self.lock:
            self.checked_at = None


_health = _Health()


def replica_configured() -> bool:
    from django.conf import settings

    return REPLICA in settings.DATABASES


def _replica_fit() -> bool:
    from django.conf import settings

    if not replica_configured():
        return False
    every = settings.DATABASE_REPLICA_CHECK_SECONDS
    now = time.monotonic()
    with _health.lock:
        if _health.checked_at is not None and now - _health.checked_at < every:
            return bool(_health.usable)
        # Other threads keep the last answer while this one checks.
        _health.checked_at = now
    usable, reason = _check(settings.DATABASE_REPLICA_MAX_LAG_SECONDS)
    _record(usable, reason)
    return usable


def replica_usable() -> bool:
    """Whether reads may go to the replica now: configured, reachable and not lagging too far.
    Checks again only when the last check is older than DATABASE_REPLICA_CHECK_SECONDS, and
    makes sure this thread has a working connection to it."""
    return _replica_fit() and _connected()


def _connected() -> bool:
    """Open this thread's connection to the replica when it has none or its kept one fails
    Django's health check (done once per request); no query when it is already open."""
    from django.db import DatabaseError, connections

    connection = connections[REPLICA]
    try:
        _drop_if_lost(connection)
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as error:
        with suppress(DatabaseError):
            connection.close()
        _mark_unreachable(error)
        return False
    return True


def _drop_if_lost(connection) -> None:
    """Forget a connection whose server went away, so the next use opens a new one."""
    if connection.connection is not None and connection.connection.closed:
        connection.close()


def replica_lag_seconds() -> float:
    """The replica's replay lag now, in seconds (raises the database's error when unreachable)."""
    from django.db import DatabaseError, connections

    connection = connections[REPLICA]
    try:
        _drop_if_lost(connection)
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            return float(cursor.fetchone()[0])
    except DatabaseError:
        # A broken connection must not be reused by the next check.
        with suppress(DatabaseError):
            connection.close()
        raise


def _check(max_lag: float) -> tuple[bool, str]:
    from django.db import DatabaseError

    try:
        lag = replica_lag_seconds()
    except DatabaseError as error:
        logger.warning("Read replica unreachable, its reads go to the primary: %s", str(error).strip()[:200])
        return False, "unreachable"
    if lag > max_lag:
        logger.warning(
            "Read replica %.1f s behind the primary (more than %g s), its reads go to the primary.",
            lag,
            max_lag,
        )
        return False, "lagging"
    return True, ""


def _record(usable: bool, reason: str) -> None:
    with _health.lock:
        was_usable = _health.usable
        _health.usable = usable
        _health.reason = reason
    if usable and was_usable is False:
        logger.info("Read replica usable again: heavy reads go back to it.")


def _mark_unreachable(error: Exception) -> None:
    """A query on the replica failed for want of a connection: the next reads go to the primary
    until the next check, instead of failing the same way."""
    with _health.lock:
        _health.usable, _health.reason = False, "unreachable"
        _health.checked_at = time.monotonic()
    logger.warning("Read replica unreachable, its reads go to the primary: %s", str(error).strip()[:200])


def _watch_replica_queries(execute, sql, params, many, context):
    from django.db import InterfaceError, OperationalError

    try:
        return execute(sql, params, many, context)
    except (OperationalError, InterfaceError) as error:
        # Only a lost server, not a query cancelled (a timeout, a conflict with recovery).
        raw = context["connection"].connection
        if raw is None or raw.closed:
            _mark_unreachable(error)
        raise


def watch_replica_connection(sender, connection, **kwargs) -> None:
    """Every connection to the replica reports a lost server (connection_created receiver)."""
    if connection.alias == REPLICA and _watch_replica_queries not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_replica_queries)


def replica_unusable_reason() -> str:
    """Why the last check sent reads to the primary ("" when it did not)."""
    return _health.reason


def forget_replica_health() -> None:
    """Check the replica again at the next read (tests, or after changing its settings)."""
    _health.forget()


connection_created.connect(watch_replica_connection, dispatch_uid="core.replica.watch_replica_connection")
