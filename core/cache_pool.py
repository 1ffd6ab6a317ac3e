"""The cache's connection pool: once the cache fails to connect, every call for the next
few seconds fails at once instead of waiting for its own connect timeout, so pages served
while the cache host is unreachable cost no more than pages served without a cache."""

import threading
import time

import redis


class FailFastConnectionPool(redis.ConnectionPool):
    retry_after_seconds = 5.0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._down_until = 0.0
        self._down_lock = threading.Lock()

    def get_connection(self, *args, **kwargs):
        if time.monotonic() < self._down_until:
            raise redis.ConnectionError("the cache did not answer a moment ago; not asking again yet")
        try:
            return super().get_connection(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError):
            with self._down_lock:
                self._down_until = time.monotonic() + self.retry_after_seconds
            raise
