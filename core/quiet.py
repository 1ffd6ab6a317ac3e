"""Keep a management command's output to what it did.

Without a broker, Celery runs tasks in the command's own process, so their log lines and the
emails they send (printed whole by the console email backend) would bury the one line per
thing the command reports. Warnings and errors stay visible.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.test.utils import override_settings

CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"
# Emails are still built and logged as notifications; only their printing is skipped.
KEPT_EMAIL = "django.core.mail.backends.locmem.EmailBackend"


@contextmanager
def command_quiet() -> Iterator[None]:
    """Silence info logging (Celery's task lines, the store's own notes) and the console
    email backend for the block; warnings, errors and any real email backend are untouched."""
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        if settings.EMAIL_BACKEND == CONSOLE_EMAIL:
            with override_settings(EMAIL_BACKEND=KEPT_EMAIL):
                yield
        else:
            yield
    finally:
        logging.disable(previous)
