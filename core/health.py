"""Checks behind /healthz: each returns None when the part works, or a short error."""

import logging
from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

HEALTH_CACHE_KEY = "healthz:probe"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    cache.set(HEALTH_CACHE_KEY, "ok", timeout=10)
    if cache.get(HEALTH_CACHE_KEY) != "ok":
        raise RuntimeError("cache did not return the value just written")


def check_broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # no broker: tasks run in-process
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def run_health_checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means "down" for the load balancer
            logger.warning("health check %s failed: %s", name, error)
            results[name] = "down"
        else:
            results[name] = "ok"
    return results
