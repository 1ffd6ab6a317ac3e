import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from core.actor import Actor
from inbox.models import WebhookEvent
from inbox.signatures import body_signature
from support.channels.whatsapp import sandbox_whatsapp_inbound, sandbox_whatsapp_statuses
from support.models import Attachment, Message, Ticket
from support.notifications.models import Notification, SandboxWhatsAppMessage
from support.services import ticket_reply
from tests.support.factories import PNG

pytestmark = pytest.mark.django_db

PHONE = "5511987654321"
URL = reverse("support-webhooks:whatsapp", kwargs={"provider": "sandbox"})


@pytest.fixture(autouse=True)
def desk_without_bot(settings):
    """The desk's own path for these messages; the service bot in front of it has its tests in
    tests/bot."""
    settings.STORE_SUPPORT_BOT_CHANNELS = []


def post(client, body: bytes, signature: str):
    return client.post(URL, data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature)


def customer_writes(client, capture, **message):
    body, signature = sandbox_whatsapp_inbound(phone=message.pop("phone", PHONE), **message)
    with capture(execute=True):
        response = post(client, body, signature)
    assert response.status_code == 200
    return body, signature


@pytest.fixture
def agent(make_staff):
    return Actor.staff(make_staff(Role.SUPPORT_AGENT))


def test_the_subscription_handshake_echoes_the_challenge_only_for_the_right_token(client, settings):
    params = {
        "hub.mode": "subscribe",
        "hub.challenge": "1158201444",
        "hub.verify_token": settings.STORE_WHATSAPP_VERIFY_TOKEN,
    }
    response = client.get(URL, params)
    assert (response.status_code, response.content) == (200, b"1158201444")
    assert client.get(URL, {**params, "hub.verify_token": "wrong"}).status_code == 403


def test_a_message_opens_a_ticket_and_the_protocol_goes_back_on_whatsapp(
    client, django_capture_on_commit_callbacks
):
    customer_writes(client, django_capture_on_commit_callbacks, text="Meu pedido atrasou", name="Rita")
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.contact_phone, ticket.contact_name) == ("whatsapp", PHONE, "Rita")
    assert ticket.subject == "Meu pedido atrasou"
    acknowledgement = Notification.objects.get(kind="ticket_received")
    assert (acknowledgement.channel, acknowledgement.to_address, acknowledgement.status) == (
        "whatsapp",
        PHONE,
        "sent",
    )
    sent = SandboxWhatsAppMessage.objects.get(direction="out")
    assert ticket.protocol in sent.body and sent.template == ""


def test_the_same_call_twice_stores_one_message(client, django_capture_on_commit_callbacks):
    body, signature = customer_writes(client, django_capture_on_commit_callbacks, text="Oi")
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, body, signature).status_code == 200
    assert WebhookEvent.objects.filter(sender="whatsapp").count() == 1
    assert Message.objects.filter(direction="in").count() == 1


@pytest.mark.parametrize("signature", ["", "sha256=00", "t=1,v1=00"])
def test_unsigned_or_wrongly_signed_calls_are_refused_and_store_nothing(client, signature):
    body, _good = sandbox_whatsapp_inbound(phone=PHONE, text="Oi")
    assert post(client, body, signature).status_code == 400
    assert not WebhookEvent.objects.exists() and not Ticket.objects.exists()


def test_an_unknown_provider_is_not_found(client):
    body, signature = sandbox_whatsapp_inbound(phone=PHONE, text="Oi")
    url = reverse("support-webhooks:whatsapp", kwargs={"provider": "other"})
    response = client.post(
        url, data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
    )
    assert response.status_code == 404


def test_a_call_of_another_shape_is_refused(client, settings):
    body = json.dumps({"object": "page", "entry": []}).encode()
    signature = body_signature(body=body, secret=settings.STORE_WHATSAPP_APP_SECRETS["sandbox"])
    assert post(client, body, signature).status_code == 400


def test_a_picture_becomes_an_attachment_and_the_next_message_joins_the_ticket(
    client, django_capture_on_commit_callbacks
):
    customer_writes(
        client, django_capture_on_commit_callbacks, text="Veio quebrado", media=PNG, media_type="image/png"
    )
    customer_writes(client, django_capture_on_commit_callbacks, text="Viu a foto?")
    ticket = Ticket.objects.get()
    assert list(ticket.messages.filter(direction="in").values_list("body_text", flat=True)) == [
        "Veio quebrado",
        "Viu a foto?",
    ]
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png" and attachment.file.read() == PNG


def test_an_executable_is_left_out_with_a_note_and_the_message_kept(
    client, django_capture_on_commit_callbacks
):
    customer_writes(
        client,
        django_capture_on_commit_callbacks,
        text="Segue",
        media=b"MZ\x90\x00" + b"\x00" * 64,
        media_type="application/octet-stream",
        filename="nota.exe",
    )
    ticket = Ticket.objects.get()
    assert ticket.messages.filter(direction="in", body_text="Segue").exists()
    assert not Attachment.objects.exists()
    assert "nota.exe" in ticket.messages.get(direction="note").body_text


def test_the_agents_reply_goes_back_through_the_adapter_and_its_statuses_come_back(
    client, agent, django_capture_on_commit_callbacks
):
    customer_writes(client, django_capture_on_commit_callbacks, text="Quando chega?")
    ticket = Ticket.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = ticket_reply(ticket_id=ticket.pk, actor=agent, body_text="Chega amanhã.")
    reply.notification.refresh_from_db()
    sent = SandboxWhatsAppMessage.objects.get(message_id=reply.notification.external_id)
    assert sent.body.startswith("Chega amanhã.") and ticket.protocol in sent.body
    body, signature = sandbox_whatsapp_statuses(
        statuses=[(sent.message_id, "delivered"), (sent.message_id, "read")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(client, body, signature)
    reply.notification.refresh_from_db()
    assert reply.notification.delivered_at is not None and reply.notification.read_at is not None


def test_outside_the_24_hour_window_only_the_approved_template_goes_out(
    client, agent, django_capture_on_commit_callbacks
):
    customer_writes(client, django_capture_on_commit_callbacks, text="Oi")
    ticket = Ticket.objects.get()
    with (
        time_machine.travel(timezone.now() + timedelta(hours=25)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reply = ticket_reply(ticket_id=ticket.pk, actor=agent, body_text="Desculpe a demora.")
        page = agent_page(client, agent, ticket)
    notification = Notification.objects.get(pk=reply.notification_id)
    assert (notification.template, notification.status) == ("ticket_update", "sent")
    assert notification.template_parameters[0] == ticket.protocol
    sent = SandboxWhatsAppMessage.objects.get(message_id=notification.external_id)
    assert sent.template == "ticket_update" and "Desculpe" not in sent.body
    assert "Fora da janela de 24 horas" in page


def agent_page(client, agent, ticket) -> str:
    client.force_login(agent.user)
    return client.get(
        reverse("backoffice:ticket-desk-detail", kwargs={"protocol": ticket.protocol})
    ).content.decode()
