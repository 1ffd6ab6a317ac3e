"""Enqueueing that never fails the request that asked for it.

Every task of the store moves forward work whose state lives in the database, and a
reconciler enqueues again whatever stays stuck. So when the broker cannot be reached, the
right thing is to log it and carry on: the shopper who just paid still sees the
confirmation, and the task runs once the broker is back and the reconciler finds it.
"""

import logging

from celery.contrib.django.task import DjangoTask
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


class EnqueueSafeTask(DjangoTask):
    # Retries wait at most this long, well within the broker's visibility timeout, so a
    # retry that is waiting in a worker is never delivered a second time.
    retry_backoff_max = 120

    def apply_async(self, args=None, kwargs=None, **options):
        try:
            return super().apply_async(args, kwargs, **options)
        except OperationalError as error:
            logger.error("broker unreachable, %s left for its reconciler: %s", self.name, error)
            return None
