from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from core.actor import Actor, PermissionMissing
from support.exceptions import ChatClosed
from support.models import ChatSession, Ticket
from support.services.chat import (
    chat_agent_say,
    chat_close,
    chat_start,
    chat_visitor_say,
    chats_idle_to_tickets,
    chats_unanswered_to_tickets,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def desk_without_bot(settings):
    """The desk's own path for these messages; the service bot in front of it has its tests in
    tests/bot."""
    settings.STORE_SUPPORT_BOT_CHANNELS = []


@pytest.fixture
def agent(make_staff):
    return Actor.staff(make_staff(Role.SUPPORT_AGENT))


def start(client, **data):
    return client.post(
        reverse("support:chat"),
        {"name": "Rita Souza", "email": "rita@example.com.br", "body": "Vocês entregam em Manaus?", **data},
    )


def test_a_visitor_starts_a_chat_from_any_page_and_sees_the_agents_answer(client, agent):
    # given: the chat box is on the storefront's pages
    assert 'data-testid="chat-launcher"' in client.get("/").content.decode()
    # when
    response = start(client)
    chat = ChatSession.objects.get()
    chat_agent_say(chat_id=chat.pk, actor=agent, body="Entregamos, sim!")
    # then
    assert response.status_code == 200 and "Vocês entregam em Manaus?" in response.content.decode()
    polled = client.get(reverse("support:chat-messages")).content.decode()
    assert "Entregamos, sim!" in polled
    chat.refresh_from_db()
    assert (chat.status, chat.agent) == (ChatSession.Status.ACTIVE, agent.user)


def test_the_chat_form_shows_errors_on_its_fields_and_starts_nothing(client):
    response = start(client, email="não-é-email", body="")
    assert response.context["form"].errors.keys() == {"email", "body"}
    assert not ChatSession.objects.exists()


def test_a_visitor_sees_only_their_own_chat(client):
    chat_start(name="Outra", email="outra@example.com.br", body="segredo")
    assert client.get(reverse("support:chat-messages")).status_code == 404
    assert "segredo" not in client.get(reverse("support:chat")).content.decode()


def test_a_chat_nobody_answers_in_time_becomes_a_ticket_answered_by_email(
    client, settings, django_capture_on_commit_callbacks
):
    settings.STORE_CHAT_TICKET_AFTER_MINUTES = 3
    start(client)
    chat = ChatSession.objects.get()
    assert chats_unanswered_to_tickets() == 0  # still in time
    with django_capture_on_commit_callbacks(execute=True):
        assert chats_unanswered_to_tickets(now=timezone.now() + timedelta(minutes=4)) == 1
    chat.refresh_from_db()
    ticket = chat.ticket
    assert (chat.status, ticket.channel, ticket.status) == ("ticketed", "chat", "new")
    assert "Vocês entregam em Manaus?" in ticket.messages.get(direction="in").body_text
    assert mail.outbox[-1].to == ["rita@example.com.br"] and ticket.protocol in mail.outbox[-1].subject
    assert ticket.protocol in client.get(reverse("support:chat-messages")).content.decode()
    # and what the visitor writes next reaches the ticket
    client.post(reverse("support:chat-say"), {"body": "Alguma novidade?"})
    assert ticket.messages.filter(direction="in", body_text="Alguma novidade?").exists()


def test_a_chat_the_agent_closes_is_kept_as_a_resolved_ticket(client, agent):
    start(client)
    chat = ChatSession.objects.get()
    chat_agent_say(chat_id=chat.pk, actor=agent, body="Entregamos, sim!")
    ticket = chat_close(chat_id=chat.pk, actor=agent)
    assert ticket.status == Ticket.Status.RESOLVED
    transcript = ticket.messages.get(direction="in").body_text
    assert "Vocês entregam em Manaus?" in transcript and "Entregamos, sim!" in transcript
    with pytest.raises(ChatClosed):
        chat_agent_say(chat_id=chat.pk, actor=agent, body="mais uma")


def test_only_first_level_agents_answer_chats(make_staff):
    chat = chat_start(name="Rita", email="rita@example.com.br", body="Oi")
    for role in (Role.WAREHOUSE, Role.OMBUDSMAN):
        with pytest.raises(PermissionMissing):
            chat_agent_say(chat_id=chat.pk, actor=Actor.staff(make_staff(role)), body="x")
    assert ChatSession.objects.get().status == ChatSession.Status.WAITING


def test_agents_answer_from_the_back_office(staff_client):
    chat = chat_start(name="Rita", email="rita@example.com.br", body="Oi")
    client = staff_client(Role.SUPPORT_AGENT)
    assert "Rita" in client.get(reverse("backoffice:chat-list")).content.decode()
    client.post(reverse("backoffice:chat-say", kwargs={"pk": chat.pk}), {"body": "Olá, Rita!"})
    assert chat.messages.filter(from_visitor=False, body="Olá, Rita!").exists()
    response = client.post(reverse("backoffice:chat-close", kwargs={"pk": chat.pk}))
    chat.refresh_from_db()
    assert response.url == reverse("backoffice:ticket-desk-detail", kwargs={"protocol": chat.ticket.protocol})


def test_the_visitor_polling_stays_within_its_queries(client, django_assert_max_num_queries):
    start(client)
    chat = ChatSession.objects.get()
    for index in range(150):
        chat_visitor_say(chat_id=chat.pk, body=f"mensagem {index}")
    with django_assert_max_num_queries(3):  # session, chat, messages
        response = client.get(reverse("support:chat-messages"))
    assert response.content.decode().count('data-testid="chat-message"') == 100


def test_a_chat_with_an_agent_that_went_quiet_is_kept_as_a_resolved_ticket(agent):
    chat = chat_start(name="Rita", email="rita@example.com.br", body="Oi")
    chat_agent_say(chat_id=chat.pk, actor=agent, body="Olá!")
    assert chats_idle_to_tickets(now=timezone.now() + timedelta(minutes=10)) == 0
    assert chats_idle_to_tickets(now=timezone.now() + timedelta(minutes=31)) == 1
    chat.refresh_from_db()
    assert (chat.status, chat.ticket.status) == ("ticketed", "resolved")
