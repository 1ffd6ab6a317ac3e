"""DATABASE_REPLICA_URL adds the replica and its router to the settings; without it nothing
changes. Each case imports the settings afresh in a subprocess, with its own environment."""

import json
import os
import subprocess  # nosec B404  # runs this interpreter on a fixed snippet
import sys

SNIPPET = """
import json
from django.conf import settings
replica = settings.DATABASES.get("replica")
keys = ("HOST", "PORT", "NAME", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS", "TEST")
print(json.dumps({
    "aliases": sorted(settings.DATABASES),
    "routers": getattr(settings, "DATABASE_ROUTERS", []),
    "replica": replica and {key: replica[key] for key in keys},
    "max_lag": settings.DATABASE_REPLICA_MAX_LAG_SECONDS,
}))
"""


def _settings(**environment: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings_test", **environment}
    result = subprocess.run(  # nosec B603  # this interpreter, a fixed snippet
        [sys.executable, "-c", SNIPPET], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_replica_url_there_is_no_replica_and_no_router():
    found = _settings()

    assert found["aliases"] == ["default"]
    assert found["routers"] == []
    assert found["replica"] is None


def test_a_replica_url_adds_the_replica_like_the_primary_and_its_router():
    found = _settings(
        DATABASE_URL="postgres://store@db-primary:5432/store",
        DATABASE_REPLICA_URL="postgres://store@db-replica:5432/store",
        DATABASE_REPLICA_MAX_LAG_SECONDS="12.5",
        DJANGO_CONN_MAX_AGE="120",
    )

    assert found["aliases"] == ["default", "replica"]
    assert found["routers"] == ["core.db_router.ReplicaRouter"]
    replica = found["replica"]
    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == ("db-replica", 5432, "store")
    assert replica["CONN_MAX_AGE"] == 120
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert replica["OPTIONS"]["connect_timeout"] == 2
    assert replica["TEST"] == {"MIRROR": "default"}  # tests read the primary's test database
    assert found["max_lag"] == 12.5
