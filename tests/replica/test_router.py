"""The router and the replica's health check, without a replica: the decisions alone."""

import logging

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError

from core import replica as replica_module
from core.db_router import ReplicaRouter
from core.replica import REPLICA, is_reading_from_replica, replica_reads, replica_usable
from tests.accounts.factories import UserFactory

router = ReplicaRouter()


@pytest.fixture
def configured(monkeypatch):
    """A replica in the settings whose lag the test sets (None: unreachable)."""
    state = {"lag": 0.0, "checks": 0}

    def lag() -> float:
        state["checks"] += 1
        if state["lag"] is None:
            raise OperationalError("connection refused")
        return state["lag"]

    monkeypatch.setattr(replica_module, "replica_configured", lambda: True)
    monkeypatch.setattr(replica_module, "replica_lag_seconds", lag)
    monkeypatch.setattr(replica_module, "_connected", lambda: True)
    monkeypatch.setattr("core.db_router.replica_usable", replica_module.replica_usable)
    return state


def test_replica_reads_marks_only_its_block():
    assert not is_reading_from_replica()
    with replica_reads():
        assert is_reading_from_replica()
        with replica_reads():
            assert is_reading_from_replica()
        assert is_reading_from_replica()
    assert not is_reading_from_replica()


def test_without_a_replica_every_read_goes_to_the_primary(monkeypatch):
    monkeypatch.setattr(replica_module, "replica_configured", lambda: False)
    monkeypatch.setattr("core.db_router.replica_usable", replica_module.replica_usable)
    with replica_reads():
        assert not replica_usable()
        assert router.db_for_read(None) == DEFAULT_DB_ALIAS


def test_writes_always_go_to_the_primary(configured):
    with replica_reads():
        assert router.db_for_write(None) == DEFAULT_DB_ALIAS
    assert router.db_for_write(None) == DEFAULT_DB_ALIAS


def test_reads_outside_the_block_go_to_the_primary_even_with_a_replica(configured):
    assert router.db_for_read(None) == DEFAULT_DB_ALIAS
    assert configured["checks"] == 0  # not even checked


@pytest.mark.django_db(transaction=True)
def test_reads_inside_the_block_go_to_a_fit_replica(configured):
    with replica_reads():
        assert router.db_for_read(None) == REPLICA


@pytest.mark.django_db(transaction=True)
def test_a_replica_lagging_past_the_limit_is_left_alone(configured, settings, caplog):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 10
    configured["lag"] = 10.5

    with caplog.at_level(logging.WARNING, logger="core.replica"), replica_reads():
        assert router.db_for_read(None) == DEFAULT_DB_ALIAS
        configured["lag"] = 9.5
        assert router.db_for_read(None) == REPLICA

    assert "10.5 s behind the primary" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_replica_is_told_once_a_minute_and_retried(configured, caplog):
    configured["lag"] = None

    with caplog.at_level(logging.INFO, logger="core.replica"), replica_reads():
        assert router.db_for_read(None) == DEFAULT_DB_ALIAS
        assert router.db_for_read(None) == DEFAULT_DB_ALIAS
        configured["lag"] = 0.0
        assert router.db_for_read(None) == REPLICA

    messages = [record.getMessage() for record in caplog.records]
    assert sum("unreachable" in message for message in messages) == 1
    assert sum("usable again" in message for message in messages) == 1


@pytest.mark.django_db(transaction=True)
def test_the_check_is_remembered_for_the_interval(configured, settings):
    settings.DATABASE_REPLICA_CHECK_SECONDS = 60

    with replica_reads():
        for _ in range(5):
            assert router.db_for_read(None) == REPLICA

    assert configured["checks"] == 1


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(configured):
    # pytest-django wraps this test in a transaction, like a service's atomic block.
    with replica_reads():
        assert router.db_for_read(None) == DEFAULT_DB_ALIAS
    assert configured["checks"] == 0


@pytest.mark.django_db
def test_relations_between_primary_and_replica_rows_are_allowed():
    first, second = UserFactory.build(), UserFactory.build()
    first._state.db, second._state.db = DEFAULT_DB_ALIAS, REPLICA
    assert router.allow_relation(first, second) is True
    second._state.db = "other"
    assert router.allow_relation(first, second) is None


def test_only_the_primary_is_migrated():
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "orders") is True
    assert router.allow_migrate(REPLICA, "orders") is False
