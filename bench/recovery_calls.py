"""Driver of bench/recovery_calls: seed lost sales at volume, serve, log in, load, report.

The sales-recovery screens: the telesales call list (its first page and a deep one) and a lost
sale's call screen, for a Telesales agent, and the manager's report of the last 7, 30 and 90
days, for a Manager, each logged in through the back office's login form; served by gunicorn,
counted and driven with wrk. Every page must answer 200, stay within its view's query budget
and, in a full run, run as many queries as on a tiny database; otherwise the run exits non-zero
naming what failed. `--smoke` runs every step briefly on tiny data; CI runs it. The steps are
bench/backoffice_run.py's, shared with bench/returns_queue.
"""

from bench.backoffice_run import Screens, main

CALLS_PATH = "/backoffice/recovery/calls/"
REPORT_PATH = "/backoffice/recovery/"
DEEP_PAGE = 100


def pages_of(seeded: dict) -> list[dict]:
    return [
        {"name": "call list", "kind": "calls", "who": "telesales", "path": CALLS_PATH},
        {
            "name": f"call list, page {DEEP_PAGE}",
            "kind": "calls",
            "who": "telesales",
            "path": f"{CALLS_PATH}?page={DEEP_PAGE}",
        },
        {
            "name": "call screen",
            "kind": "call",
            "who": "telesales",
            "path": f"{CALLS_PATH}{seeded['call_pk']}/",
        },
        *(
            {
                "name": f"report, {days} days",
                "kind": "report",
                "who": "manager",
                "path": f"{REPORT_PATH}?days={days}",
            }
            for days in (7, 30, 90)
        ),
    ]


def summary(data: dict) -> str:
    statuses = data["statuses"]
    return (
        f"{data['opportunities']:,} lost sales ({statuses.get('open', 0):,} open, "
        f"{statuses.get('recovered', 0):,} recovered, {statuses.get('closed', 0):,} closed; "
        f"{data['open_with_phone']:,} open with a phone, {data['on_list']:,} on the call list), "
        f"{data['reminders']:,} reminders ({data['clicked']:,} clicked) and {data['notifications']:,} "
        f"notifications, {data['calls']:,} calls, {data['orders']:,} orders, "
        f"{data['customers']:,} customers. "
        f"The call screen: {data['call_reminders']} reminders and {data['call_calls']} calls"
    )


SCREENS = Screens(
    bench="recovery_calls",
    data_module="bench.recovery_calls_data",
    option="opportunities",
    rows="lost sales",
    database="bench_recovery",
    tiny=300,
    rows_default=100_000,
    seconds_default=10,
    port=8105,
    pages_of=pages_of,
)


if __name__ == "__main__":
    main(SCREENS, __doc__, summary)
