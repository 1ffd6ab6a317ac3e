import time

import pytest

from storefront.accounts.services import user_sign_up
from support.notifications.models import Notification

pytestmark = [pytest.mark.worker, pytest.mark.postgres]


def wait_for(condition, *, timeout: float = 30.0):
    """Poll until `condition()` is truthy; the worker runs in another process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"condition not met within {timeout} seconds")


def test_a_real_worker_sends_the_welcome_email(celery_worker_process):
    outbox = celery_worker_process

    user = user_sign_up(
        email="rita@example.com.br", full_name="Rita Alves", password="s3nha-longa-2026", language="en"
    )

    sent = wait_for(
        lambda: Notification.objects.filter(recipient=user, status=Notification.Status.SENT).first()
    )
    assert sent.attempts == 1
    emails = wait_for(lambda: list(outbox.iterdir()))
    message = emails[0].read_text()
    assert "To: rita@example.com.br" in message
    assert "Subject: Welcome to Loja Aurora" in message
    assert "Hello, Rita!" in message
