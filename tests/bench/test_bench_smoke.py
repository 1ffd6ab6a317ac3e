"""Every bench script runs in smoke mode, so a benchmark cannot rot unnoticed: each step
(database, migrations, seeding, servers, load on every page, the bare reference) runs
briefly on a small catalog, and the run fails on any error or any response other than 2xx."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from backoffice.views.customers import CUSTOMER_360_QUERIES
from backoffice.views.recovery import CALL_DETAIL_QUERIES, CALL_LIST_QUERIES, REPORT_QUERIES
from backoffice.views.returns import INSPECTION_QUERIES, QUEUE_QUERIES, REQUEST_QUERIES
from backoffice.views.support import DESK_QUERIES, TICKET_QUERIES
from bench import speed_run, storefront_run

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_SCRIPTS = sorted(
    path.name
    for path in (BASE_DIR / "bench").iterdir()
    if path.is_file() and not path.suffix and os.access(path, os.X_OK)
)
# bench/speed runs bench/backoffice_volume itself; both have a test of their own below.
ON_THEIR_OWN = {"speed", "backoffice_volume"}
SMOKE_TIMEOUT_SECONDS = 300

WRK_OUTPUT = """\
Running 2s test @ http://127.0.0.1:8101/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    30.12ms    5.01ms  60.20ms   80.00%
    Req/Sec    60.00     10.00    80.00     70.00%
  Latency Distribution
     50%   29.50ms
     75%   33.00ms
     90%   40.00ms
     99%   60.20ms
  240 requests in 2.00s, 6.00MB read
{problems}Requests/sec:    120.00
Transfer/sec:      3.00MB
"""


def _require(available: bool, reason: str) -> None:
    if available:
        return
    if os.environ.get("STORE_REQUIRE_SERVICES"):
        pytest.fail(f"STORE_REQUIRE_SERVICES is set but the bench smoke test {reason}")
    pytest.skip(reason)


def _redis_answers() -> bool:
    try:
        return redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def _smoke_run(script: str, *args) -> str:
    """The output of the script's smoke run, in a process group of its own; the run must succeed."""
    _require(shutil.which("wrk") is not None, "needs wrk: run make test, or apt-get install wrk")
    _require(_redis_answers(), "needs Redis at 127.0.0.1:6379")
    process = subprocess.Popen(
        [BASE_DIR / "bench" / script, "--smoke", *args],
        cwd=BASE_DIR,
        env={**os.environ, "BENCH_SKIP_INSTALL": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=SMOKE_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)  # the servers it started stop with it
        output, _ = process.communicate(timeout=60)
        pytest.fail(f"bench/{script} --smoke took over {SMOKE_TIMEOUT_SECONDS} s:\n{output[-6000:]}")
    assert process.returncode == 0, output[-6000:]
    return output


def _smoke_pages(script: str, tmp_path: Path) -> list[dict]:
    """The pages of the script's smoke run, from its report."""
    report = tmp_path / f"{script}.json"
    _smoke_run(script, "--report", report)
    return json.loads(report.read_text())["pages"]


def _assert_answered_within_budgets(pages: list[dict], budgets: dict[str, int]) -> None:
    for page in pages:
        assert (page["http_status"], page["status"]) == (200, 200), page
        assert page["load"]["requests"] > 0, page
        assert page["load"]["errors"] == 0, page
        assert max(page["query_counts"]) <= budgets[page["kind"]], page


def test_the_bench_starts_the_store_with_every_setting_production_requires(tmp_path):
    # given the environment the bench serves the store with
    env = storefront_run.store_env(
        storefront_run.Plan([200], 2, 4, smoke=True, store_port=0, bare_port=0, redis_database=5),
        "bench_store_smoke_200",
        tmp_path,
        page_cache=False,
    )
    # when the settings load with it, as migrate and gunicorn load them
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then nothing production requires is missing
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("problems", "failure"),
    [
        ("  Non-2xx or 3xx responses: 3\n", "3 of 240 responses were not 2xx or 3xx"),
        (
            "  Socket errors: connect 0, read 2, write 0, timeout 1\n",
            "Socket errors: connect 0, read 2, write 0, timeout 1",
        ),
    ],
    ids=["error responses", "socket errors"],
)
def test_a_page_failing_under_load_fails_the_run(monkeypatch, problems, failure):
    # given wrk reporting error responses or socket errors
    monkeypatch.setattr(storefront_run, "run", lambda *args, **kwargs: WRK_OUTPUT.format(problems=problems))
    # when its result is read
    result = storefront_run.wrk("http://127.0.0.1:8101/", seconds=2, connections=4)
    # then the page's row has the failure the run stops on
    assert speed_run.row_of_wrk("home, signed in", result).problems == [failure]


def test_a_clean_load_fails_nothing(monkeypatch):
    monkeypatch.setattr(storefront_run, "run", lambda *args, **kwargs: WRK_OUTPUT.format(problems=""))
    result = storefront_run.wrk("http://127.0.0.1:8101/", seconds=2, connections=4)
    assert (result["requests"], result["rps"], result["p50"], result["p99"]) == (240, 120.0, 29.5, 60.2)
    assert speed_run.row_of_wrk("home, signed in", result).problems == []


@pytest.mark.postgres
@pytest.mark.parametrize("script", sorted(set(BENCH_SCRIPTS) - ON_THEIR_OWN))
def test_bench_script_runs_in_smoke_mode(script):
    # when the script runs in smoke mode
    output = _smoke_run(script)
    # then every step worked and every page answered 2xx under load
    assert "|---" in output, output[-6000:]


@pytest.mark.postgres
def test_the_speed_bench_measures_every_scenario_and_loses_no_order():
    # when bench/speed runs in smoke mode, the back office at volume with it
    output = _smoke_run("speed")
    # then every scenario has its row in the one table, each answered as expected
    rows = [line.split(" | ")[0].lstrip("| ") for line in output.splitlines() if line.startswith("| ")]
    for scenario in (
        "200 products: bare Django view",
        "200 products: product, signed in",
        "200 products: search, anonymous cache",
        "add-to-cart flow (product, add, cart): adds",
        "cart page of a visitor of that flow",
        "checkout, 16 shoppers, 4 requests an order: orders",
        "worker pipeline, 2 processes, 35 orders: orders validated",
    ):
        assert scenario in rows, output[-6000:]
    # and the checkout sold no more of the scarce product than there was, the pipeline
    # validated every order it was told was paid, once
    assert "35 orders placed" in output and "5 refused as sold out" in output, output[-6000:]
    pipeline = json.loads(output.split("pipeline: ", 1)[1].splitlines()[0])
    assert pipeline["statuses"] == {"validated": 35}
    assert (pipeline["payments_paid"], pipeline["paid_twice"], pipeline["notices"]) == (35, 0, 35)
    assert pipeline["scarce"] == {"ordered": 5, "free": 0}
    # and the back office at volume printed its own table
    assert "The back office at volume (bench/backoffice_volume):" in output, output[-6000:]


@pytest.mark.postgres
def test_support_desk_pages_answer_the_agent_within_their_query_budgets(tmp_path):
    # given tiny support desk data served to a Support agent logged in through the login form
    # when its smoke run's report is read
    pages = _smoke_pages("support_desk", tmp_path)
    # then every page answered the agent 200, under load too, within its view's query budget
    assert [page["name"] for page in pages] == [
        "desk",
        "desk, mine",
        "desk, search by protocol",
        "desk, search by email",
        "ticket, 50 messages",
        "customer 360",
    ]
    budgets = {"desk": DESK_QUERIES, "ticket": TICKET_QUERIES, "customer": CUSTOMER_360_QUERIES}
    _assert_answered_within_budgets(pages, budgets)


@pytest.mark.postgres
def test_returns_queue_pages_answer_the_returns_team_within_their_query_budgets(tmp_path):
    # given tiny returns data served to a Returns staff member logged in through the login form
    # when its smoke run's report is read
    pages = _smoke_pages("returns_queue", tmp_path)
    # then every page answered the staff member 200, under load too, within its view's query budget
    assert [page["name"] for page in pages] == [
        "queue, to decide",
        "queue, on the way back",
        "queue, to inspect",
        "queue, finished",
        "queue, finished, page 100",
        "queue, search by tracking code",
        "queue, search by order",
        "queue, search by email",
        "request screen",
        "inspection",
    ]
    budgets = {"queue": QUEUE_QUERIES, "request": REQUEST_QUERIES, "inspection": INSPECTION_QUERIES}
    _assert_answered_within_budgets(pages, budgets)


@pytest.mark.postgres
def test_recovery_pages_answer_telesales_and_the_manager_within_their_query_budgets(tmp_path):
    # given tiny sales-recovery data served to a Telesales agent and a Manager, each logged in
    # through the login form
    # when its smoke run's report is read
    pages = _smoke_pages("recovery_calls", tmp_path)
    # then every page answered its staff member 200, under load too, within its view's query budget
    assert [(page["name"], page["who"]) for page in pages] == [
        ("call list", "telesales"),
        ("call list, page 100", "telesales"),
        ("call screen", "telesales"),
        ("report, 7 days", "manager"),
        ("report, 30 days", "manager"),
        ("report, 90 days", "manager"),
    ]
    budgets = {"calls": CALL_LIST_QUERIES, "call": CALL_DETAIL_QUERIES, "report": REPORT_QUERIES}
    _assert_answered_within_budgets(pages, budgets)
