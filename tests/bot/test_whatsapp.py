"""The bot on WhatsApp, through the sandbox provider's signed webhook calls applied by the
inbox: it proves an order by number and CPF before telling anything about it, answers tracking,
boleto, Pix, returns and opening hours, and hands the conversation to a person with all of it."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from backoffice.roles import Role
from core.actor import Actor
from core.models import StoreHoliday
from orders.models import Order, Payment, RecoveryOpportunity
from support.bot import answers
from support.bot.models import Conversation, Line
from support.bot.services import PROOF_ATTEMPTS, conversations_expire
from support.models import Ticket
from support.notifications.models import Notification
from support.notifications.services import whatsapp_consent_set
from support.recovery.models import RecoveryOptOut
from support.services import ticket_reply
from tests.accounts.factories import UserFactory
from tests.bot.factories import (
    CPF,
    OTHER_CPF,
    PHONE,
    awaiting_order,
    conversation_of,
    customer_writes,
    delivered_order,
    shipped_order_with_news,
)
from tests.recovery.factories import lost_cart
from tests.support.factories import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def say(client, django_capture_on_commit_callbacks):
    def send(text: str, **options) -> list[str]:
        return customer_writes(client, django_capture_on_commit_callbacks, text, **options)

    return send


def pt(function, *args, **kwargs):
    """What the bot says, in the conversation's language."""
    with translation.override("pt-br"):
        return function(*args, **kwargs)


def test_where_is_my_order_is_answered_with_its_tracking_after_the_proof(say):
    order = shipped_order_with_news(events=4)
    shipment = order.shipments.get()
    assert say("cadê meu pedido") == [pt(answers.ask_order_number) + _signature()]
    assert say(f"É o {order.number}") == [pt(answers.ask_cpf) + _signature()]
    reply = say("529.982.247-25")
    tracking = reply[0]
    assert f"{shipment.service.carrier} ({shipment.service.name})" in tracking
    assert shipment.tracking_code in tracking
    assert "Objeto em trânsito 3" in tracking and "Objeto em trânsito 1" in tracking
    assert "Objeto postado" not in tracking  # the latest three events only
    assert timezone.localdate().strftime("%d/%m/%Y") not in tracking or shipment.promised_on
    assert f"{shipment.promised_on:%d/%m/%Y}" in tracking
    assert reply[1].startswith(pt(answers.anything_else))
    assert conversation_of().order == order


def test_number_and_cpf_in_one_message_are_enough(say):
    order = shipped_order_with_news()
    say("onde está minha encomenda?")
    reply = say(f"pedido {order.number} cpf {CPF}")
    assert order.shipments.get().tracking_code in reply[0]


def test_asking_for_a_person_reaches_the_agents_queue_with_the_whole_conversation(say):
    order = shipped_order_with_news()
    said = ["cadê meu pedido", order.number, CPF, "falar com atendente"]
    for text in said:
        say(text)
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.queue.code, ticket.contact_phone, ticket.status) == (
        "whatsapp",
        "sac",
        PHONE,
        "new",
    )
    assert ticket.order == order and ticket.subject == "cadê meu pedido"
    first = ticket.messages.get(direction="in")
    acknowledgement = ticket.messages.get(direction="out")
    before = list(Line.objects.exclude(notification=acknowledgement.notification).order_by("pk"))
    assert [line.body for line in before if line.from_customer] == said
    assert len(before) == len(said) * 2 + 1  # each answered (the tracking and "anything else?" twice)
    position = 0
    for line in before:  # every line, in order
        position = first.body_text.index(line.body, position) + len(line.body)
    for text in said:
        assert f"Rita: {text}" in first.body_text
    # The customer is told the protocol on WhatsApp, logged with the conversation.
    assert ticket.protocol in acknowledgement.body_text
    assert Line.objects.filter(notification=acknowledgement.notification).exists()
    assert conversation_of().status == Conversation.Status.HANDED_OVER


def test_after_the_handover_the_next_messages_go_to_the_ticket_not_the_bot(say):
    say("humano")
    ticket = Ticket.objects.get()
    assert say("Alô? cadê meu pedido") == []
    assert ticket.messages.filter(direction="in").last().body_text == "Alô? cadê meu pedido"
    assert Ticket.objects.count() == 1


def test_a_reply_soon_after_the_ticket_is_resolved_reopens_it(say, make_staff):
    say("atendente")
    ticket = Ticket.objects.get()
    agent = Actor.staff(make_staff(Role.SUPPORT_AGENT))
    ticket_reply(
        ticket_id=ticket.pk, actor=agent, body_text="Resolvido.", status_after=Ticket.Status.RESOLVED
    )
    assert say("ainda não chegou") == []
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.messages.filter(direction="in").last().body_text == "ainda não chegou"


def test_the_bot_answers_again_once_the_reopening_window_is_over(say, make_staff, settings):
    say("atendente")
    ticket = Ticket.objects.get()
    agent = Actor.staff(make_staff(Role.SUPPORT_AGENT))
    ticket_reply(
        ticket_id=ticket.pk, actor=agent, body_text="Resolvido.", status_after=Ticket.Status.RESOLVED
    )
    Ticket.objects.filter(pk=ticket.pk).update(
        resolved_at=timezone.now() - timedelta(days=settings.STORE_TICKET_REOPEN_DAYS, minutes=1)
    )
    assert say("horário de atendimento")[0].startswith(pt(answers.hours, now=timezone.now())[0][:20])
    assert conversation_of().status == Conversation.Status.ACTIVE


def test_an_agent_held_conversation_is_not_answered_by_the_bot(say, make_staff):
    say("atendente")
    ticket = Ticket.objects.get()
    agent = Actor.staff(make_staff(Role.SUPPORT_AGENT))
    ticket_reply(ticket_id=ticket.pk, actor=agent, body_text="Oi, sou a Ana. Como posso ajudar?")
    lines_before = Line.objects.count()
    assert say("cadê meu pedido") == []
    assert Line.objects.count() == lines_before
    assert ticket.messages.filter(direction="in").last().body_text == "cadê meu pedido"


@pytest.mark.parametrize("case", ["wrong cpf", "someone else's order", "unknown number"])
def test_an_order_not_proven_reveals_nothing_and_changes_nothing(say, case):
    mine = shipped_order_with_news()
    other = shipped_order_with_news(cpf=OTHER_CPF)
    number, cpf = {
        "wrong cpf": (mine.number, OTHER_CPF),
        "someone else's order": (other.number, CPF),
        "unknown number": ("999999", CPF),
    }[case]
    say("cadê meu pedido")
    say(number)
    reply = say(cpf)
    assert reply == [pt(answers.proof_failed) + _signature()]
    for order in (mine, other):
        assert order.shipments.get().tracking_code not in reply[0]
        assert order.status not in reply[0]
    conversation = conversation_of()
    assert (conversation.order, conversation.failed_proofs, conversation.step) == (None, 1, "order_number")
    assert Order.objects.get(pk=mine.pk).updated_at == mine.updated_at
    assert not Ticket.objects.exists()


def test_after_the_attempts_limit_a_person_takes_over_without_a_guess_more(say):
    order = shipped_order_with_news()
    say("cadê meu pedido")
    for _attempt in range(PROOF_ATTEMPTS - 1):
        say(f"{order.number} {OTHER_CPF}")
    reply = say(f"{order.number} {OTHER_CPF}")
    assert reply[0].startswith(pt(answers.too_many_failed_proofs))
    ticket = Ticket.objects.get()
    assert ticket.order is None
    assert order.shipments.get().tracking_code not in "".join(reply)
    # Even the right CPF now goes to the person, not the bot.
    assert say(f"{order.number} {CPF}") == []


def test_the_second_copy_of_a_boleto_awaiting_payment(say):
    order, boleto = awaiting_order(method=Payment.Method.BOLETO)
    say("2ª via do boleto")
    reply = say(f"{order.number} {CPF}")
    assert boleto.boleto_line in reply[0]
    assert f"{boleto.boleto_due_date:%d/%m/%Y}" in reply[0]
    assert f"/pedidos/{order.number}/boleto/" in reply[0] or "boleto" in reply[0]


def test_the_pix_code_goes_alone_so_it_can_be_copied(say):
    order, pix = awaiting_order(method=Payment.Method.PIX)
    say("código pix")
    reply = say(f"{order.number} {CPF}")
    assert reply[1] == pix.pix_code  # no signature under it


def test_an_expired_pix_says_so_and_offers_the_recovery_link_or_a_person(say):
    order, pix = awaiting_order(method=Payment.Method.PIX, expired=True)
    say("código pix")
    reply = say(f"{order.number} {CPF}")
    assert pix.pix_code not in "".join(reply)
    assert f"/carrinho/restaurar/{order.number}/" in reply[0] or "restaur" in reply[0] or "?t=" in reply[0]
    assert "expired" in reply[0] or "expirou" in reply[0]


def test_a_paid_order_has_nothing_to_pay(say):
    order = shipped_order_with_news()
    say("2")
    reply = say(f"{order.number} {CPF}")
    assert reply[0].startswith(pt(lambda: answers.payment(order_id=order.pk, now=timezone.now())[0])[:30])


def test_returns_tell_the_rules_and_give_a_delivered_order_its_return_link(say):
    order = delivered_order()
    reply = say("quero devolver")
    assert reply[0].startswith(pt(answers.return_rules)[:40])
    reply = say(f"{order.number} {CPF}")
    assert f"/pedidos/{order.number}/devolver/?t=" in reply[0]


def test_an_order_not_delivered_gets_no_return_link(say):
    order = shipped_order_with_news()
    say("3")
    reply = say(f"{order.number} {CPF}")
    assert "/devolver/" not in reply[0]


@time_machine.travel(datetime(2026, 12, 25, 10, 0, tzinfo=timezone.get_fixed_timezone(-180)), tick=False)
def test_opening_hours_on_a_holiday_say_nobody_is_there_and_when_they_are_back(say):
    reply = say("horário de atendimento")[0]
    assert "Natal" in reply or "Christmas" in reply
    with translation.override("pt-br"):
        # Saturday the 26th opens at 9 (the demo calendar's hours).
        assert (
            answers._moment(datetime(2026, 12, 26, 9, 0, tzinfo=timezone.get_fixed_timezone(-180))) in reply
        )


@time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=timezone.get_fixed_timezone(-180)), tick=False)
def test_opening_hours_on_a_store_holiday_and_on_a_working_day(say):
    StoreHoliday.objects.create(date=date(2026, 12, 3), name="Inventário")
    reply = say("que horas vocês abrem?")[0]
    assert (
        "Inventário" not in reply and pt(lambda: answers.hours(now=timezone.now()))[0] + _signature() == reply
    )
    with time_machine.travel(
        datetime(2026, 12, 3, 10, 0, tzinfo=timezone.get_fixed_timezone(-180)), tick=False
    ):
        assert "Inventário" in say("horario")[0]


def test_not_understood_shows_the_menu_then_a_person_takes_over(say):
    assert say("blablabla xyz") == [pt(answers.not_understood) + _signature()]
    say("qwerty")
    assert Ticket.objects.get().messages.get(direction="in").body_text.count("Rita: ") == 2


def test_a_message_delivered_twice_is_answered_once(client, django_capture_on_commit_callbacks):
    from support.channels.whatsapp import sandbox_whatsapp_inbound, whatsapp_notice_apply
    from tests.bot.factories import WEBHOOK_URL

    body, signature = sandbox_whatsapp_inbound(phone=PHONE, text="oi")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            WEBHOOK_URL, data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
        )
    from inbox.models import WebhookEvent

    event = WebhookEvent.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        whatsapp_notice_apply(event=event)  # the same message in another call
    assert Line.objects.filter(from_customer=True).count() == 1
    assert Line.objects.filter(from_customer=False).count() == 1


def test_a_picture_during_the_conversation_goes_to_a_person_with_everything(say):
    say("cadê meu pedido")
    say("Veio quebrado, olha", media=PNG, media_type="image/png")
    ticket = Ticket.objects.get()
    messages = list(ticket.messages.filter(direction="in").order_by("pk"))
    assert "Rita: cadê meu pedido" in messages[0].body_text
    assert messages[1].body_text == "Veio quebrado, olha" and messages[1].attachments.count() == 1


def test_a_picture_out_of_the_blue_opens_a_ticket_as_before(say):
    say("Veio quebrado", media=PNG, media_type="image/png")
    assert Ticket.objects.get().messages.get(direction="in").body_text == "Veio quebrado"
    assert not Conversation.objects.exists()


def test_bot_replies_are_logged_as_whatsapp_notifications_within_the_window(say):
    say("oi")
    line = Line.objects.get(from_customer=False)
    notification = line.notification
    assert (notification.channel, notification.to_address, notification.status, notification.template) == (
        Notification.Channel.WHATSAPP,
        PHONE,
        Notification.Status.SENT,
        "",
    )


def test_an_idle_conversation_forgets_the_order_it_proved(say):
    order = shipped_order_with_news()
    say(f"cadê meu pedido {order.number} {CPF}")
    assert conversation_of().order == order
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert conversations_expire() == 1
        conversation = conversation_of()
        assert (conversation.order, conversation.step) == (None, "menu")
        reply = say("cadê meu pedido")
    assert reply == [pt(answers.ask_order_number) + _signature()]


def test_each_message_runs_a_bounded_number_of_queries(say, django_assert_max_num_queries):
    order = shipped_order_with_news(events=30)
    say("cadê meu pedido")
    say(order.number)
    # The webhook call, the inbox, the bot and the delivery of its two answers; not per event.
    with django_assert_max_num_queries(55):
        reply = say(CPF)
    assert order.shipments.get().tracking_code in reply[0]


def test_the_bot_is_off_when_its_channel_is_not_listed(say, settings):
    settings.STORE_SUPPORT_BOT_CHANNELS = ["chat"]
    say("cadê meu pedido")
    assert Ticket.objects.get().subject == "cadê meu pedido"
    assert not Conversation.objects.exists()


def _signature() -> str:
    from django.conf import settings

    with translation.override("pt-br"):
        from support.bot.services import bot_name

        return f"\n\n— {bot_name()}, {settings.SITE_NAME}"


def test_a_menu_number_in_the_middle_of_a_proof_changes_the_topic(say):
    say("cadê meu pedido")
    reply = say("4")
    assert reply[0].startswith(pt(lambda: answers.hours(now=timezone.now()))[0][:20])
    assert conversation_of().step == Conversation.Step.MENU


def test_a_number_given_again_with_the_cpf_is_the_one_checked(say):
    order = shipped_order_with_news()
    say("cadê meu pedido")
    say("999999")
    reply = say(f"desculpe, é o {order.number}, cpf {CPF}")
    assert order.shipments.get().tracking_code in reply[0]


def test_replying_sair_to_a_whatsapp_reminder_stops_the_reminders(say):
    customer = UserFactory(full_name="Rita Alves")
    whatsapp_consent_set(user=customer, phone=PHONE, consent=True)
    lost = lost_cart(lost_at=timezone.now() - timedelta(hours=2), customer=customer)

    [answer] = say("SAIR")

    assert answer.startswith(pt(answers.reminders_stopped))
    opt_out = RecoveryOptOut.objects.get()
    assert (opt_out.source, opt_out.customer) == (RecoveryOptOut.Source.WHATSAPP, customer)
    lost.refresh_from_db()
    assert (lost.status, lost.close_reason) == (RecoveryOpportunity.Status.CLOSED, "opted_out")
