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


EMAIL_END = "-" * 79  # the line Django's file backend writes after each whole message


def wait_for_emails(outbox) -> list[str]:
    """The emails the worker wrote to `outbox`, once each file holds a whole message: the
    file backend creates the file before it writes, so an empty one is still being written."""

    def written():
        texts = [path.read_text() for path in sorted(outbox.iterdir())]
        return texts if texts and all(EMAIL_END in text for text in texts) else None

    return wait_for(written)


def test_a_real_worker_sends_the_welcome_email(celery_worker_process):
    outbox = celery_worker_process

    user = user_sign_up(
        email="rita@example.com.br", full_name="Rita Alves", password="s3nha-longa-2026", language="en"
    )

    sent = wait_for(
        lambda: Notification.objects.filter(recipient=user, status=Notification.Status.SENT).first()
    )
    assert sent.attempts == 1
    message = wait_for_emails(outbox)[0]
    assert "To: rita@example.com.br" in message
    assert "Subject: Welcome to Loja Aurora" in message
    assert "Hello, Rita!" in message
