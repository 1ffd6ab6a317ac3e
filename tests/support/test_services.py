from datetime import date, datetime, time, timedelta
from itertools import product

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext

from backoffice.roles import Role
from core.actor import Actor, PermissionMissing
from core.models import OpeningHours
from support.exceptions import (
    AssigneeNotAllowed,
    AttachmentRefused,
    EscalationNotAllowed,
    TicketClosed,
    TicketMergeNotAllowed,
    TicketTransitionNotAllowed,
)
from support.models import TICKET_TRANSITIONS, Attachment, Message, Ticket, TicketQueue
from support.services import (
    Incoming,
    IncomingFile,
    macro_render,
    ticket_assign,
    ticket_customer_message,
    ticket_escalate,
    ticket_merge,
    ticket_move,
    ticket_note,
    ticket_open,
    ticket_reply,
    ticket_transition,
    ticket_update,
    tickets_close_resolved,
    tickets_sla_watch,
)
from support.services.tickets import Contact
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory
from tests.support.factories import PDF, open_ticket, photo

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


@pytest.fixture
def agent(make_staff):
    return Actor.staff(make_staff(Role.SUPPORT_AGENT))


@pytest.fixture
def ombudsman(make_staff):
    return Actor.staff(make_staff(Role.OMBUDSMAN))


def test_a_ticket_gets_the_days_protocol_and_the_customer_is_told_it(django_capture_on_commit_callbacks):
    with (
        time_machine.travel(at(date(2026, 12, 3), 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = open_ticket()
        second = open_ticket()
    assert (first.protocol, second.protocol) == ("2026120300001", "2026120300002")
    assert first.status == Ticket.Status.NEW
    assert [message.direction for message in first.messages.all()] == ["in", "out"]
    acknowledgement = first.messages.get(direction="out")
    assert acknowledgement.is_automatic and "2026120300001" in acknowledgement.body_text
    sent = mail.outbox[0]
    assert sent.subject == "[Protocolo 2026120300001] Entrega atrasada"
    assert sent.extra_headers["Message-ID"] == acknowledgement.message_id
    assert first.events.get().to_status == Ticket.Status.NEW


def test_a_guest_ticket_needs_an_address_to_answer_to():
    ticket = open_ticket(email="maria@example.com.br")
    assert ticket.customer is None and ticket.contact_email == "maria@example.com.br"
    with pytest.raises(Exception):  # noqa: B017 - the database refuses a ticket nobody can be answered on
        ticket_open(
            contact=Contact(name="Ninguém"),
            subject="x",
            incoming=Incoming(channel="web", body_text="x"),
            actor=Actor.customer(None),
        )


def test_an_incident_opens_one_ticket_however_often_it_is_reported():
    first = open_ticket(incident_key="delivery_failed:42")
    again = open_ticket(incident_key="delivery_failed:42")
    assert first.pk == again.pk
    assert Ticket.objects.count() == 1


def test_attachments_are_checked_by_their_content_and_a_refused_one_stores_nothing():
    with pytest.raises(AttachmentRefused):
        open_ticket(files=[photo(), IncomingFile(name="foto.png", content=b"MZ\x90\x00 not a picture")])
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
    ticket = open_ticket(files=[photo(), IncomingFile(name="nota.pdf", content=PDF)])
    stored = Attachment.objects.filter(message__ticket=ticket).order_by("pk")
    assert [(item.filename, item.content_type) for item in stored] == [
        ("foto.png", "image/png"),
        ("nota.pdf", "application/pdf"),
    ]
    assert stored[0].file.name == f"support/attachments/{ticket.pk}/{stored[0].token}"


def test_every_pair_of_statuses_moves_exactly_as_the_table_says(agent):
    ticket = open_ticket()
    for start, to in product(Ticket.Status.values, repeat=2):
        Ticket.objects.filter(pk=ticket.pk).update(status=start, sla_paused_at=None)
        ticket.refresh_from_db()
        if to in TICKET_TRANSITIONS[start]:
            ticket_transition(ticket=ticket, to=to, actor=agent)
            assert Ticket.objects.get(pk=ticket.pk).status == to
        else:
            with pytest.raises(TicketTransitionNotAllowed):
                ticket_transition(ticket=ticket, to=to, actor=agent)
            assert Ticket.objects.get(pk=ticket.pk).status == start


def test_an_agents_reply_goes_out_threaded_with_the_protocol(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(email="maria@example.com.br")
    customer_message = ticket.messages.get(direction="in")
    Message.objects.filter(pk=customer_message.pk).update(message_id="<abc@mail.example>")
    with django_capture_on_commit_callbacks(execute=True):
        reply = ticket_reply(ticket_id=ticket.pk, actor=agent, body_text="Seu pedido sai hoje.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING_CUSTOMER
    assert ticket.first_responded_at == reply.created_at
    assert ticket.sla_paused_at is not None  # waiting on the customer stops the clock
    sent = mail.outbox[-1]
    assert sent.subject == f"Re: [Protocolo {ticket.protocol}] Entrega atrasada"
    assert sent.extra_headers["In-Reply-To"] == "<abc@mail.example>"
    assert "<abc@mail.example>" in sent.extra_headers["References"]
    assert "Seu pedido sai hoje." in sent.body and ticket.protocol in sent.body
    assert reply.notification.to_address == "maria@example.com.br"


def test_internal_notes_never_reach_the_customer(agent, django_capture_on_commit_callbacks):
    ticket = open_ticket()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        note = ticket_note(ticket_id=ticket.pk, actor=agent, body_text="Cliente já ligou duas vezes.")
    assert note.direction == Message.Direction.NOTE and note.notification is None
    assert mail.outbox == []


def test_the_customers_answer_opens_the_ticket_again(agent):
    ticket = open_ticket()
    ticket_reply(ticket_id=ticket.pk, actor=agent, body_text="Pode mandar uma foto?")
    ticket_customer_message(
        ticket_id=ticket.pk,
        incoming=Incoming(channel="web", body_text="Segue a foto.", files=[photo()]),
        actor=Actor.customer(ticket.customer),
    )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN and ticket.sla_paused_at is None


def test_a_late_reply_reopens_a_resolved_ticket_within_the_window_and_not_after(agent, settings):
    settings.STORE_TICKET_REOPEN_DAYS = 7
    ticket = open_ticket()
    ticket_reply(
        ticket_id=ticket.pk, actor=agent, body_text="Resolvido.", status_after=Ticket.Status.RESOLVED
    )
    reply = Incoming(channel="web", body_text="Ainda não chegou!")
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        ticket_customer_message(ticket_id=ticket.pk, incoming=reply, actor=Actor.customer(ticket.customer))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.events.filter(note=gettext("Reopened by the customer")).exists()
    ticket_reply(
        ticket_id=ticket.pk, actor=agent, body_text="Agora sim.", status_after=Ticket.Status.RESOLVED
    )
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        with pytest.raises(TicketClosed):
            ticket_customer_message(
                ticket_id=ticket.pk,
                incoming=Incoming(channel="web", body_text="E agora?"),
                actor=Actor.customer(None),
            )
        assert tickets_close_resolved() == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED and ticket.messages.filter(body_text="E agora?").count() == 0


def test_a_message_delivered_twice_is_stored_once():
    ticket = open_ticket()
    incoming = Incoming(channel="whatsapp", body_text="oi", external_id="wamid.1")
    first = ticket_customer_message(ticket_id=ticket.pk, incoming=incoming, actor=Actor.customer(None))
    again = ticket_customer_message(ticket_id=ticket.pk, incoming=incoming, actor=Actor.customer(None))
    assert first.pk == again.pk
    assert ticket.messages.filter(direction="in").count() == 2  # the first message and this one


def test_an_auto_reply_is_kept_but_moves_nothing(agent):
    ticket = open_ticket()
    ticket_reply(ticket_id=ticket.pk, actor=agent, body_text="Pode confirmar o endereço?")
    ticket_customer_message(
        ticket_id=ticket.pk,
        incoming=Incoming(channel="email", body_text="Estou de férias.", is_automatic=True),
        actor=Actor.customer(None),
    )
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.WAITING_CUSTOMER


def test_a_macro_fills_in_the_protocol_order_and_tracking_link():
    from support.models import Macro

    order = OrderFactory()
    ticket = open_ticket(customer=order.customer or UserFactory(), order=order)
    macro = Macro(
        name="Status", body="Protocolo {protocol}: pedido {order_number} em {tracking_url} {desconhecido}"
    )
    text = macro_render(macro=macro, ticket=ticket)
    assert text.startswith(f"Protocolo {ticket.protocol}: pedido {order.number} em http")
    assert f"/pedidos/{order.number}/acompanhar/?t=" in text
    assert not text.endswith("{desconhecido}")


def test_agents_pull_tickets_but_only_assigners_give_them_and_only_to_who_can_work_them(
    make_staff, agent, ombudsman
):
    ticket = open_ticket()
    assert ticket_assign(ticket_id=ticket.pk, assignee=agent.user, actor=agent).assignee == agent.user
    with pytest.raises(AssigneeNotAllowed):
        ticket_assign(ticket_id=ticket.pk, assignee=ombudsman.user, actor=agent)
    warehouse = Actor.staff(make_staff(Role.WAREHOUSE))
    with pytest.raises(PermissionMissing):
        ticket_assign(ticket_id=ticket.pk, assignee=warehouse.user, actor=warehouse)
    assert Ticket.objects.get(pk=ticket.pk).assignee == agent.user


def test_round_robin_queues_hand_tickets_out_in_turn(make_staff):
    first, second = make_staff(Role.SUPPORT_AGENT), make_staff(Role.SUPPORT_AGENT)
    queue = TicketQueue.objects.get(code="sac")
    queue.assignment = TicketQueue.Assignment.ROUND_ROBIN
    queue.save()
    queue.agents.add(first, second, make_staff(Role.WAREHOUSE))  # one who cannot work it is skipped
    assignees = [open_ticket().assignee for _ in range(3)]
    assert assignees == [first, second, first]


def test_duplicates_of_the_same_customer_merge_and_others_do_not(agent):
    customer = UserFactory()
    kept, duplicate = open_ticket(customer=customer), open_ticket(customer=customer, body="De novo")
    merged = ticket_merge(duplicate_id=duplicate.pk, into_id=kept.pk, actor=agent)
    duplicate.refresh_from_db()
    assert duplicate.status == Ticket.Status.CLOSED and duplicate.merged_into == kept
    assert merged.messages.filter(body_text="De novo").exists()
    stranger = open_ticket()
    with pytest.raises(TicketMergeNotAllowed):
        ticket_merge(duplicate_id=stranger.pk, into_id=kept.pk, actor=agent)
    assert Ticket.objects.get(pk=stranger.pk).status == Ticket.Status.NEW


def test_the_customer_reaches_the_ombudsman_only_after_an_answer_or_a_missed_deadline(agent, ombudsman):
    ticket = open_ticket()
    customer = Actor.customer(ticket.customer)
    with pytest.raises(EscalationNotAllowed):
        ticket_escalate(ticket_id=ticket.pk, actor=customer, reason="Quero a ouvidoria", by_customer=True)
    ticket_reply(
        ticket_id=ticket.pk, actor=agent, body_text="Resolvido.", status_after=Ticket.Status.RESOLVED
    )
    case = ticket_escalate(ticket_id=ticket.pk, actor=customer, reason="Não resolveu.", by_customer=True)
    assert case.queue.is_ombudsman and case.escalated_from == ticket and case.protocol != ticket.protocol
    assert ticket_escalate(ticket_id=ticket.pk, actor=agent, reason="de novo").pk == case.pk  # once
    # The first level cannot work the ombudsman's case; the ombudsman cannot work the first level.
    with pytest.raises(PermissionMissing):
        ticket_reply(ticket_id=case.pk, actor=agent, body_text="x")
    with pytest.raises(PermissionMissing):
        ticket_move(ticket_id=ticket.pk, to=Ticket.Status.OPEN, actor=ombudsman)
    ticket_reply(ticket_id=case.pk, actor=ombudsman, body_text="Analisamos o caso.")


def test_a_consumer_bodys_deadline_caps_the_resolution_deadline(ombudsman):
    deadline = timezone.now() + timedelta(days=2)
    case = ticket_open(
        contact=Contact(name="Consumidor", email="c@example.com.br"),
        subject="Reclamação Procon",
        incoming=Incoming(channel="consumer_body", body_text="Notificação 123/2026"),
        actor=ombudsman,
        queue_code="ouvidoria",
        external_reference="PROCON-SP 123/2026",
        external_deadline=deadline,
    )
    assert case.resolution_due_at == deadline


def test_the_first_level_cannot_open_ombudsman_cases(agent):
    with pytest.raises(PermissionMissing):
        ticket_open(
            contact=Contact(email="c@example.com.br"),
            subject="x",
            incoming=Incoming(channel="consumer_body", body_text="x"),
            actor=agent,
            queue_code="ouvidoria",
        )
    assert not Ticket.objects.exists()


class TestDeadlines:
    """The SAC queue's normal priority: a first answer within 8 business hours (here the
    store opens 8:00-18:00 on weekdays and Saturday 9:00-13:00), a resolution within 7 days."""

    def test_the_first_response_deadline_skips_the_weekend_and_a_national_holiday(self):
        OpeningHours.objects.filter(weekday=5).delete()  # no Saturday service
        # Thursday 24 December 2026, 14:00: 4 hours that day, Christmas Friday, the weekend,
        # then 4 hours on Monday 28.
        with time_machine.travel(at(date(2026, 12, 24), 14), tick=False):
            ticket = open_ticket()
        assert ticket.first_response_due_at == at(date(2026, 12, 28), 12)
        assert ticket.resolution_due_at == at(date(2026, 12, 31), 14)  # 7 calendar days
        assert ticket.sla_due_at == ticket.first_response_due_at

    def test_saturday_hours_count_when_the_store_opens_on_saturday(self):
        with time_machine.travel(at(date(2026, 11, 27), 16), tick=False):  # Friday
            ticket = open_ticket()
        # 2 hours on Friday, 4 on Saturday morning, 2 on Monday.
        assert ticket.first_response_due_at == at(date(2026, 11, 30), 10)

    def test_waiting_on_the_customer_stops_the_clock(self, agent):
        OpeningHours.objects.filter(weekday=5).delete()
        with time_machine.travel(at(date(2026, 12, 1), 9), tick=False):  # Tuesday
            ticket = open_ticket()
            ticket_reply(ticket_id=ticket.pk, actor=agent, body_text="Qual o CEP?")
        original_resolution = Ticket.objects.get(pk=ticket.pk).resolution_due_at
        assert original_resolution == at(date(2026, 12, 8), 9)
        # The customer answers two days later: the resolution deadline moves two days.
        with time_machine.travel(at(date(2026, 12, 3), 9), tick=False):
            ticket_customer_message(
                ticket_id=ticket.pk,
                incoming=Incoming(channel="web", body_text="01310-100"),
                actor=Actor.customer(None),
            )
        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.OPEN
        assert ticket.resolution_due_at == at(date(2026, 12, 10), 9)
        assert ticket.sla_due_at == ticket.resolution_due_at  # answered once: the resolution is next

    def test_near_deadlines_warn_once_and_missed_ones_escalate_once(
        self, agent, make_staff, django_capture_on_commit_callbacks
    ):
        manager = make_staff(Role.MANAGER)
        with time_machine.travel(at(date(2026, 12, 1), 9), tick=False):
            ticket = open_ticket()
        ticket_assign(ticket_id=ticket.pk, assignee=agent.user, actor=agent)
        due = Ticket.objects.get(pk=ticket.pk).sla_due_at  # 17:00 the same day
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert tickets_sla_watch(now=due - timedelta(minutes=30)) == (1, 0)
            assert tickets_sla_watch(now=due - timedelta(minutes=20)) == (0, 0)
            assert tickets_sla_watch(now=due + timedelta(minutes=1)) == (0, 1)
            assert tickets_sla_watch(now=due + timedelta(minutes=5)) == (0, 0)
        assert [message.to for message in mail.outbox] == [
            [agent.user.email],
            [agent.user.email],
            [manager.email],
        ]
        assert Ticket.objects.get(pk=ticket.pk).sla_breached_at == due + timedelta(minutes=1)

    def test_a_higher_priority_brings_the_deadline_forward(self, agent):
        with time_machine.travel(at(date(2026, 12, 1), 9), tick=False):
            ticket = open_ticket()
            ticket_update(ticket_id=ticket.pk, actor=agent, priority="urgent", tags=["Atraso", "correios"])
        ticket.refresh_from_db()
        assert ticket.first_response_due_at == at(date(2026, 12, 1), 10)
        assert sorted(ticket.tags.values_list("name", flat=True)) == ["atraso", "correios"]


def test_roles_outside_support_cannot_touch_tickets(make_staff):
    ticket = open_ticket()
    for role in (Role.WAREHOUSE, Role.ORDER_ANALYST, Role.TELESALES):
        actor = Actor.staff(make_staff(role))
        with pytest.raises(PermissionMissing):
            ticket_reply(ticket_id=ticket.pk, actor=actor, body_text="x")
        with pytest.raises(PermissionMissing):
            ticket_move(ticket_id=ticket.pk, to=Ticket.Status.OPEN, actor=actor)
    assert Ticket.objects.get(pk=ticket.pk).messages.filter(direction="out", is_automatic=False).count() == 0
