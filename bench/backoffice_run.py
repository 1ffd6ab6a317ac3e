"""What the benches of back-office screens at volume share (bench/returns_queue,
bench/recovery_calls): seed a database through the bench's data module, serve it with gunicorn,
log its staff members in through the back office's login form, check, count and load every
page, and print the table.

A bench describes itself with `Screens`: its data module answers `seed --<option>=N` (printing,
as JSON, its staff members' emails under "staff" and what `pages_of` needs to find the pages)
and `count` (the query counts of the pages on stdin, for one staff member's cookies). Each page
names the staff member who opens it ("who"). Every page must answer 200, stay within its view's
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
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench.storefront_run import (
    BenchFailed,
    drop_database,
    free_port,
    gunicorn,
    psql,
    timed,
)
from bench.support_desk_run import (
    check_services,
    collect_static,
    django_process,
    failures,
    get,
    migrated_database_create,
    one_run_at_a_time,
    print_table,
    request,
    store_env,
    wrk,
)
from bench.support_desk_seed import SeedFailed

LOGIN_PATH = "/backoffice/login/"


@dataclass(frozen=True)
class Screens:
    bench: str  # the script's name in bench/: its lock and its messages
    data_module: str  # seeds (`seed --<option>=N`) and counts (`count`)
    option: str  # what is seeded, as the command line says it: "requests"
    rows: str  # and as people read it: "return requests"
    database: str  # the full run's; the tiny database is this with "_tiny"
    tiny: int  # rows of the tiny database a full run compares query counts with; also the smoke's
    rows_default: int
    seconds_default: int
    port: int  # the full run's; a smoke run takes a free one
    pages_of: Callable[[dict], list[dict]]
    # Measured on each seeded database beside its pages (with its store environment): a dict
    # kept under "beside"; `beside_report` words both databases' and names what failed.
    measure_beside: Callable[[dict], dict] | None = None
    beside_report: Callable[[dict, dict | None], tuple[str, list[str]]] | None = None


@dataclass(frozen=True)
class Plan:
    screens: Screens
    rows: int
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
        return f"{self.screens.database}_smoke_{os.getpid()}" if self.smoke else self.screens.database


def parse_plan(screens: Screens, description: str) -> Plan:
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"check briefly that every step works (CI runs it): {screens.tiny} {screens.rows}, 1 s of "
        "load per page with 2 connections, a database and port of its own",
    )
    parser.add_argument(
        f"--{screens.option}",
        dest="rows",
        type=int,
        help=f"{screens.rows} to seed (default: {screens.rows_default})",
    )
    parser.add_argument(
        "--seconds", type=int, help=f"wrk duration per page (default: {screens.seconds_default})"
    )
    parser.add_argument("--connections", type=int, help="wrk connections (default: 16)")
    parser.add_argument("--keep", action="store_true", help=f"keep the seeded database ({screens.database})")
    parser.add_argument("--report", type=Path, help="also write the results to this JSON file")
    options = parser.parse_args()
    if options.smoke:
        return Plan(
            screens=screens,
            rows=options.rows or screens.tiny,
            seconds=options.seconds or 1,
            connections=options.connections or 2,
            smoke=True,
            keep=False,
            port=free_port(),
            redis_database=11,
            report=options.report,
        )
    return Plan(
        screens=screens,
        rows=options.rows or screens.rows_default,
        seconds=options.seconds or screens.seconds_default,
        connections=options.connections or 16,
        smoke=False,
        keep=options.keep,
        port=screens.port,
        redis_database=11,
        report=options.report,
    )


_PASSWORDS: dict[str, str] = {}


def staff_password(database: str) -> str:
    """A new password for each database's staff members, known only to this run."""
    return _PASSWORDS.setdefault(database, secrets.token_urlsafe(18))


def prepare_database(plan: Plan, database: str, rows: int, static_root: Path) -> dict:
    """A new database, migrated and seeded with `rows` rows by the bench's data module, then
    analysed as autovacuum would a live one."""
    screens = plan.screens
    migrated_database_create(plan, database, static_root)
    env = {**store_env(plan, database, static_root), "BENCH_STAFF_PASSWORD": staff_password(database)}
    started = time.monotonic()
    with timed(f"seed {rows:,} {screens.rows}"):
        seeded = django_process("seeding", screens.data_module, "seed", f"--{screens.option}={rows}", env=env)
    seeded["seed_seconds"] = round(time.monotonic() - started, 1)
    with timed(f"VACUUM ANALYZE {database}"):
        psql(database, "VACUUM ANALYZE")
    seeded["size"] = psql(database, "SELECT pg_size_pretty(pg_database_size(current_database()))").strip()
    return seeded


def login(port: int, email: str, password: str, *, next_path: str) -> dict:
    """A staff member's session cookie, from the back office's own login form (CSRF token,
    django-axes and the role's two-factor policy included), sent on to `next_path`."""
    form_path = f"{LOGIN_PATH}?{urlencode({'next': next_path})}"
    response, page, cookies = request(port, "GET", form_path, cookies={})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if response.status != 200 or token is None or "csrftoken" not in cookies:
        raise BenchFailed(f"GET {LOGIN_PATH} answered {response.status} without a login form:\n{page[:500]}")
    form = {
        "username": email,
        "password": password,
        "csrfmiddlewaretoken": token.group(1),
        "next": next_path,
    }
    response, page, new = request(port, "POST", LOGIN_PATH, cookies=cookies, body=urlencode(form))
    location = response.getheader("Location", "")
    if response.status != 302 or location != next_path or "sessionid" not in new:
        raise BenchFailed(
            f"the login of {email} answered {response.status}, to {location or 'no address'}, "
            f"{'with' if 'sessionid' in new else 'without'} a session (a two-factor step or a lockout?); "
            f"the page begins:\n{page[:500]}"
        )
    return {"sessionid": new["sessionid"]}


def measure_database(
    plan: Plan, database: str, rows: int, static_root: Path, collected: Future, *, load: bool
):
    """Seed a database, serve it, log its staff members in, check and count every page, and
    (with `load`) drive each with wrk. The database is dropped afterwards unless the plan keeps it."""
    try:
        seeded = prepare_database(plan, database, rows, static_root)
        pages = plan.screens.pages_of(seeded)
        env = store_env(plan, database, static_root)
        collected.result()
        with gunicorn("config.wsgi:application", plan.port, env):
            cookies = {}
            for who, email in seeded["staff"].items():
                first = next(page["path"] for page in pages if page["who"] == who)
                cookies[who] = login(plan.port, email, staff_password(database), next_path=first)
            for page in pages:
                page["http_status"] = get(plan.port, page, cookies[page["who"]])
            with timed(f"count the queries of every page on {database}"):
                for who in cookies:
                    theirs = [page for page in pages if page["who"] == who]
                    counted = django_process(
                        "counting queries",
                        plan.screens.data_module,
                        "count",
                        env=env,
                        stdin=json.dumps({"cookies": cookies[who], "pages": theirs}),
                    )
                    for page, counts in zip(theirs, counted, strict=True):
                        page.update(counts)
            if load:
                seeded["load_average_before"] = round(os.getloadavg()[0], 2)
                for page in pages:
                    url = f"http://127.0.0.1:{plan.port}{page['path']}"
                    page["load"] = wrk(
                        url, cookies=cookies[page["who"]], seconds=plan.seconds, connections=plan.connections
                    )
                    get(plan.port, page, cookies[page["who"]])  # still the staff member's page
                seeded["load_average_after"] = round(os.getloadavg()[0], 2)
        if plan.screens.measure_beside:
            seeded["beside"] = plan.screens.measure_beside(env)
        return seeded, pages
    finally:
        if not plan.keep:
            drop_database(database)


def measure(plan: Plan) -> dict:
    results: dict = {"plan": {plan.screens.option: plan.rows, "seconds": plan.seconds}}
    with (
        tempfile.TemporaryDirectory(prefix="bench_static_") as static_dir,
        ThreadPoolExecutor(max_workers=1) as background,
    ):
        static_root = Path(static_dir)
        collected = background.submit(collect_static, plan, static_root)
        if not plan.smoke:
            # The same pages on a tiny database first: query counts must not grow with the data.
            results["tiny"], results["tiny_pages"] = measure_database(
                plan, f"{plan.screens.database}_tiny", plan.screens.tiny, static_root, collected, load=False
            )
        results["data"], results["pages"] = measure_database(
            plan, plan.database, plan.rows, static_root, collected, load=True
        )
    return results


def main(screens: Screens, description: str, summary: Callable[[dict], str]) -> None:
    """Run a bench of back-office screens: `summary` words what was seeded, above the table."""
    # Stopped from outside, still stop the server (the `finally` blocks run on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    plan = parse_plan(screens, description)
    try:
        with one_run_at_a_time(plan, bench=screens.bench):
            check_services(plan)
            results = measure(plan)
    except BenchFailed as error:
        sys.exit(f"bench/{screens.bench} failed: {error}")
    if plan.report:
        plan.report.write_text(json.dumps(results, indent=2, default=str))
    print(
        f"\n{summary(results['data'])}; {results['data']['size']} on disk; seeded in "
        f"{results['data']['seed_seconds']} s. Load average (1 min) before the load: "
        f"{results['data']['load_average_before']}, after: {results['data']['load_average_after']}."
    )
    print_table(results, under_load=False)
    found = failures(results)
    if screens.beside_report:
        tiny = results.get("tiny", {}).get("beside")
        text, beside_failures = screens.beside_report(results["data"]["beside"], tiny)
        print(text)
        found += beside_failures
    if found:
        sys.exit(f"bench/{screens.bench} failed:\n" + "\n".join(found))


def data_main(
    description: str,
    *,
    option: str,
    seed: Callable[..., dict],
    budgets: dict,
    per_customer: int,
    commands: dict[str, Callable[[], dict]] | None = None,
):
    """The command line of a bench's data module, run in a Django process of its own:
    `seed --<option>=N` calls `seed` (with `<option>=N`, `customers` and the staff members'
    password) and prints what it returns as JSON; `count` counts the queries of the pages on
    stdin with these views' budgets, through bench/support_desk_queries.py; each of `commands`
    prints what its function returns."""
    import django

    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = commands or {}
    parser.add_argument("command", choices=["seed", "count", *commands])
    parser.add_argument(f"--{option}", dest="rows", type=int, default=100_000)
    parser.add_argument("--customers", type=int, help=f"default: one for every {per_customer}, at least 20")
    options = parser.parse_args()
    django.setup()
    if options.command == "count":
        from bench import support_desk_queries

        support_desk_queries.BUDGETS.update(budgets)
        request = json.load(sys.stdin)
        json.dump(support_desk_queries.measure(request["cookies"], request["pages"]), sys.stdout)
        return
    if options.command in commands:
        print(json.dumps(commands[options.command]()))
        return
    try:
        result = seed(
            **{option: options.rows},
            customers=options.customers or max(20, options.rows // per_customer),
            staff_password=os.environ["BENCH_STAFF_PASSWORD"],
        )
    except SeedFailed as error:
        sys.exit(f"seeding failed: {error}")
    print(json.dumps(result))
