"""Driver of bench/returns_queue: seed return requests at volume, serve, log in, load, report.

The returns team's queue (each tab, a deep page, searches), a request's screen and a parcel's
inspection, served by gunicorn to a Returns staff member logged in through the back office's
login form, counted and driven with wrk. Every page must answer 200, stay within its view's
query budget and, in a full run, run as many queries as on a tiny database; otherwise the run
exits non-zero naming what failed. `--smoke` runs every step briefly on tiny data; CI runs it.
The steps are bench/backoffice_run.py's, shared with bench/recovery_calls.
"""

from urllib.parse import urlencode

from bench.backoffice_run import Screens, main

QUEUE_PATH = "/backoffice/returns/"


def pages_of(seeded: dict) -> list[dict]:
    def queue(**query) -> str:
        return f"{QUEUE_PATH}?{urlencode(query)}" if query else QUEUE_PATH

    pages = [
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
    return [{**page, "who": "returns"} for page in pages]


def summary(data: dict) -> str:
    return (
        f"{data['requests']:,} return requests ({data['open_requests']:,} open), "
        f"{data['orders']:,} orders, {data['customers']:,} customers. "
        f"The busiest customer has {data['busiest_requests']} requests"
    )


SCREENS = Screens(
    bench="returns_queue",
    data_module="bench.returns_queue_data",
    option="requests",
    rows="return requests",
    database="bench_returns",
    tiny=300,
    rows_default=100_000,
    seconds_default=10,
    port=8104,
    pages_of=pages_of,
)


if __name__ == "__main__":
    main(SCREENS, __doc__, summary)
