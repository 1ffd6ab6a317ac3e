import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.db import connection

from config.celery import app
from core.queues import Queue

BASE_DIR = Path(__file__).resolve().parents[2]


def _isolated_redis_url() -> str:
    """A Redis database of its own per xdist worker, so parallel runs never share a queue."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = 10 + int(worker.removeprefix("gw") or 0) % 6
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(parts._replace(path=f"/{index}"))


def _test_database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real `celery worker` subprocess on the test database; tasks go to it through Redis.

    Yields the folder where the worker writes the emails it sends.
    """
    broker_url = _isolated_redis_url()
    redis.Redis.from_url(broker_url).flushdb()
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": broker_url,
        "EMAIL_URL": f"filemail:///{outbox}",  # an absolute path needs the extra slash
        "STORE_SANDBOX_WEBHOOK_SECRET": "whsec_test",
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--pool", "solo", "--concurrency", "1", "--loglevel", "INFO",
            "--queues", ",".join(Queue), "--without-gossip", "--without-mingle", "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=broker_url, task_always_eager=False)
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield outbox
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        print((tmp_path / "worker.log").read_text())  # noqa: T201 - shown by pytest when the test failed
