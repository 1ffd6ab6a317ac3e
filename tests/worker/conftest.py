import os
import signal
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


class Worker:
    """A real `celery worker` subprocess on the test database, fed through its own Redis
    database (or another broker); it can be killed mid-task and started again, as a crash
    and a restart would."""

    def __init__(self, tmp_path: Path, broker_url: str = "") -> None:
        self.cache_url = _isolated_redis_url()
        self.broker_url = broker_url or self.cache_url
        self.outbox = tmp_path / "outbox"
        self.outbox.mkdir()
        self.log_path = tmp_path / "worker.log"
        self.log = self.log_path.open("w")
        self.process: subprocess.Popen | None = None
        self.saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
        redis.Redis.from_url(self.cache_url).flushdb()
        if broker_url:  # a RabbitMQ shared by the run: start with no queue left by anyone
            with app.connection_for_write(broker_url) as connection:
                for queue in Queue:
                    connection.default_channel.queue_delete(queue=queue.value)

    def start(self, **settings: str) -> "Worker":
        """Launch the worker, with environment `settings` added; from now on tasks the test
        enqueues go to it."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": self.broker_url,
            "CACHE_URL": self.cache_url,
            "EMAIL_URL": f"filemail:///{self.outbox}",  # an absolute path needs the extra slash
            "STORE_SANDBOX_WEBHOOK_SECRET": "whsec_test",
            "STORE_SANDBOX_CARRIER_SECRET": os.environ["STORE_SANDBOX_CARRIER_SECRET"],
            "STORE_SANDBOX_INBOUND_EMAIL_SECRET": os.environ["STORE_SANDBOX_INBOUND_EMAIL_SECRET"],
            "STORE_SANDBOX_WHATSAPP_SECRET": os.environ["STORE_SANDBOX_WHATSAPP_SECRET"],
            "STORE_WHATSAPP_VERIFY_TOKEN": os.environ["STORE_WHATSAPP_VERIFY_TOKEN"],
            "STORE_SANDBOX_CARRIER_DELAY_SECONDS": "30",
            **settings,
        }
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--pool", "solo", "--concurrency", "1", "--loglevel", "INFO",
                "--queues", ",".join(Queue), "--without-gossip", "--without-mingle", "--without-heartbeat",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        app.conf.update(broker_url=self.broker_url, task_always_eager=False)
        app._pool = None
        app.amqp._producer_pool = None
        return self

    def kill(self) -> None:
        """Die at once, as a machine losing power would: no clean shutdown, no acks."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        app.conf.update(self.saved)
        app._pool = None
        app.amqp._producer_pool = None
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
        print(self.log_path.read_text())  # noqa: T201 - shown by pytest when the test failed


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A worker the test starts when its data is ready (tasks run eagerly until then)."""
    worker = Worker(tmp_path)
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def celery_worker_process(celery_worker):
    """A running worker; yields the folder where it writes the emails it sends."""
    yield celery_worker.start().outbox
