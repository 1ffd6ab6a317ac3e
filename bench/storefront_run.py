"""The steps the benches share: the production settings a bench serves the store with, its
databases (seeded with the demo catalog, or copied from the smokes' migrated template),
gunicorn, wrk and reading what wrk prints. bench/speed_run.py drives the storefront with them."""

import fcntl
import hashlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

BASE_DIR = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379"
SMOKE_TEMPLATE_PREFIX = "bench_store_smoke_template_"
# Not searched for migration files.
SKIPPED = {"node_modules", "staticfiles", "media", "__pycache__"}
PYTHON = sys.executable

# Every value production cannot start without, with a bench-only value, here and nowhere else.
# config/settings.py stops at the first missing one with "Missing required setting: set the X
# environment variable.", and the bench's first step (migrate) fails with that line: add X here.
PRODUCTION_SETTINGS = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "STORE_SITE_URL": "http://127.0.0.1",
    "EMAIL_URL": "dummymail://",
    "STORE_SANDBOX_WEBHOOK_SECRET": "whsec_bench",
    "STORE_SANDBOX_CARRIER_SECRET": "whsec_carrier_bench",
    "STORE_SANDBOX_INBOUND_EMAIL_SECRET": "whsec_inbound_mail_bench",
    "STORE_SANDBOX_WHATSAPP_SECRET": "whatsapp_app_secret_bench",
    "STORE_WHATSAPP_VERIFY_TOKEN": "whatsapp_verify_bench",
    # Plain http on the loopback: there is no TLS proxy in front to redirect to.
    "DJANGO_HTTPS": "false",
    "DJANGO_LOG_LEVEL": "WARNING",
}
# Settings read from the environment that the caller's own environment must not slip into a run.
STORE_VARIABLES = ("DJANGO_", "STORE_", "CELERY_", "DATABASE_URL", "REDIS_URL", "CACHE_URL", "EMAIL_URL")


class BenchFailed(Exception):
    """A step that did not work: the run stops and exits non-zero with this message."""


@dataclass(frozen=True)
class Plan:
    products: list[int]
    seconds: int
    connections: int
    smoke: bool
    store_port: int
    bare_port: int
    redis_database: int  # the broker's; the page cache takes the next one

    def database(self, products: int) -> str:
        return f"bench_store_smoke_{products}" if self.smoke else f"bench_store_{products}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(step: str, *args: str, env: dict | None = None, capture: bool = True) -> str:
    try:
        result = subprocess.run(args, cwd=BASE_DIR, env=env, capture_output=capture, text=True)
    except FileNotFoundError as error:
        raise BenchFailed(f"{step}: {args[0]} is not installed") from error
    if result.returncode:
        output = ((result.stdout or "") + (result.stderr or "")).strip()[-4000:] or "(its output is above)"
        raise BenchFailed(f"{step} failed with exit status {result.returncode}:\n{output}")
    return result.stdout or ""


@contextmanager
def timed(step: str):
    started = time.monotonic()
    yield
    print(f"{step}: {time.monotonic() - started:.0f} s", flush=True)


def psql(database: str, sql: str) -> str:
    return run(f"psql {database}: {sql}", "psql", f"{PG}/{database}", "-v", "ON_ERROR_STOP=1", "-tAc", sql)


def redis_url(database: int) -> str:
    return f"{REDIS}/{database}"


def outside_environment() -> dict:
    return {name: value for name, value in os.environ.items() if not name.startswith(STORE_VARIABLES)}


def store_env(plan: Plan, database: str, static_root: Path, *, page_cache: bool) -> dict:
    return {
        **outside_environment(),
        **PRODUCTION_SETTINGS,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_STATIC_ROOT": str(static_root),
        "DATABASE_URL": f"{PG}/{database}",
        "REDIS_URL": redis_url(plan.redis_database),
        "CACHE_URL": redis_url(plan.redis_database + 1),
        "STORE_PAGE_CACHE_SECONDS": "3600" if page_cache else "0",
    }


def check_services(plan: Plan) -> None:
    """Stop at once, saying which, when a service or tool the run needs is missing."""
    psql("postgres", "SELECT 1")
    try:
        redis.Redis.from_url(redis_url(plan.redis_database), socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        raise BenchFailed(f"Redis is not answering at {REDIS}: {error}") from error
    if shutil.which("wrk") is None:
        raise BenchFailed("wrk is not installed: run make test, or apt-get install wrk")
    for port in (plan.store_port, plan.bare_port):
        port_free_check(port)


def port_free_check(port: int) -> None:
    with socket.socket() as probe:
        # As gunicorn binds: the closed connections of a run just before (TIME_WAIT) do not
        # hold the port, a server listening on it does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise BenchFailed(f"port {port} is in use: is another bench running?") from error


def database_names() -> list[str]:
    return psql("postgres", "SELECT datname FROM pg_database").split()


def create_database(database: str, *, template: str = "", fast_commits: bool = False) -> None:
    psql("postgres", f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else ""))
    if fast_commits:  # for throwaway data: commits need not wait for the disk
        psql("postgres", f'ALTER DATABASE "{database}" SET synchronous_commit = off')


def drop_database(database: str) -> None:
    psql("postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def migrate(plan: Plan, database: str, static_root: Path) -> None:
    env = store_env(plan, database, static_root, page_cache=False)
    with timed(f"migrate {database}"):
        run("migrate", PYTHON, "manage.py", "migrate", "--noinput", env=env)


def collect_static(plan: Plan, static_root: Path) -> None:
    env = store_env(plan, plan.database(plan.products[0]), static_root, page_cache=False)
    with timed("collectstatic"):
        run("collectstatic", PYTHON, "manage.py", "collectstatic", "--noinput", env=env)


def migrations_digest() -> str:
    """A fingerprint of the project's migration files, committed or not."""
    digest = hashlib.sha256()
    for directory, subdirectories, files in sorted(os.walk(BASE_DIR)):
        subdirectories[:] = [
            name for name in subdirectories if not name.startswith(".") and name not in SKIPPED
        ]
        if Path(directory).name == "migrations":
            for name in sorted(name for name in files if name.endswith(".py")):
                path = Path(directory, name)
                digest.update(f"{path.relative_to(BASE_DIR)}\n".encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def smoke_database_create(database: str, migrate_into: Callable[[str], None]) -> None:
    """`database`, new and empty, copied from the smokes' migrated template: a database kept
    between runs while the migration files stay the same, so that a smoke only checks that
    nothing is left to migrate (`migrate_into(template)`); any change to them (a new migration,
    or one edited or removed) gets a new one migrated from scratch. Smokes of every bench share
    it, one at a time (PostgreSQL copies a template no one else is connected to)."""
    template = f"{SMOKE_TEMPLATE_PREFIX}{migrations_digest()}"
    with (Path(tempfile.gettempdir()) / "bench_smoke_template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        existing = database_names()
        if template not in existing:
            for stale in (name for name in existing if name.startswith(SMOKE_TEMPLATE_PREFIX)):
                drop_database(stale)
            create_database(template, fast_commits=True)
        migrate_into(template)
        drop_database(database)
        create_database(database, template=template, fast_commits=True)


def prepare_database(plan: Plan, products: int, static_root: Path) -> str:
    database = plan.database(products)
    if plan.smoke:
        # Seeded every time into an empty migrated database, as on a new machine.
        smoke_database_create(database, lambda template: migrate(plan, template, static_root))
    else:
        if database not in database_names():
            create_database(database)
        migrate(plan, database, static_root)
    env = store_env(plan, database, static_root, page_cache=False)
    with timed(f"seed_demo --products {products}"):
        run(
            "seed_demo", PYTHON, "manage.py", "seed_demo", "--products", str(products), env=env, capture=False
        )
    # A bulk load leaves dead row versions and no statistics; a live database has autovacuum.
    psql(database, "VACUUM ANALYZE")
    return database


def page_urls(database: str) -> dict[str, str]:
    """One URL per page kind, picked from the seeded catalog: the busiest leaf category, a
    product in it, and a search that matches many products."""
    query = """
        SELECT c.slug, (SELECT p.slug FROM catalog_product p WHERE p.category_id = c.id AND p.is_published
                        ORDER BY p.id LIMIT 1)
        FROM catalog_category c
        ORDER BY (SELECT count(*) FROM catalog_product p WHERE p.category_id = c.id) DESC LIMIT 1
    """
    category, product = psql(database, query).strip().split("|")
    if not product:
        raise BenchFailed(f"{database} has no published product in its busiest category")
    return {
        "home": "/",
        "category": f"/c/{category}/",
        "product": f"/p/{product}/",
        "search": "/busca/?q=camiseta",
    }


@contextmanager
def gunicorn(app: str, port: int, env: dict):
    command = [PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    process = subprocess.Popen([*command, "--log-level", "warning"], cwd=BASE_DIR, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise BenchFailed(
                    f"gunicorn {app} exited with status {process.returncode} (its output is above)"
                )
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise BenchFailed(f"gunicorn {app} did not listen on port {port} within 60 s") from None
                time.sleep(0.2)
        yield
    finally:
        process_stop(process, seconds=30)


def process_stop(process: subprocess.Popen, *, seconds: int) -> None:
    """Stop a server or worker the bench started: asked to, then killed after `seconds`."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def get(port: int, path: str) -> None:
    """One request, which must answer 2xx itself (a redirect is not the page); it also warms
    the workers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    except OSError as error:
        raise BenchFailed(f"GET {path} on port {port} failed: {error}") from error
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        text = body.decode(errors="replace")[:500]
        raise BenchFailed(
            f"GET {path} on port {port} answered {response.status} {response.reason} "
            f"(the server's log is above); the page begins:\n{text}"
        )


def wrk(url: str, *, seconds: int, connections: int) -> dict:
    output = run(f"wrk {url}", "wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url)
    return parse_wrk(url, output)


def parse_wrk(url: str, output: str) -> dict:
    """Requests, requests per second, p50 and p99 (ms) and errors from wrk's --latency output."""

    def number(pattern: str) -> str:
        found = re.search(pattern, output, re.MULTILINE)
        if found is None:
            raise BenchFailed(f"wrk {url}: no match for {pattern!r} in its output:\n{output}")
        return found.group(1)

    def percentile(name: str) -> float:
        found = re.search(rf"^\s+{name}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if found is None:
            raise BenchFailed(f"wrk {url}: no {name}th percentile in its output:\n{output}")
        value, unit = found.groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": int(number(r"(\d+) requests in")),
        "rps": float(number(r"Requests/sec:\s+([\d.]+)")),
        "p50": percentile("50"),
        "p99": percentile("99"),
        "errors": int(status.group(1)) if status else 0,
        "socket_errors": sockets.group(0) if sockets else "",
    }


@contextmanager
def one_run_at_a_time(plan: Plan):
    """Two runs of one kind would share databases, ports and Redis: the second waits."""
    name = "bench_speed_smoke.lock" if plan.smoke else "bench_speed.lock"
    with (Path(tempfile.gettempdir()) / name).open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("waiting for another run of bench/speed to finish", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield
