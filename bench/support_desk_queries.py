"""Counts the SQL queries of each support desk page, for bench/support_desk.

Run by the bench in a Django process of its own against the seeded database, with the settings
the bench serves the store with. It reads JSON on stdin, the session cookie of the agent the
bench logged in and the pages ({"cookies": {...}, "pages": [{"name", "kind", "path"}]}), asks
each page through Django's test client once to warm the process up, then REPEAT times, counting
the SQL statements of each with connection.execute_wrapper (as the test suite's query budgets
count them inside a test's transaction) and timing them. It runs EXPLAIN ANALYZE on
the slowest SELECT of the first counted request. It writes JSON on stdout: per page the status,
the query count, the view's budget, the median time of one request alone and of its SQL, and
the slowest query with its plan and the indexes it used.
"""

import json
import re
import statistics
import sys
import time

import django

# The views' query budgets, by kind of page.
BUDGETS = {
    "desk": "backoffice.views.support.DESK_QUERIES",
    "ticket": "backoffice.views.support.TICKET_QUERIES",
    "customer": "backoffice.views.customers.CUSTOMER_360_QUERIES",
}
INDEX_SCAN = re.compile(
    r"(?:Index Scan|Index Only Scan)(?: Backward)? using (\S+)|Bitmap Index Scan on (\S+)"
)
SEQ_SCAN = re.compile(r"Seq Scan on (\S+)")
REPEAT = 5


class Recorder:
    """Every query a request runs, with its parameters and how long it took."""

    def __init__(self):
        self.queries: list[dict] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(
                {"sql": sql, "params": params, "ms": (time.perf_counter() - started) * 1000, "many": many}
            )


def budget(kind: str) -> int:
    from django.utils.module_loading import import_string

    return import_string(BUDGETS[kind])


def explain(query: dict) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        # The statement is one the page itself just ran, with its own parameters.
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"], query["params"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "plan": plan,
        "indexes": sorted({name for pair in INDEX_SCAN.findall(plan) for name in pair if name}),
        "seq_scans": sorted(set(SEQ_SCAN.findall(plan))),
    }


def with_values(query: dict) -> str:
    """The statement as PostgreSQL received it, parameters in place, for people to read."""
    from django.db import connection

    with connection.cursor() as cursor:
        return cursor.mogrify(query["sql"], query["params"])


def measure(cookies: dict, pages: list[dict]) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for name, value in cookies.items():
        client.cookies[name] = value
    results = []
    for page in pages:
        client.get(page["path"])
        runs = []
        for _ in range(REPEAT):
            recorder = Recorder()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(recorder):
                response = client.get(page["path"])
            elapsed = (time.perf_counter() - started) * 1000
            runs.append((response.status_code, recorder.queries, elapsed, len(captured)))
        status, queries, _ms, logged = runs[0]
        selects = [
            query
            for query in queries
            if not query["many"] and query["sql"].lstrip().upper().startswith("SELECT")
        ]
        slowest = max(selects, key=lambda query: query["ms"], default=None)
        results.append(
            {
                **page,
                "status": status,
                "queries": len(queries),
                "query_counts": [len(run[1]) for run in runs],
                # What CaptureQueriesContext lists outside a test's transaction: the statements
                # above plus BEGIN and COMMIT around each transaction the page opens.
                "logged_queries": logged,
                "budget": budget(page["kind"]),
                "request_ms": round(statistics.median(run[2] for run in runs), 1),
                "sql_ms": round(statistics.median(sum(query["ms"] for query in run[1]) for run in runs), 1),
                "over_5_ms": [
                    {"ms": round(query["ms"], 1), "sql": query["sql"][:300]}
                    for query in queries
                    if query["ms"] > 5
                ],
                "slowest": slowest
                and {"ms": round(slowest["ms"], 2), "sql": with_values(slowest), **explain(slowest)},
            }
        )
    return results


def main() -> None:
    request = json.load(sys.stdin)
    django.setup()
    json.dump(measure(request["cookies"], request["pages"]), sys.stdout)


if __name__ == "__main__":
    main()
