"""The bot in the storefront's chat box: it answers while no agent has taken the chat, lets a
signed-in customer pick among their own orders, and hands the chat to the agents' list, whose
clock for a ticket starts at the handover."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from backoffice.roles import Role
from core.actor import Actor
from support.bot import answers
from support.bot.models import Conversation
from support.models import ChatSession, Ticket
from support.selectors import chat_list_live
from support.services.chat import chat_agent_say, chat_start, chat_visitor_say, chats_unanswered_to_tickets
from tests.bot.factories import CPF, OTHER_CPF, shipped_order_with_news
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def pt(function, *args, **kwargs):
    with translation.override("pt-br"):
        return function(*args, **kwargs)


def said(chat: ChatSession) -> list[str]:
    return list(chat.messages.filter(from_visitor=False).values_list("body", flat=True))


def start(client, body: str):
    return client.post(
        reverse("support:chat"), {"name": "Rita Souza", "email": "rita@example.com.br", "body": body}
    )


def test_the_bot_answers_a_new_chat_and_the_chat_is_not_in_the_agents_list(client):
    response = start(client, "Oi")
    chat = ChatSession.objects.get()
    assert said(chat) == [pt(answers.greeting, name="Rita Souza")]
    assert list(chat_list_live()) == []
    html = response.content.decode()
    assert "Hello, Rita!" in html or "Olá, Rita!" in html
    assert "spinner-grow" not in html  # nobody is waiting for an agent yet


def test_a_guest_proves_the_order_with_number_and_cpf_in_the_chat(client):
    order = shipped_order_with_news()
    start(client, "cadê meu pedido?")
    chat = ChatSession.objects.get()
    chat_visitor_say(chat_id=chat.pk, body=order.number)
    chat_visitor_say(chat_id=chat.pk, body=CPF)
    assert order.shipments.get().tracking_code in said(chat)[-2]


def test_a_wrong_cpf_in_the_chat_reveals_nothing(client):
    order = shipped_order_with_news()
    start(client, "cadê meu pedido?")
    chat = ChatSession.objects.get()
    chat_visitor_say(chat_id=chat.pk, body=f"{order.number} {OTHER_CPF}")
    assert said(chat)[-1] == pt(answers.proof_failed)


def test_a_signed_in_customer_picks_among_their_own_orders(client, customer):
    mine = shipped_order_with_news(customer=customer, cpf=OTHER_CPF)
    OrderFactory(customer=customer, placed_at=timezone.now() - timedelta(days=30))
    someone_else = shipped_order_with_news()
    client.force_login(customer)
    start(client, "onde está minha encomenda")
    chat = ChatSession.objects.get()
    listing = said(chat)[-1]
    assert mine.number in listing and someone_else.number not in listing
    chat_visitor_say(chat_id=chat.pk, body="1")
    assert mine.shipments.get().tracking_code in said(chat)[-2]


def test_a_signed_in_customer_naming_another_persons_order_must_prove_it(client, customer):
    someone_else = shipped_order_with_news()
    client.force_login(customer)
    start(client, f"cadê meu pedido {someone_else.number}")
    chat = ChatSession.objects.get()
    assert said(chat)[-1] == pt(answers.ask_cpf)


def test_asking_for_a_person_puts_the_chat_in_the_agents_list_and_the_clock_starts_then(client, settings):
    start(client, "horário de atendimento")
    chat = ChatSession.objects.get()
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        chat_visitor_say(chat_id=chat.pk, body="quero falar com um atendente")
        assert Conversation.objects.get().status == Conversation.Status.HANDED_OVER
        assert list(chat_list_live()) == [chat]
        assert chats_unanswered_to_tickets() == 0  # waiting since the handover, not since the start
        bot_lines = len(said(chat))
        chat_visitor_say(chat_id=chat.pk, body="alô?")
        assert len(said(chat)) == bot_lines  # the bot stays quiet
    later = timezone.now() + timedelta(minutes=10 + settings.STORE_CHAT_TICKET_AFTER_MINUTES + 1)
    assert chats_unanswered_to_tickets(now=later) == 1
    ticket = Ticket.objects.get()
    transcript = ticket.messages.get(direction="in").body_text
    for line in ["horário de atendimento", "quero falar com um atendente", "alô?", said(chat)[0][:30]]:
        assert line in transcript


def test_a_chat_an_agent_took_is_not_answered_by_the_bot(make_staff):
    agent = Actor.staff(make_staff(Role.SUPPORT_AGENT))
    chat = chat_start(name="Rita", email="rita@example.com.br", body="quero falar com uma pessoa")
    chat_agent_say(chat_id=chat.pk, actor=agent, body="Oi Rita, sou a Ana.")
    before = chat.messages.count()
    chat_visitor_say(chat_id=chat.pk, body="cadê meu pedido")
    assert chat.messages.count() == before + 1


def test_the_chat_polling_stays_within_its_queries(client, django_assert_max_num_queries):
    start(client, "oi")
    chat = ChatSession.objects.get()
    for _turn in range(10):
        chat_visitor_say(chat_id=chat.pk, body="horario")
    with django_assert_max_num_queries(5):
        response = client.get(reverse("support:chat-messages"))
    assert response.status_code == 200


def test_the_bot_speaks_the_language_the_visitor_browses_in():
    with translation.override("en"):
        chat = chat_start(name="Ann", email="ann@example.com", body="where is my order?")
    assert Conversation.objects.get().language == "en"
    with translation.override("en"):
        assert said(chat) == [answers.ask_order_number()]


@pytest.mark.parametrize("channels", [["whatsapp", "chat"], ["whatsapp"]])
def test_the_chat_box_says_who_answers(client, settings, channels):
    settings.STORE_SUPPORT_BOT_CHANNELS = channels
    html = client.get(reverse("support:chat")).content.decode()
    assistant = "chat" in channels
    with translation.override("pt-br"):
        from django.utils.translation import gettext

        said_first = gettext(
            "Our virtual assistant answers at once, at any hour: your order, a boleto or Pix code, returns, "
            "opening hours. Ask for a person whenever you like."
        )
    assert (said_first in html) == assistant


def test_guessing_across_new_chats_meets_the_same_limit_and_the_right_pair_is_refused_too():
    order = shipped_order_with_news()
    wrong = ["11144477735", "39053344705", "86288366757", "71428793860", "87748248800"]
    for cpf in wrong:  # one wrong guess per new chat, as a new session would
        chat = chat_start(name="X", email="x@example.com", body=f"cadê meu pedido {order.number} {cpf}")
        assert said(chat)[-1] == pt(answers.proof_failed)
    chat = chat_start(name="X", email="x@example.com", body=f"cadê meu pedido {order.number} {CPF}")
    assert said(chat)[-1] == pt(answers.proof_failed)
    assert order.shipments.get().tracking_code not in "".join(said(chat))
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        chat = chat_start(name="X", email="x@example.com", body=f"cadê meu pedido {order.number} {CPF}")
        assert order.shipments.get().tracking_code in said(chat)[-2]


def test_no_cpf_is_kept_in_the_clear():
    from support.bot.models import ProofFailure

    order = shipped_order_with_news()
    chat_start(name="X", email="x@example.com", body=f"cadê meu pedido {order.number} {OTHER_CPF}")
    keys = list(ProofFailure.objects.values_list("key", flat=True))
    assert len(keys) == 2 and not any(OTHER_CPF in key or order.number in key for key in keys)
