import smtplib
from unittest import mock

import pytest

from support.notifications.models import Notification
from support.notifications.tasks import notification_deliver, notification_reconcile
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_deliver_retries_then_marks_the_message_failed(monkeypatch):
    # Eager retries re-apply the task; let each attempt fail quietly, as on a worker.
    monkeypatch.setitem(notification_deliver.app.conf, "task_eager_propagates", False)
    notification = NotificationFactory()
    with mock.patch(
        "support.notifications.services.EmailMultiAlternatives.send",
        side_effect=smtplib.SMTPConnectError(421, "busy"),
    ):
        result = notification_deliver.apply(kwargs={"notification_id": notification.pk})
    assert result.failed()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == notification_deliver.max_retries + 1


def test_tasks_run_late_acked_on_their_queues(settings):
    assert settings.CELERY_TASK_ACKS_LATE
    assert settings.CELERY_TASK_ROUTES[notification_deliver.name] == {"queue": "email"}
    assert settings.CELERY_BEAT_SCHEDULE["notifications-reconcile"]["task"] == notification_reconcile.name
