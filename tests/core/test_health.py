from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_part_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
        "late_periodic_jobs": [],
    }


def test_healthz_is_503_when_the_database_is_down(client):
    with mock.patch("core.health.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "down", "cache": "ok", "broker": "ok"}


def test_healthz_is_503_when_the_cache_is_down(client):
    with mock.patch("core.health.cache.set", side_effect=ConnectionError("redis gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "down"


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    connect = app.connection_for_write
    with mock.patch.object(app, "connection_for_write", lambda: connect("redis://127.0.0.1:1/0")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "down"}


def test_healthz_answers_probes_by_ip_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["loja.example.com.br"]
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200


@pytest.mark.worker
def test_healthz_reaches_a_real_broker(client, settings):
    import os

    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    connect = app.connection_for_write
    with mock.patch.object(app, "connection_for_write", lambda: connect(os.environ["REDIS_URL"])):
        response = client.get("/healthz")
    assert response.json()["checks"]["broker"] == "ok"


@pytest.mark.worker
def test_catalog_versions_and_the_health_probe_work_on_redis(client, settings):
    import os

    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"test-{os.getpid()}",
        }
    }
    from storefront.catalog.cache import catalog_version, catalog_version_bump

    version = catalog_version()
    catalog_version_bump()
    assert catalog_version() == version + 1
    cache.set("healthz:redis", "ok")
    assert client.get("/healthz").json()["checks"]["cache"] == "ok"
