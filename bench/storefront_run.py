"""Driver of bench/storefront: seed, serve, load, report."""

import argparse
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
STORE_PORT, BARE_PORT = 8101, 8102
PYTHON = sys.executable


def run(*args: str, env: dict | None = None) -> str:
    return subprocess.run(args, cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True).stdout


def store_env(database: str, *, page_cache: bool) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_HTTPS": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://",
        "STORE_SANDBOX_WEBHOOK_SECRET": "whsec_bench",
        "DATABASE_URL": f"{PG}/{database}",
        "REDIS_URL": "redis://127.0.0.1:6379/7",
        "STORE_PAGE_CACHE_SECONDS": "3600" if page_cache else "0",
    }


def prepare_database(products: int) -> str:
    database = f"bench_store_{products}"
    exists = run("psql", f"{PG}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{database}'")  # nosec B608  # bench_store_<number>
    if not exists.strip():
        run("createdb", "-h", "127.0.0.1", "-U", "postgres", database)
    env = store_env(database, page_cache=False)
    run(PYTHON, "manage.py", "migrate", "--noinput", env=env)
    run(PYTHON, "manage.py", "collectstatic", "--noinput", env=env)
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "manage.py", "seed_demo", "--products", str(products)], cwd=BASE_DIR, env=env, check=True
    )
    print(f"seed_demo --products {products}: {time.monotonic() - started:.0f} s", flush=True)
    # A bulk load leaves dead row versions and no statistics; a live database has autovacuum.
    run("psql", f"{PG}/{database}", "-c", "VACUUM ANALYZE")
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
    category, product = run("psql", f"{PG}/{database}", "-tAc", query).strip().split("|")
    return {
        "home": "/",
        "category": f"/c/{category}/",
        "product": f"/p/{product}/",
        "search": "/busca/?q=camiseta",
    }


@contextmanager
def gunicorn(app: str, port: int, env: dict):
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # nosec B310  # a local http URL
                break
            except OSError:
                time.sleep(0.2)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def wrk(url: str, *, seconds: int, connections: int) -> dict:
    output = run("wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def percentile(name: str) -> float:
        value, unit = re.search(rf"^\s+{name}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50": percentile("50"),
        "p99": percentile("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=16)
    options = parser.parse_args()
    load = {"seconds": options.seconds, "connections": options.connections}
    bare_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"}

    rows = []
    with gunicorn("bench.bare.wsgi:application", BARE_PORT, bare_env):
        for products in options.products:
            database = prepare_database(products)
            urls = page_urls(database)
            bare = wrk(f"http://127.0.0.1:{BARE_PORT}/", **load)
            rows.append((products, "bare Django view", "", bare, bare["rps"]))
            for page_cache in (False, True):
                run("redis-cli", "-n", "7", "flushdb")
                with gunicorn(
                    "config.wsgi:application", STORE_PORT, store_env(database, page_cache=page_cache)
                ):
                    for page, path in urls.items():
                        url = f"http://127.0.0.1:{STORE_PORT}{path}"
                        urllib.request.urlopen(url, timeout=30)  # warm the workers  # nosec B310  # a local http URL
                        result = wrk(url, **load)
                        mode = "anonymous cache" if page_cache else "uncached"
                        rows.append((products, page, mode, result, bare["rps"]))

    print("\n| products | page | mode | req/s | share of bare | p50 ms | p99 ms | errors |")
    print("|---:|---|---|---:|---:|---:|---:|---:|")
    for products, page, mode, result, bare_rps in rows:
        share = f"{100 * result['rps'] / bare_rps:.1f}%"
        print(
            f"| {products:,} | {page} | {mode} | {result['rps']:.0f} | {share} | "
            f"{result['p50']:.1f} | {result['p99']:.1f} | {result['errors']} |"
        )


if __name__ == "__main__":
    main()
