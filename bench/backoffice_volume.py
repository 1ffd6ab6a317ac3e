"""Driver of bench/backoffice_volume: a store with years of orders, its back office measured.

A manager's home page with every queue, each KPI dashboard over the last 30 days and over a
year, the hold queue, the order search by number, email and CPF and an order's workspace,
served by gunicorn to a manager logged in through the back office's login form, counted and
driven with wrk. Every page must answer 200, stay within its view's query budget and, in a
full run, run as many queries as on a tiny database; otherwise the run exits non-zero naming
what failed. `--smoke` runs every step briefly on tiny data; CI runs it. The steps are
bench/backoffice_run.py's.
"""

import os
import re
import subprocess
import tempfile
import time
from urllib.parse import urlencode

from bench.backoffice_run import Screens, main
from bench.storefront_run import BASE_DIR, PYTHON, BenchFailed

EXPORTS = ("orders", "order_lines", "invoices", "payments", "refunds", "returns", "stock_movements")
# How much more memory an export may take on the full database than on the tiny one: streaming
# holds a page of rows at a time, whatever the table's size.
EXPORT_GROWTH_MB = 64


def pages_of(seeded: dict) -> list[dict]:
    def orders(**query) -> str:
        return f"/backoffice/orders/?{urlencode(query)}" if query else "/backoffice/orders/"

    pages = [
        {"name": "home", "kind": "home", "path": "/backoffice/"},
        {"name": "hold queue", "kind": "hold", "path": orders()},
        {"name": "search by order number", "kind": "search", "path": orders(q=seeded["order_number"])},
        {"name": "search by email", "kind": "search", "path": orders(q=seeded["order_email"])},
        {"name": "search by CPF", "kind": "search", "path": orders(q=seeded["order_cpf"])},
        {
            "name": "order workspace",
            "kind": "workspace",
            "path": f"/backoffice/orders/{seeded['order_number']}/",
        },
    ]
    for slug in seeded["dashboards"]:
        path = f"/backoffice/kpis/{slug}/"
        pages.append({"name": f"dashboard {slug}, 30 days", "kind": "kpis", "path": path})
        span = urlencode({"start": seeded["year_start"], "end": seeded["year_end"]})
        pages.append({"name": f"dashboard {slug}, a year", "kind": "kpis", "path": f"{path}?{span}"})
    return [{**page, "who": "manager"} for page in pages]


def _command(env: dict, *args: str) -> tuple[str, float, float]:
    """Run our Python with `args`; its output, seconds and peak resident memory in MB."""
    with tempfile.TemporaryFile() as output:
        started = time.monotonic()
        process = subprocess.Popen(  # our own manage.py with fixed arguments
            [PYTHON, *args], cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        output.seek(0)
        text = output.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status):
        raise BenchFailed(f"{' '.join(args)} failed:\n{text[-2000:]}")
    return text, seconds, usage.ru_maxrss / 1024


def exports_measure(env: dict) -> dict:
    """Each export streamed in full to nowhere: its rows, time and peak memory; returns and
    refunds first filled up to a row per order (the data module's `returns-fill`)."""
    _command(env, "-m", "bench.backoffice_volume_data", "returns-fill")
    measured = {}
    for dataset in EXPORTS:
        counted, _seconds, _memory = _command(env, "manage.py", f"export_{dataset}", "--dry-run")
        rows = int(re.search(r"\d+", counted).group())
        _output, seconds, memory = _command(env, "manage.py", f"export_{dataset}", "--output", os.devnull)
        measured[dataset] = {"rows": rows, "seconds": round(seconds, 1), "peak_mb": round(memory, 1)}
    return measured


def exports_report(full: dict, tiny: dict | None) -> tuple[str, list[str]]:
    lines = [
        "",
        "| export | rows | seconds | rows/s | peak MB | peak MB on the tiny database |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    failed = []
    for dataset, figures in full.items():
        small = (tiny or {}).get(dataset, {}).get("peak_mb")
        rate = figures["rows"] / figures["seconds"] if figures["seconds"] else 0
        cells = (
            dataset,
            f"{figures['rows']:,}",
            figures["seconds"],
            f"{rate:,.0f}",
            figures["peak_mb"],
            small,
        )
        lines.append("| " + " | ".join("-" if cell is None else str(cell) for cell in cells) + " |")
        if small is not None and figures["peak_mb"] > small + EXPORT_GROWTH_MB:
            failed.append(
                f"export {dataset}: {figures['peak_mb']} MB at {figures['rows']:,} rows against {small} MB "
                f"on the tiny database: it does not stream"
            )
    return "\n".join(lines), failed


def summary(data: dict) -> str:
    return (
        f"{data['orders']:,} orders, {data['shipments']:,} shipments, {data['tickets']:,} tickets, "
        f"{data['returns']:,} returns, {data['stock_movements']:,} stock movements, "
        f"{data['customers']:,} customers; rows in {data['rows_seconds']} s, daily figures built after"
    )


SCREENS = Screens(
    bench="backoffice_volume",
    data_module="bench.backoffice_volume_data",
    option="orders",
    rows="orders",
    database="bench_backoffice_volume",
    tiny=500,
    rows_default=1_000_000,
    seconds_default=10,
    port=8106,
    pages_of=pages_of,
    measure_beside=exports_measure,
    beside_report=exports_report,
)


if __name__ == "__main__":
    main(SCREENS, __doc__, summary)
