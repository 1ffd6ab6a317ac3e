"""Logging for outages: a failing dependency fails every call, and one line a minute says it."""

import logging
import threading
import time


class RepeatThrottle(logging.Filter):
    """Let a message through once per `seconds`; the same message again within that time is
    dropped. Messages are told apart by logger and format string, not by their arguments."""

    def __init__(self, seconds: float = 60) -> None:
        super().__init__()
        self.seconds = seconds
        self._last_seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = time.monotonic()
        with self._lock:
            last = self._last_seen.get(key)
            if last is not None and now - last < self.seconds:
                return False
            self._last_seen[key] = now
            return True
