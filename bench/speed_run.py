"""Driver of bench/speed: every speed target of the store, measured in one run beside a bare
Django view, printed as one table.

On a catalog of N products (`seed_demo --products N`, each size in turn), gunicorn with 2 sync
workers on PostgreSQL and Redis, 16 connections:
- the bare Django view, the reference every share is of;
- home, category, product and search pages for a signed-in customer (drawn for them) and
  from the anonymous cache;
on the first catalog size only:
- the add-to-cart flow (bench/cart_flow.lua): product page, add, cart page, three times per
  visitor; adds a second; then the cart page of a visitor of that flow alone;
- checkout: 16 shoppers, each order from a cart filled beforehand (details, Pix payment,
  review, place); orders a second, time per order; some carts want a product of which there
  is less than they want, and no more of it may be sold than there was;
- the worker pipeline: a signed paid notice for every order placed (one in ten sent twice, as
  providers resend), applied, analysed and validated by a Celery worker with 2 processes;
  orders a second from the first notice received to the last order validated; every order
  must be paid once and validated, none lost, none twice.
Queries per request are counted once per kind of request (bench/speed_data.py `queries`).
Then bench/backoffice_volume measures the back office at a million orders (its own table).

Every step must work, every answer be the expected one, and the checks after checkout and the
pipeline hold, or the run exits non-zero naming what failed. `--smoke` runs every step briefly
on a small catalog; CI runs it."""

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from urllib.parse import urlencode

import redis

from bench import storefront_run
from bench.speed_data import checkout_details, expected_total
from bench.storefront_run import (
    BASE_DIR,
    PRODUCTION_SETTINGS,
    PYTHON,
    BenchFailed,
    collect_static,
    get,
    gunicorn,
    one_run_at_a_time,
    page_urls,
    prepare_database,
    process_stop,
    psql,
    redis_url,
    run,
    store_env,
    timed,
)
from bench.support_desk_run import django_process, request
from bench.support_desk_run import wrk as wrk_with_cookies
from core.queues import Queue
from inbox.signatures import signature_header

SHOPPERS = 16
NOTICE_SENDERS = 8
RESENT_EVERY = 10  # one paid notice in ten is delivered twice
PIPELINE_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class Plan(storefront_run.Plan):
    carts: int  # orders the checkout places, then the pipeline confirms
    visitors: int
    scarce: int  # units left of the product twice as many carts want
    backoffice: bool


def parse_plan() -> Plan:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="check briefly that every step works (CI runs it): 200 products seeded afresh, 2 s of "
        "load per page, 4 connections, 40 orders, ports and Redis databases of its own",
    )
    parser.add_argument("--products", type=int, nargs="+", help="catalog sizes (default: 10000 100000)")
    parser.add_argument("--seconds", type=int, help="wrk duration per page (default: 10)")
    parser.add_argument(
        "--orders", type=int, help="carts taken through checkout, their orders then paid (default: 5000)"
    )
    parser.add_argument("--without-backoffice", action="store_true", help="leave out bench/backoffice_volume")
    options = parser.parse_args()
    smoke = options.smoke
    return Plan(
        products=options.products or ([200] if smoke else [10_000, 100_000]),
        seconds=options.seconds or (2 if smoke else 10),
        connections=4 if smoke else 16,
        smoke=smoke,
        store_port=storefront_run.free_port() if smoke else 8101,
        bare_port=storefront_run.free_port() if smoke else 8102,
        redis_database=5 if smoke else 7,
        carts=options.orders or (40 if smoke else 5000),
        visitors=100 if smoke else 1500,
        scarce=5 if smoke else 50,
        backoffice=not options.without_backoffice,
    )


@dataclass
class Row:
    scenario: str
    rate: float  # per second
    p50: float | None = None  # ms
    p99: float | None = None
    errors: int = 0
    queries: int | str = "-"
    of_bare: bool = True  # a share of the bare view's rate means something for it
    problems: list[str] = field(default_factory=list)


def row_of_wrk(scenario: str, result: dict, queries: int | str = "-") -> Row:
    """The figures wrk measured, and what went wrong: any answer other than 2xx or 3xx, any
    socket error."""
    problems = []
    if not result["requests"]:
        problems.append("no request completed")
    if result["errors"]:
        problems.append(f"{result['errors']} of {result['requests']} responses were not 2xx or 3xx")
    if result["socket_errors"]:
        problems.append(result["socket_errors"])
    return Row(
        scenario, result["rps"], result["p50"], result["p99"], result["errors"], queries, problems=problems
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def write_lines(path: Path, pairs) -> Path:
    path.write_text("".join(f"{first} {second}\n" for first, second in pairs))
    return path


# The storefront


def pages(plan: Plan, port: int, urls: dict, made: dict, counted: dict, products: int) -> list[Row]:
    load = {"seconds": plan.seconds, "connections": plan.connections}
    rows = []
    for page, path in urls.items():
        response, text, _cookies = request(port, "GET", path, cookies=made["customer"])
        if response.status != 200:
            raise BenchFailed(f"{page} signed in answered {response.status}; the page begins:\n{text[:500]}")
        result = wrk_with_cookies(f"http://127.0.0.1:{port}{path}", cookies=made["customer"], **load)
        queries = counted.get(f"{page} signed in", {}).get("queries", "-")
        rows.append(row_of_wrk(f"{products:,} products: {page}, signed in", result, queries))
    for page, path in urls.items():
        get(port, path)  # stored for the visitors after
        result = storefront_run.wrk(f"http://127.0.0.1:{port}{path}", **load)
        rows.append(row_of_wrk(f"{products:,} products: {page}, anonymous cache", result, 0))
    return rows


def cart_flow(plan: Plan, port: int, made: dict, counted: dict, scratch: Path) -> list[Row]:
    visitors = made["visitors"]
    visitors_file = write_lines(
        scratch / "visitors", ((visitor["sessionid"], visitor["csrftoken"]) for visitor in visitors)
    )
    products_file = write_lines(
        scratch / "products", ((product["path"], product["variant"]) for product in made["products"])
    )
    threads = plan.connections
    output = run(
        "the add-to-cart flow",
        "wrk", f"-t{threads}", f"-c{threads}", f"-d{plan.seconds}s", "--latency", "--timeout", "10s",
        "-s", str(BASE_DIR / "bench" / "cart_flow.lua"), f"http://127.0.0.1:{port}",
        "--", str(visitors_file), str(products_file), str(threads),
    )  # fmt: skip
    result = storefront_run.parse_wrk("the add-to-cart flow", output)
    found = re.search(r"flow: products (\d+) adds (\d+) carts (\d+) unexpected (\d+) visitors (\d+)", output)
    if found is None:
        raise BenchFailed(f"the add-to-cart flow printed no summary:\n{output}")
    _products, adds, _carts, unexpected, used = map(int, found.groups())
    seconds = result["requests"] / result["rps"] if result["rps"] else plan.seconds
    queries = "/".join(str(counted[f"flow: {step}"]["queries"]) for step in ("product", "add", "cart"))
    flow = Row("add-to-cart flow (product, add, cart): adds", adds / seconds, result["p50"], result["p99"])
    flow.errors, flow.queries = unexpected + result["errors"], queries
    if flow.errors:
        flow.problems.append(f"{flow.errors} answers were not the flow's (200, redirect to the cart, 200)")
    if used > len(visitors):
        flow.problems.append(
            f"{used} visitors came for {len(visitors)} sessions: the plan needs more visitors"
        )
    # The cart page of the first visitor of the flow, the cart they filled, asked alone.
    cookies = {"sessionid": visitors[0]["sessionid"], "csrftoken": visitors[0]["csrftoken"]}
    cart = wrk_with_cookies(
        f"http://127.0.0.1:{port}/carrinho/",
        cookies=cookies,
        seconds=plan.seconds,
        connections=plan.connections,
    )
    return [flow, row_of_wrk("cart page of a visitor of that flow", cart, counted["flow: cart"]["queries"])]


# Checkout


class Shopper:
    """One buyer's way through checkout, over HTTP as a browser goes: details, payment by Pix,
    the review page for the total, place order."""

    def __init__(self, port: int, buyer: dict):
        self.port, self.buyer = port, buyer
        self.cookies = buyer["cookies"]

    def ask(self, method: str, path: str, form: dict | None):
        body = (
            urlencode({"csrfmiddlewaretoken": self.cookies["csrftoken"], **form}) if form is not None else ""
        )
        response, text, _cookies = request(self.port, method, path, cookies=self.cookies, body=body)
        return response.status, response.getheader("Location", ""), text

    def buy(self) -> tuple[str, str]:
        """("placed", the order's number) or ("sold out", "") or ("error", what happened)."""
        for step, path, form, then in (
            ("details", "/checkout/", checkout_details(self.buyer), "/checkout/pagamento/"),
            ("payment", "/checkout/pagamento/", {"delivery": "pac", "method": "pix"}, "/checkout/revisao/"),
        ):
            status, location, text = self.ask("POST", path, form)
            if (status, location) != (302, then):
                return self.refused(step, status, location, text)
        status, location, text = self.ask("GET", "/checkout/revisao/", None)
        total = expected_total(text)
        if status != 200 or total is None:
            return self.refused("review", status, location, text)
        status, location, text = self.ask("POST", "/checkout/revisao/", {"expected_total": total})
        placed = re.match(r"/pedidos/([^/]+)/confirmacao/", location)
        if status == 302 and placed:
            return "placed", placed.group(1)
        return self.refused("place order", status, location, text)

    def refused(self, step: str, status: int, location: str, text: str) -> tuple[str, str]:
        """A cart holding the scarce product is sent back to the cart page, at any step, once
        the product has run out; anything else is an error."""
        if status == 302 and location == "/carrinho/" and self.buyer["scarce"]:
            return "sold out", ""
        return "error", f"{step} answered {status} {location}: {text[:300]}"


def checkout(port: int, made: dict) -> tuple[Row, list[str]]:
    buyers = iter(made["buyers"][:-1])  # the last one is the query count's
    lock = threading.Lock()
    outcomes: list[tuple[str, str, float]] = []

    def shop() -> None:
        while True:
            with lock:
                buyer = next(buyers, None)
            if buyer is None:
                return
            started = time.perf_counter()
            outcome, detail = Shopper(port, buyer).buy()
            with lock:
                outcomes.append((outcome, detail, (time.perf_counter() - started) * 1000))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=SHOPPERS) as shoppers:
        for _ in range(SHOPPERS):
            shoppers.submit(shop)
    seconds = time.monotonic() - started
    placed = [detail for outcome, detail, _ms in outcomes if outcome == "placed"]
    times = [ms for outcome, _detail, ms in outcomes if outcome == "placed"]
    errors = [detail for outcome, detail, _ms in outcomes if outcome == "error"]
    row = Row(
        f"checkout, {SHOPPERS} shoppers, 4 requests an order: orders",
        len(placed) / seconds,
        median(times) if times else None,
        percentile(times, 0.99),
        len(errors),
        made["checkout_queries"],
        of_bare=False,
    )
    row.problems.extend(errors[:5])
    sold_out = sum(1 for outcome, _detail, _ms in outcomes if outcome == "sold out")
    print(
        f"checkout: {len(placed)} orders placed in {seconds:.1f} s, {sold_out} refused as sold out",
        flush=True,
    )
    return row, placed


# The worker pipeline


@contextmanager
def celery_worker(env: dict, log: Path):
    """A Celery worker with 2 processes on every queue, started and ready to take tasks."""
    queues = ",".join(queue.value for queue in Queue)
    command = [
        PYTHON, "-m", "celery", "-A", "config", "worker", "--concurrency", "2", "--queues", queues,
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
    ]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise BenchFailed(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield
    finally:
        process_stop(process, seconds=60)


def notices_send(port: int, references: list[str]) -> int:
    """Each charge's signed paid notice to the webhook, some twice; the deliveries refused."""
    secret = PRODUCTION_SETTINGS["STORE_SANDBOX_WEBHOOK_SECRET"]
    deliveries = [*references, *references[::RESENT_EVERY]]

    def deliver(reference: str) -> int:
        body = json.dumps({"id": f"evt_{reference}", "type": "charge.paid", "data": {"reference": reference}})
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(
                "POST",
                "/payments/webhooks/sandbox/",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Signature": signature_header(body=body.encode(), secret=secret),
                },
            )
            return connection.getresponse().status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=NOTICE_SENDERS) as senders:
        return sum(1 for status in senders.map(deliver, deliveries) if status != 200)


def last_order_id(database: str) -> int:
    return int(psql(database, "SELECT coalesce(max(id), 0) FROM orders_order"))


def pipeline(
    plan: Plan,
    port: int,
    env: dict,
    database: str,
    placed: list[str],
    scarce: dict,
    scratch: Path,
    *,
    after: int,
) -> Row:
    """The run's orders (those after order id `after`, placed at checkout) paid through the
    webhook and taken to validated by the worker."""
    # `after` is an int the bench read from the database.
    pending = "SELECT p.gateway_reference FROM orders_payment p JOIN orders_order o ON o.id = p.order_id "
    pending += f"WHERE o.id > {int(after)} AND p.method = 'pix' AND p.status = 'pending'"  # nosec B608
    references = psql(database, pending).split()
    if len(references) != len(placed):
        raise BenchFailed(f"{len(placed)} orders were placed with Pix, {len(references)} wait for a payment")
    # The checkout's own follow-up work (emails of placed orders) is not the pipeline's.
    redis.Redis.from_url(redis_url(plan.redis_database)).flushdb()
    with celery_worker(env, scratch / "worker.log"):
        refused = notices_send(port, references)
        deadline = time.monotonic() + PIPELINE_TIMEOUT_SECONDS
        waiting = f"SELECT count(*) FROM orders_order WHERE id > {int(after)} "  # nosec B608
        waiting += "AND status IN ('awaiting_payment', 'paid')"
        while int(psql(database, waiting)) and time.monotonic() < deadline:
            time.sleep(0.5)
    check = django_process(
        "the pipeline's check",
        "bench.speed_data",
        "pipeline-check",
        env=env,
        stdin=json.dumps({"numbers": placed, "scarce_variant": scarce["variant"]}),
    )
    seconds = check["seconds"] or 1.0
    row = Row(
        f"worker pipeline, 2 processes, {len(placed):,} orders: orders validated",
        len(placed) / seconds,
        of_bare=False,
    )
    statuses = check["statuses"]
    row.errors = refused + len(placed) - statuses.get("validated", 0)
    if refused:
        row.problems.append(f"{refused} notices were refused")
    if statuses.get("validated", 0) != len(placed):
        row.problems.append(f"of {len(placed)} orders, by status: {statuses}")
    if check["payments_paid"] != len(placed) or check["paid_twice"] or check["notices"] != len(placed):
        row.problems.append(
            f"{check['payments_paid']} payments paid, {check['paid_twice']} orders paid twice, "
            f"{check['notices']} notices kept, for {len(placed)} orders"
        )
    units = check["scarce"]
    if units["ordered"] > scarce["units"] or units["free"] < 0:
        row.problems.append(
            f"oversold: {units['ordered']} units ordered of {scarce['units']}, {units['free']} left"
        )
    print(f"pipeline: {json.dumps(check)}", flush=True)
    return row


# The run


def measure(plan: Plan) -> tuple[list[Row], float]:
    rows: list[Row] = []
    bare_rates = []
    with (
        tempfile.TemporaryDirectory(prefix="bench_speed_") as scratch_dir,
        ThreadPoolExecutor(max_workers=1) as background,
        gunicorn("bench.bare.wsgi:application", plan.bare_port, storefront_run.outside_environment()),
    ):
        scratch = Path(scratch_dir)
        static_root = scratch / "static"
        collected = background.submit(collect_static, plan, static_root)
        databases = {products: prepare_database(plan, products, static_root) for products in plan.products}
        collected.result()
        get(plan.bare_port, "/")
        for index, (products, database) in enumerate(databases.items()):
            first = index == 0
            env = store_env(plan, database, static_root, page_cache=True)
            with timed(f"shoppers made on {database}"):
                made = django_process(
                    "making the shoppers",
                    "bench.speed_data",
                    "shoppers",
                    f"--visitors={plan.visitors if first else 1}",
                    f"--carts={plan.carts + 1 if first else 1}",
                    f"--scarce={plan.scarce}",
                    env=env,
                )
            urls = page_urls(database)
            counted = django_process(
                "counting queries",
                "bench.speed_data",
                "queries",
                env=env,
                stdin=json.dumps({**made, "pages": urls, "visitor": made["visitors"].pop()}),
            )
            made["checkout_queries"] = "/".join(
                str(counted[f"checkout: {step}"]["queries"])
                for step in ("details", "payment", "review", "place")
            )
            bare = storefront_run.wrk(
                f"http://127.0.0.1:{plan.bare_port}/", seconds=plan.seconds, connections=plan.connections
            )
            bare_rates.append(bare["rps"])
            rows.append(row_of_wrk(f"{products:,} products: bare Django view", bare))
            for number in (plan.redis_database, plan.redis_database + 1):
                redis.Redis.from_url(redis_url(number)).flushdb()
            with gunicorn("config.wsgi:application", plan.store_port, env):
                rows.extend(pages(plan, plan.store_port, urls, made, counted, products))
                if first:
                    rows.extend(cart_flow(plan, plan.store_port, made, counted, scratch))
                    after = last_order_id(database)
                    with timed("checkout"):
                        row, placed = checkout(plan.store_port, made)
                    rows.append(row)
                    with timed("worker pipeline"):
                        rows.append(
                            pipeline(
                                plan,
                                plan.store_port,
                                env,
                                database,
                                placed,
                                made["scarce"],
                                scratch,
                                after=after,
                            )
                        )
    return rows, median(bare_rates)


def backoffice(plan: Plan) -> str:
    """bench/backoffice_volume's run, its tables as it prints them."""
    arguments = ["--smoke"] if plan.smoke else []
    with timed("bench/backoffice_volume"):
        return run(
            "bench/backoffice_volume",
            str(BASE_DIR / "bench" / "backoffice_volume"),
            *arguments,
            env={**os.environ, "BENCH_SKIP_INSTALL": "1"},
        )


def table(rows: list[Row], bare_rate: float) -> str:
    lines = [
        "| scenario | per second | share of bare | p50 ms | p99 ms | errors | queries a request |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        share = f"{100 * row.rate / bare_rate:.1f}%" if row.of_bare and bare_rate else "-"
        cells = [
            row.scenario,
            f"{row.rate:,.1f}",
            share,
            "-" if row.p50 is None else f"{row.p50:.1f}",
            "-" if row.p99 is None else f"{row.p99:.1f}",
            str(row.errors),
            str(row.queries),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    plan = parse_plan()
    try:
        with one_run_at_a_time(plan):
            storefront_run.check_services(plan)
            rows, bare_rate = measure(plan)
        volume = backoffice(plan) if plan.backoffice else ""
    except BenchFailed as error:
        sys.exit(f"bench/speed failed: {error}")
    print("\n" + table(rows, bare_rate))
    if volume:
        print("\nThe back office at volume (bench/backoffice_volume):\n" + volume)
    if found := [f"{row.scenario}: {problem}" for row in rows for problem in row.problems]:
        sys.exit("bench/speed failed:\n" + "\n".join(found))


if __name__ == "__main__":
    main()
