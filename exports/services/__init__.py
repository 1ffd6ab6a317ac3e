from exports.services.feed import (
    feed_collect,
    feed_deliver,
    feed_event_deliver,
    feed_event_retry,
    feed_reconcile,
)
from exports.services.runs import export_run_record

__all__ = [
    "export_run_record",
    "feed_collect",
    "feed_deliver",
    "feed_event_deliver",
    "feed_event_retry",
    "feed_reconcile",
]
