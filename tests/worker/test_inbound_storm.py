"""A replay storm: the provider posts the same signed notice again and again, from several
connections at once, while a real worker applies what the inbox stored."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from inbox.models import WebhookEvent
from support.bot.models import Conversation
from support.channels.email import sandbox_inbound_email
from support.channels.whatsapp import sandbox_whatsapp_inbound
from support.models import Message, Ticket
from tests.worker.test_welcome_email import wait_for, wait_for_emails

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

COPIES = 24


def storm(url: str, body: bytes, headers: dict[str, str]) -> list[int]:
    def post(_copy: int) -> int:
        try:
            return Client().post(url, data=body, content_type="application/json", headers=headers).status_code
        finally:
            connection.close()  # each thread's own connection

    with ThreadPoolExecutor(max_workers=6) as pool:
        return list(pool.map(post, range(COPIES)))


def test_a_whatsapp_message_posted_again_and_again_is_answered_once(celery_worker_process, migrated_defaults):
    body, signature = sandbox_whatsapp_inbound(phone="5511912345678", text="Cadê meu pedido?", name="Rita")
    url = reverse("support-webhooks:whatsapp", kwargs={"provider": "sandbox"})

    statuses = storm(url, body, {"X-Hub-Signature-256": signature})

    assert set(statuses) == {200}
    applied = wait_for(lambda: WebhookEvent.objects.filter(sender="whatsapp", status="applied").first())
    assert WebhookEvent.objects.filter(sender="whatsapp").count() == 1
    assert applied.note == "1 messages, 0 statuses"
    # The service bot took it (asking for the order number), once.
    conversation = Conversation.objects.get()
    assert list(conversation.lines.values_list("from_customer", "body")) == [
        (True, "Cadê meu pedido?"),
        (False, conversation.lines.last().body),
    ]
    assert not Ticket.objects.exists()


def test_an_email_posted_again_and_again_opens_one_ticket_answered_once(
    migrated_defaults, celery_worker_process
):
    outbox = celery_worker_process
    body, signature = sandbox_inbound_email(
        from_email="rita@example.com.br",
        subject="Troca",
        text="Quero trocar o tamanho.",
        message_id="<storm-1@mail>",
    )
    url = reverse("support-webhooks:inbound-email", kwargs={"provider": "sandbox"})

    statuses = storm(url, body, {"X-Signature": signature})

    assert set(statuses) == {200}
    wait_for(lambda: WebhookEvent.objects.filter(sender="email", status="applied").first())
    acknowledgement = wait_for_emails(outbox)
    assert WebhookEvent.objects.filter(sender="email").count() == 1
    assert Ticket.objects.count() == 1
    assert Message.objects.filter(direction="in", message_id="<storm-1@mail>").count() == 1
    assert len(acknowledgement) == 1
