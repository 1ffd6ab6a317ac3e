"""Heavy reads (dashboards, exports) may be served by a read replica.

Code that can live with the replica's lag wraps its reads in `replica_reads()`; the database
router sends reads made inside it to the replica when one is configured, and never a write.
A streamed response must enter it inside its generator, which runs after the view returns.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def is_reading_from_replica() -> bool:
    return _replica_reads.get()
