"""Driver of bench/returns_queue: seed return requests at volume, serve, log in, load, report.

The returns team's queue (each tab, a deep page, searches), a request's screen and a parcel's
inspection, served by gunicorn to a Returns staff member logged in through the back office's
login form, counted and driven with wrk. Every page must answer 200, stay within its view's
query budget and, in a full run, run as many queries as on a tiny database; otherwise the run
exits non-zero naming what failed. `--smoke` runs every step briefly on tiny data; CI runs it.
"""

import argparse
import json
import os
import re
import secrets
import signal
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench.storefront_run import (
    PYTHON,
    BenchFailed,
    create_database,
    drop_database,
    free_port,
    gunicorn,
    psql,
    run,
    timed,
)
from bench.support_desk_run import (
    check_services,
    collect_static,
    django_process,
    failures,
    get,
    one_run_at_a_time,
    request,
    store_env,
    wrk,
)

TINY = 300  # the tiny database a full run compares query counts with; also the smoke's data
LOGIN_PATH = "/backoffice/login/"
QUEUE_PATH = "/backoffice/returns/"
SLOW_MS = 150  # DESIGN.md: back-office first pages within 150 ms


@dataclass(frozen=True)
class Plan:
    requests: int
    seconds: int
    connections: int
    smoke: bool
    keep: bool
    port: int
    redis_database: int  # the broker's (never emptied: these pages queue nothing); the cache takes the next
    report: Path | None

    @property
    def database(self) -> str:
        # A smoke run's own, so that two of them never share one.
        return f"bench_returns_smoke_{os.getpid()}" if self.smoke else "bench_returns"


def parse_plan() -> Plan:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"check briefly that every step works (CI runs it): {TINY} requests, 1 s of load per page "
        "with 2 connections, a database and port of its own",
    )
    parser.add_argument("--requests", type=int, help="return requests to seed (default: 100000)")
    parser.add_argument("--seconds", type=int, help="wrk duration per page (default: 10)")
    parser.add_argument("--connections", type=int, help="wrk connections (default: 16)")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database (bench_returns)")
    parser.add_argument("--report", type=Path, help="also write the results to this JSON file")
    options = parser.parse_args()
    if options.smoke:
        return Plan(
            requests=options.requests or TINY,
            seconds=options.seconds or 1,
            connections=options.connections or 2,
            smoke=True,
            keep=False,
            port=free_port(),
            redis_database=11,
            report=options.report,
        )
    return Plan(
        requests=options.requests or 100_000,
        seconds=options.seconds or 10,
        connections=options.connections or 16,
        smoke=False,
        keep=options.keep,
        port=8104,
        redis_database=11,
        report=options.report,
    )


_PASSWORDS: dict[str, str] = {}


def staff_password(database: str) -> str:
    """A new password for each database's Returns staff member, known only to this run."""
    return _PASSWORDS.setdefault(database, secrets.token_urlsafe(18))


def prepare_database(plan: Plan, database: str, requests: int, static_root: Path) -> dict:
    """A new database, migrated and seeded with `requests` return requests, then analysed as
    autovacuum would a live one."""
    drop_database(database)
    create_database(database, fast_commits=True)
    env = {**store_env(plan, database, static_root), "BENCH_STAFF_PASSWORD": staff_password(database)}
    with timed(f"migrate {database}"):
        run("migrate", PYTHON, "manage.py", "migrate", "--noinput", env=env)
    started = time.monotonic()
    with timed(f"seed {requests:,} return requests"):
        seeded = django_process(
            "seeding", "bench.returns_queue_data", "seed", f"--requests={requests}", env=env
        )
    seeded["seed_seconds"] = round(time.monotonic() - started, 1)
    with timed(f"VACUUM ANALYZE {database}"):
        psql(database, "VACUUM ANALYZE")
    seeded["size"] = psql(database, "SELECT pg_size_pretty(pg_database_size(current_database()))").strip()
    return seeded


def pages_of(seeded: dict) -> list[dict]:
    def queue(**query) -> str:
        return f"{QUEUE_PATH}?{urlencode(query)}" if query else QUEUE_PATH

    return [
        {"name": "queue, to decide", "kind": "queue", "path": queue()},
        {"name": "queue, on the way back", "kind": "queue", "path": queue(queue="in_transit")},
        {"name": "queue, to inspect", "kind": "queue", "path": queue(queue="inspect")},
        {"name": "queue, finished", "kind": "queue", "path": queue(queue="done")},
        {"name": "queue, finished, page 100", "kind": "queue", "path": queue(queue="done", page=100)},
        {
            "name": "queue, search by tracking code",
            "kind": "queue",
            "path": queue(queue="in_transit", q=seeded["in_transit_tracking"]),
        },
        {
            "name": "queue, search by order",
            "kind": "queue",
            "path": queue(queue="done", q=seeded["refunded_order"]),
        },
        {
            "name": "queue, search by email",
            "kind": "queue",
            "path": queue(queue=seeded["busiest_queue"], q=seeded["busiest_email"]),
        },
        {"name": "request screen", "kind": "request", "path": f"{QUEUE_PATH}{seeded['refunded_number']}/"},
        {
            "name": "inspection",
            "kind": "inspection",
            "path": f"{QUEUE_PATH}{seeded['received_number']}/inspect/",
        },
    ]


def login(port: int, email: str, password: str) -> dict:
    """The staff member's session cookie, from the back office's own login form (CSRF token,
    django-axes and the role's two-factor policy included)."""
    response, page, cookies = request(port, "GET", f"{LOGIN_PATH}?next={QUEUE_PATH}", cookies={})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if response.status != 200 or token is None or "csrftoken" not in cookies:
        raise BenchFailed(f"GET {LOGIN_PATH} answered {response.status} without a login form:\n{page[:500]}")
    form = {
        "username": email,
        "password": password,
        "csrfmiddlewaretoken": token.group(1),
        "next": QUEUE_PATH,
    }
    response, page, new = request(port, "POST", LOGIN_PATH, cookies=cookies, body=urlencode(form))
    location = response.getheader("Location", "")
    if response.status != 302 or location != QUEUE_PATH or "sessionid" not in new:
        raise BenchFailed(
            f"the Returns staff member's login answered {response.status}, to {location or 'no address'}, "
            f"{'with' if 'sessionid' in new else 'without'} a session (a two-factor step or a lockout?); "
            f"the page begins:\n{page[:500]}"
        )
    return {"sessionid": new["sessionid"]}


def measure_database(
    plan: Plan, database: str, requests: int, static_root: Path, collected: Future, *, load: bool
):
    """Seed a database, serve it, log in, check and count every page, and (with `load`) drive
    each with wrk. The database is dropped afterwards unless the plan keeps it."""
    try:
        seeded = prepare_database(plan, database, requests, static_root)
        pages = pages_of(seeded)
        env = store_env(plan, database, static_root)
        collected.result()
        with gunicorn("config.wsgi:application", plan.port, env):
            cookies = login(plan.port, seeded["staff_email"], staff_password(database))
            for page in pages:
                page["http_status"] = get(plan.port, page, cookies)
            with timed(f"count the queries of every page on {database}"):
                counted = django_process(
                    "counting queries",
                    "bench.returns_queue_data",
                    "count",
                    env=env,
                    stdin=json.dumps({"cookies": cookies, "pages": pages}),
                )
            for page, counts in zip(pages, counted, strict=True):
                page.update(counts)
            if load:
                seeded["load_average_before"] = round(os.getloadavg()[0], 2)
                for page in pages:
                    url = f"http://127.0.0.1:{plan.port}{page['path']}"
                    page["load"] = wrk(
                        url, cookies=cookies, seconds=plan.seconds, connections=plan.connections
                    )
                    get(plan.port, page, cookies)  # still the staff member's page, not the login form
                seeded["load_average_after"] = round(os.getloadavg()[0], 2)
        return seeded, pages
    finally:
        if not plan.keep:
            drop_database(database)


def measure(plan: Plan) -> dict:
    results: dict = {"plan": {"requests": plan.requests, "seconds": plan.seconds}}
    with (
        tempfile.TemporaryDirectory(prefix="bench_static_") as static_dir,
        ThreadPoolExecutor(max_workers=1) as background,
    ):
        static_root = Path(static_dir)
        collected = background.submit(collect_static, plan, static_root)
        if not plan.smoke:
            # The same pages on a tiny database first: query counts must not grow with the data.
            results["tiny"], results["tiny_pages"] = measure_database(
                plan, "bench_returns_tiny", TINY, static_root, collected, load=False
            )
        results["data"], results["pages"] = measure_database(
            plan, plan.database, plan.requests, static_root, collected, load=True
        )
    return results


def print_results(results: dict) -> None:
    data = results["data"]
    print(
        f"\n{data['requests']:,} return requests ({data['open_requests']:,} open), "
        f"{data['orders']:,} orders, {data['customers']:,} customers; {data['size']} on disk; "
        f"seeded in {data['seed_seconds']} s. "
        f"The busiest customer has {data['busiest_requests']} requests. Load average (1 min) before the "
        f"load: {data['load_average_before']}, after: {data['load_average_after']}."
    )
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
        if page["slowest"] and page["request_ms"] > SLOW_MS:
            slowest = page["slowest"]
            print(
                f"\n{page['name']}: {page['request_ms']} ms alone (over {SLOW_MS} ms); "
                f"its slowest query took {slowest['ms']} ms:\n{slowest['sql']}\n\n{slowest['plan']}"
            )


def main() -> None:
    # Stopped from outside, still stop the server (the `finally` blocks run on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    plan = parse_plan()
    try:
        with one_run_at_a_time(plan, bench="returns_queue"):
            check_services(plan)
            results = measure(plan)
    except BenchFailed as error:
        sys.exit(f"bench/returns_queue failed: {error}")
    if plan.report:
        plan.report.write_text(json.dumps(results, indent=2, default=str))
    print_results(results)
    if found := failures(results):
        sys.exit("bench/returns_queue failed:\n" + "\n".join(found))


if __name__ == "__main__":
    main()
