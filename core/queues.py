from enum import StrEnum


class Queue(StrEnum):
    """Celery queues. A worker that serves the whole store consumes all of them."""

    DEFAULT = "default"
    PAYMENTS = "payments"
    EMAIL = "email"
    LOGISTICS = "logistics"
    LONG = "long"
