"""Driver of bench/support_desk: seed the support desk at volume, serve, log in, load, report.

Every step must work, every page must answer 200 to the agent, stay within its view's query
budget and, in a full run, run as many queries as on a tiny database; otherwise the run exits
non-zero naming what failed. `--smoke` runs every step briefly on tiny data; CI runs it."""

import argparse
import fcntl
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import redis

from bench.storefront_run import (
    BASE_DIR,
    PG,
    PRODUCTION_SETTINGS,
    PYTHON,
    REDIS,
    BenchFailed,
    create_database,
    drop_database,
    free_port,
    gunicorn,
    outside_environment,
    parse_wrk,
    port_free_check,
    psql,
    redis_url,
    run,
    smoke_database_create,
    timed,
)

# The tiny database a full run compares query counts with; also the smoke's data.
TINY = (200, 2_000)
SLOW_MS = 150  # DESIGN.md: back-office first pages within 150 ms
LOGIN_PATH = "/backoffice/login/"
DESK_PATH = "/backoffice/support/"


@dataclass(frozen=True)
class Plan:
    tickets: int
    messages: int
    seconds: int
    connections: int
    smoke: bool
    keep: bool
    port: int
    redis_database: int  # the broker's; the cache takes the next one
    report: Path | None

    @property
    def database(self) -> str:
        # A smoke run's own, so that two of them (CI runs two at once) never share one.
        return f"bench_support_smoke_{os.getpid()}" if self.smoke else "bench_support"


def parse_plan() -> Plan:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="check briefly that every step works (CI runs it): 200 tickets and 2,000 messages, "
        "1 s of load per page with 2 connections, a database and port of its own",
    )
    parser.add_argument("--tickets", type=int, help="tickets to seed (default: 100000)")
    parser.add_argument("--messages", type=int, help="messages to seed (default: 1000000)")
    parser.add_argument("--seconds", type=int, help="wrk duration per page (default: 20)")
    parser.add_argument("--connections", type=int, help="wrk connections (default: 16)")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database (bench_support)")
    parser.add_argument("--report", type=Path, help="also write the results to this JSON file")
    options = parser.parse_args()
    if options.smoke:
        return Plan(
            tickets=options.tickets or TINY[0],
            messages=options.messages or TINY[1],
            seconds=options.seconds or 1,
            connections=options.connections or 2,
            smoke=True,
            keep=False,
            port=free_port(),
            redis_database=11,
            report=options.report,
        )
    return Plan(
        tickets=options.tickets or 100_000,
        messages=options.messages or 1_000_000,
        seconds=options.seconds or 20,
        connections=options.connections or 16,
        smoke=False,
        keep=options.keep,
        port=8103,
        redis_database=9,
        report=options.report,
    )


def check_services(plan: Plan) -> None:
    """Stop at once, saying which, when a service or tool the run needs is missing."""
    psql("postgres", "SELECT 1")
    try:
        redis.Redis.from_url(redis_url(plan.redis_database), socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        raise BenchFailed(f"Redis is not answering at {REDIS}: {error}") from error
    if shutil.which("wrk") is None:
        raise BenchFailed("wrk is not installed: run make test, or apt-get install wrk")
    port_free_check(plan.port)


def store_env(plan: Plan, database: str, static_root: Path) -> dict:
    return {
        **outside_environment(),
        **PRODUCTION_SETTINGS,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_STATIC_ROOT": str(static_root),
        "DATABASE_URL": f"{PG}/{database}",
        "REDIS_URL": redis_url(plan.redis_database),
        "CACHE_URL": redis_url(plan.redis_database + 1),
    }


def django_process(step: str, module: str, *args: str, env: dict, stdin: str = "", progress: bool = False):
    """Run one of the bench's Django programs and read the JSON it prints; its progress bar,
    when it draws one, goes straight to the terminal."""
    result = subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=BASE_DIR,
        env=env,
        input=stdin,
        stdout=subprocess.PIPE,
        stderr=None if progress else subprocess.PIPE,
        text=True,
    )
    if result.returncode:
        output = ((result.stdout or "") + (result.stderr or "")).strip()[-4000:] or "(its output is above)"
        raise BenchFailed(f"{step} failed with exit status {result.returncode}:\n{output}")
    return json.loads(result.stdout)


def migrated_database_create(plan, database: str, static_root: Path) -> None:
    """`database`, new and migrated; in a smoke run, a copy of the smokes' migrated template."""

    def migrate_into(name: str) -> None:
        with timed(f"migrate {name}"):
            env = store_env(plan, name, static_root)
            run("migrate", PYTHON, "manage.py", "migrate", "--noinput", env=env)

    if plan.smoke:
        smoke_database_create(database, migrate_into)
    else:
        drop_database(database)
        create_database(database, fast_commits=True)
        migrate_into(database)


def prepare_database(plan: Plan, database: str, size: tuple[int, int], static_root: Path) -> dict:
    """A new database, migrated and seeded with `size` tickets and messages, then analysed as
    autovacuum would a live one. Returns what the seeding says about the data, with timings."""
    tickets, messages = size
    migrated_database_create(plan, database, static_root)
    env = {**store_env(plan, database, static_root), "BENCH_AGENT_PASSWORD": agent_password(database)}
    started = time.monotonic()
    with timed(f"seed {tickets:,} tickets and {messages:,} messages"):
        seeded = django_process(
            "seeding",
            "bench.support_desk_seed",
            f"--tickets={tickets}",
            f"--messages={messages}",
            *([] if plan.smoke else ["--progress"]),
            env=env,
            progress=not plan.smoke,
        )
    seeded["seed_seconds"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    with timed(f"VACUUM ANALYZE {database}"):
        psql(database, "VACUUM ANALYZE")
    seeded["vacuum_seconds"] = round(time.monotonic() - started, 1)
    seeded["size"] = psql(database, "SELECT pg_size_pretty(pg_database_size(current_database()))").strip()
    return seeded


_PASSWORDS: dict[str, str] = {}


def agent_password(database: str) -> str:
    """A new password for each database's agent, known only to this run."""
    return _PASSWORDS.setdefault(database, secrets.token_urlsafe(18))


def pages_of(seeded: dict) -> list[dict]:
    protocol, customer = seeded["ticket_protocol"], seeded["customer_id"]
    return [
        {"name": "desk", "kind": "desk", "path": DESK_PATH},
        {"name": "desk, mine", "kind": "desk", "path": f"{DESK_PATH}?show=mine"},
        {
            "name": "desk, search by protocol",
            "kind": "desk",
            "path": f"{DESK_PATH}?{urlencode({'q': protocol})}",
        },
        {
            "name": "desk, search by email",
            "kind": "desk",
            "path": f"{DESK_PATH}?{urlencode({'q': seeded['customer_email']})}",
        },
        {"name": "ticket, 50 messages", "kind": "ticket", "path": f"{DESK_PATH}{protocol}/"},
        {"name": "customer 360", "kind": "customer", "path": f"/backoffice/customers/{customer}/"},
    ]


def request(port: int, method: str, path: str, *, cookies: dict, body: str = "") -> tuple:
    headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
    except OSError as error:
        raise BenchFailed(f"{method} {path} on port {port} failed: {error}") from error
    finally:
        connection.close()
    set_cookies = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        set_cookies.load(header)
    return response, text, {name: morsel.value for name, morsel in set_cookies.items()}


def login(port: int, email: str, password: str) -> dict:
    """The agent's session cookie, from the back office's own login form (CSRF token, django-axes
    and the role's two-factor policy included): the same way an agent gets one."""
    response, page, cookies = request(port, "GET", f"{LOGIN_PATH}?next={DESK_PATH}", cookies={})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if response.status != 200 or token is None or "csrftoken" not in cookies:
        raise BenchFailed(f"GET {LOGIN_PATH} answered {response.status} without a login form:\n{page[:500]}")
    form = {"username": email, "password": password, "csrfmiddlewaretoken": token.group(1), "next": DESK_PATH}
    response, page, new = request(port, "POST", LOGIN_PATH, cookies=cookies, body=urlencode(form))
    location = response.getheader("Location", "")
    if response.status != 302 or location != DESK_PATH or "sessionid" not in new:
        raise BenchFailed(
            f"the agent's login answered {response.status}, to {location or 'no address'}, "
            f"{'with' if 'sessionid' in new else 'without'} a session (a two-factor step or a lockout?); "
            f"the page begins:\n{page[:500]}"
        )
    return {"sessionid": new["sessionid"]}


def get(port: int, page: dict, cookies: dict) -> int:
    """One request as the agent, which must answer 200 itself (a redirect is the login page)."""
    response, text, _cookies = request(port, "GET", page["path"], cookies=cookies)
    if response.status != 200:
        raise BenchFailed(
            f"{page['name']}: GET {page['path']} answered {response.status} {response.reason} "
            f"{response.getheader('Location', '')} (the server's log is above); "
            f"the page begins:\n{text[:500]}"
        )
    return response.status


def wrk(url: str, *, cookies: dict, seconds: int, connections: int) -> dict:
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    output = run(
        f"wrk {url}",
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        # Slow answers are measured, not dropped as socket timeouts after wrk's default 2 s.
        "--timeout",
        "10s",
        "-H",
        f"Cookie: {cookie}",
        url,
    )
    return parse_wrk(url, output)


def collect_static(plan: Plan, static_root: Path) -> None:
    env = store_env(plan, "postgres", static_root)
    with timed("collectstatic"):
        run("collectstatic", PYTHON, "manage.py", "collectstatic", "--noinput", env=env)


def measure_database(
    plan: Plan, database: str, size: tuple[int, int], static_root: Path, collected: Future, *, load: bool
):
    """Seed a database, serve it, log the agent in, check and count every page, and (with
    `load`) drive each with wrk. The database is dropped afterwards unless the plan keeps it."""
    try:
        seeded = prepare_database(plan, database, size, static_root)
        pages = pages_of(seeded)
        env = store_env(plan, database, static_root)
        collected.result()
        with gunicorn("config.wsgi:application", plan.port, env):
            cookies = login(plan.port, seeded["agent_email"], agent_password(database))
            for page in pages:
                page["http_status"] = get(plan.port, page, cookies)
            with timed(f"count the queries of every page on {database}"):
                counted = django_process(
                    "counting queries",
                    "bench.support_desk_queries",
                    env=env,
                    stdin=json.dumps({"cookies": cookies, "pages": pages}),
                )
            for page, count in zip(pages, counted, strict=True):
                page.update(count)
            if load:
                # Others' work on the machine moves the figures: say how busy it was.
                seeded["load_average_before"] = round(os.getloadavg()[0], 2)
                for page in pages:
                    url = f"http://127.0.0.1:{plan.port}{page['path']}"
                    page["load"] = wrk(
                        url, cookies=cookies, seconds=plan.seconds, connections=plan.connections
                    )
                    get(plan.port, page, cookies)  # still the agent's page, not the login form
                seeded["load_average_after"] = round(os.getloadavg()[0], 2)
        return seeded, pages
    finally:
        if not plan.keep:
            drop_database(database)


def measure(plan: Plan) -> dict:
    results: dict = {"plan": {"tickets": plan.tickets, "messages": plan.messages, "seconds": plan.seconds}}
    with (
        tempfile.TemporaryDirectory(prefix="bench_static_") as static_dir,
        ThreadPoolExecutor(max_workers=1) as background,
    ):
        static_root = Path(static_dir)
        # Production serves hashed static file names: collected once, while databases get ready.
        collected = background.submit(collect_static, plan, static_root)
        if not plan.smoke:
            for database in (plan.redis_database, plan.redis_database + 1):
                redis.Redis.from_url(redis_url(database)).flushdb()
            # The same pages on a tiny database first: query counts must not grow with the data.
            results["tiny"], results["tiny_pages"] = measure_database(
                plan, "bench_support_tiny", TINY, static_root, collected, load=False
            )
        results["data"], results["pages"] = measure_database(
            plan, plan.database, (plan.tickets, plan.messages), static_root, collected, load=True
        )
    return results


@contextmanager
def one_run_at_a_time(plan, bench: str = "support_desk"):
    """Two full runs of a bench would share databases, port and Redis: the second waits.
    Smoke runs have their own database and port, so they run side by side."""
    if plan.smoke:
        yield
        return
    with (Path(tempfile.gettempdir()) / f"bench_{bench}.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another run of bench/{bench} to finish", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def failures(results: dict) -> list[str]:
    """What went wrong: a page's answer, its query count (over budget, or growing with the
    data), or its load (no request, responses other than 2xx or 3xx, socket errors)."""
    found = []
    tiny = {page["name"]: page for page in results.get("tiny_pages", [])}
    for page in [*tiny.values(), *results["pages"]]:
        name, load = page["name"], page.get("load")
        if not load:
            name = f"{name} (tiny database)"
        if page["status"] != 200:
            found.append(f"{name}: answered {page['status']} when its queries were counted")
        if page["queries"] > page["budget"]:
            found.append(f"{name}: {page['queries']} queries, over the view's budget of {page['budget']}")
        if not load:
            continue
        if page["name"] in tiny and page["queries"] != tiny[page["name"]]["queries"]:
            found.append(
                f"{name}: {page['queries']} queries, {tiny[page['name']]['queries']} on the tiny database"
            )
        if not load["requests"]:
            found.append(f"{name}: no request completed")
        if load["errors"]:
            found.append(f"{name}: {load['errors']} of {load['requests']} responses were not 2xx or 3xx")
        if load["socket_errors"]:
            found.append(f"{name}: {load['socket_errors']}")
    return found


def print_results(results: dict) -> None:
    data = results["data"]
    print(
        f"\n{data['tickets']:,} tickets ({data['active_tickets']:,} open), {data['messages']:,} messages, "
        f"{data['customers']:,} customers with {data['orders']:,} orders, {data['notifications']:,} "
        f"notifications; {data['size']} on disk; seeded in {data['seed_seconds']} s, analysed in "
        f"{data['vacuum_seconds']} s. Mine: {data['mine']:,} open tickets; the ticket screen: "
        f"{data['ticket_messages']} messages; the customer 360: {data['customer_tickets']} tickets, "
        f"{data['customer_messages']} messages. Load average (1 min) before the load: "
        f"{data['load_average_before']}, after: {data['load_average_after']}."
    )
    print_table(results, under_load=True)


def print_table(results: dict, *, under_load: bool) -> None:
    """Each page's load, time alone, queries (against its budget and the tiny database's) and
    slowest query; then that query's plan for every page over SLOW_MS alone (or, `under_load`,
    at p50 under load too)."""
    tiny = {page["name"]: page["queries"] for page in results.get("tiny_pages", [])}
    print(
        "\n| page | req/s | p50 ms | p99 ms | alone ms | its SQL ms | queries | budget | tiny db "
        "| slowest query ms | its indexes |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for page in results["pages"]:
        load, slowest = page["load"], page["slowest"] or {}
        scans = slowest.get("indexes", []) + [f"seq scan {table}" for table in slowest.get("seq_scans", [])]
        print(
            f"| {page['name']} | {load['rps']:.0f} | {load['p50']:.1f} | {load['p99']:.1f} "
            f"| {page['request_ms']} | {page['sql_ms']} | {page['queries']} | {page['budget']} "
            f"| {tiny.get(page['name'], '')} | {slowest.get('ms', '')} | {', '.join(scans)} |"
        )
    for page in results["pages"]:
        p50 = page["load"]["p50"] if under_load else 0
        if page["slowest"] and max(p50, page["request_ms"]) > SLOW_MS:
            slowest = page["slowest"]
            print(
                f"\n{page['name']}: {f'p50 {p50:.0f} ms under load, ' if under_load else ''}"
                f"{page['request_ms']} ms alone (over {SLOW_MS} ms); its slowest query took "
                f"{slowest['ms']} ms:\n{slowest['sql']}\n\n{slowest['plan']}"
            )


def main() -> None:
    # Stopped from outside, still stop the server (the `finally` blocks run on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    plan = parse_plan()
    try:
        with one_run_at_a_time(plan):
            check_services(plan)
            results = measure(plan)
    except BenchFailed as error:
        sys.exit(f"bench/support_desk failed: {error}")
    if plan.report:
        plan.report.write_text(json.dumps(results, indent=2))
    print_results(results)
    if found := failures(results):
        sys.exit("bench/support_desk failed:\n" + "\n".join(found))


if __name__ == "__main__":
    main()
