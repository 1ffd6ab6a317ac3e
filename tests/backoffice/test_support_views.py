from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from backoffice.views import support as views
from core.actor import Actor
from support.models import Macro, Message, Ticket, TicketQueue, TicketView
from support.services import ticket_escalate, ticket_note, ticket_reply
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory
from tests.support.factories import open_ticket, photo

pytestmark = pytest.mark.django_db


def desk(client, **params):
    return client.get(reverse("backoffice:support-desk"), params)


def screen(protocol: str) -> str:
    return reverse("backoffice:ticket-desk-detail", kwargs={"protocol": protocol})


def test_the_desk_lists_a_queue_by_deadline_within_its_queries(staff_client, django_assert_max_num_queries):
    # given: 60 tickets, the later ones with earlier deadlines
    tickets = [open_ticket() for _ in range(60)]
    now = timezone.now()
    for index, ticket in enumerate(tickets):
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=now + timedelta(hours=60 - index))
    client = staff_client(Role.SUPPORT_AGENT)
    # when
    with django_assert_max_num_queries(views.DESK_QUERIES):
        response = desk(client)
    # then
    assert response.status_code == 200
    shown = [ticket.protocol for ticket in response.context["page_obj"]]
    assert len(shown) == views.PAGE_SIZE
    assert shown[0] == tickets[-1].protocol
    sac = next(queue for queue in response.context["queues"] if queue.code == "sac")
    assert sac.active_count == 60


def test_the_desk_finds_tickets_by_protocol_email_cpf_and_order(staff_client):
    order = OrderFactory(cpf="52998224725", email="maria@example.com.br")
    by_order = open_ticket(customer=order.customer or UserFactory(), order=order, subject="Troca de tamanho")
    by_email = open_ticket(email="joao@example.com.br", subject="Nota fiscal")
    open_ticket(subject="Outro assunto")
    client = staff_client(Role.SUPPORT_AGENT)

    def found(term: str) -> list[str]:
        return [ticket.protocol for ticket in desk(client, q=term).context["page_obj"]]

    assert found(by_email.protocol) == [by_email.protocol]
    assert found("JOAO@example.com.br") == [by_email.protocol]
    assert found("529.982.247-25") == [by_order.protocol]
    assert found(order.number) == [by_order.protocol]
    assert found("troca") == [by_order.protocol]
    assert found("chegou") == sorted(  # words of the messages: every ticket's first message says it
        [by_order.protocol, by_email.protocol, Ticket.objects.get(subject="Outro assunto").protocol]
    )


def test_the_ticket_screen_stays_within_its_queries_with_a_long_conversation(
    staff_client, django_assert_max_num_queries
):
    ticket = open_ticket(files=[photo()])
    agent = Actor.staff(UserFactory(is_staff=True, is_superuser=True))
    for index in range(20):
        ticket_reply(ticket_id=ticket.pk, actor=agent, body_text=f"Resposta {index}", files=[photo()])
        ticket_note(ticket_id=ticket.pk, actor=agent, body_text=f"Nota {index}")
    client = staff_client(Role.SUPPORT_AGENT)
    with django_assert_max_num_queries(views.TICKET_QUERIES):
        response = client.get(screen(ticket.protocol))
    assert response.status_code == 200
    assert len(response.context["ticket"].conversation) == 42  # customer, acknowledgement, replies and notes


def test_an_agent_answers_with_a_macro_and_the_customer_gets_it(
    staff_client, django_capture_on_commit_callbacks
):
    ticket = open_ticket(email="maria@example.com.br")
    macro = Macro.objects.create(name="Prazo", body="Olá! Seu protocolo é {protocol}.", set_status="resolved")
    client = staff_client(Role.SUPPORT_AGENT)
    filled = client.get(
        reverse("backoffice:ticket-macro", kwargs={"protocol": ticket.protocol}), {"macro": macro.pk}
    )
    assert f"Seu protocolo é {ticket.protocol}." in filled.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("backoffice:ticket-reply", kwargs={"protocol": ticket.protocol}),
            {
                "body": f"Olá! Seu protocolo é {ticket.protocol}. Até logo.",
                "status_after": "resolved",
                "macro": macro.pk,
            },
        )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED  # as the macro suggested and the agent kept
    reply, survey = mail.outbox  # resolving it asks how the service went
    assert reply.body.startswith(f"Olá! Seu protocolo é {ticket.protocol}. Até logo.")
    assert ticket.protocol in survey.subject


def test_an_empty_reply_is_refused_and_changes_nothing(staff_client):
    ticket = open_ticket()
    client = staff_client(Role.SUPPORT_AGENT)
    response = client.post(
        reverse("backoffice:ticket-reply", kwargs={"protocol": ticket.protocol}),
        {"body": "", "status_after": "open"},
    )
    assert response.status_code == 302
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["Este campo é obrigatório."]
    assert not ticket.messages.filter(direction=Message.Direction.OUTBOUND, is_automatic=False).exists()


def test_two_agents_on_the_same_ticket_are_warned(staff_client, make_staff):
    ticket = open_ticket()
    other = make_staff(Role.SUPPORT_AGENT)
    TicketView.objects.create(ticket=ticket, agent=other, seen_at=timezone.now())
    response = staff_client(Role.SUPPORT_AGENT).get(screen(ticket.protocol))
    assert f"{other.email} também está com este chamado aberto." in response.content.decode()


def test_the_first_level_cannot_open_the_ombudsmans_case_but_the_ombudsman_reads_the_first_level(
    staff_client, make_staff
):
    ticket = open_ticket()
    case = ticket_escalate(
        ticket_id=ticket.pk, actor=Actor.staff(make_staff(Role.SUPPORT_AGENT)), reason="Cliente pediu"
    )
    assert staff_client(Role.SUPPORT_AGENT).get(screen(case.protocol)).status_code == 403
    ombudsman = staff_client(Role.OMBUDSMAN)
    first_level = ombudsman.get(screen(ticket.protocol))
    assert first_level.status_code == 200 and first_level.context["can_work"] is False
    assert ombudsman.get(screen(case.protocol)).context["can_work"] is True
    queues = [queue.code for queue in desk(ombudsman).context["queues"]]
    assert queues == ["ouvidoria"]


def test_an_agent_escalates_and_the_ombudsman_answers(staff_client, make_staff, client):
    ticket = open_ticket()
    agent = staff_client(Role.SUPPORT_AGENT)
    agent.post(
        reverse("backoffice:ticket-act", kwargs={"protocol": ticket.protocol}),
        {"action": "escalate", "reason": "Terceira reclamação"},
    )
    case = Ticket.objects.get(escalated_from=ticket)
    assert case.queue == TicketQueue.objects.get(code="ouvidoria")
    client.force_login(make_staff(Role.OMBUDSMAN))
    client.post(
        reverse("backoffice:ticket-reply", kwargs={"protocol": case.protocol}),
        {"body": "Analisamos e vamos trocar o produto.", "status_after": "resolved"},
    )
    assert Ticket.objects.get(pk=case.pk).status == Ticket.Status.RESOLVED


def test_a_phone_call_opens_a_ticket_and_a_consumer_body_case_goes_to_the_ombudsman(staff_client):
    agent = staff_client(Role.SUPPORT_AGENT)
    sac = TicketQueue.objects.get(code="sac")
    response = agent.post(
        reverse("backoffice:ticket-new"),
        {
            "channel": "phone",
            "queue": sac.pk,
            "name": "José Lima",
            "phone": "11 98765-4321",
            "subject": "Ligou sobre a entrega",
            "body": "Quer saber quando chega.",
            "priority": "normal",
            "call_direction": "in",
            "call_minutes": "4",
            "call_outcome": "solved",
        },
    )
    ticket = Ticket.objects.get(subject="Ligou sobre a entrega")
    assert response.url == screen(ticket.protocol)
    assert (ticket.channel, ticket.contact_phone) == ("phone", "11 98765-4321")
    call = ticket.calls.get()
    assert (call.direction, call.duration, call.outcome) == ("in", timedelta(minutes=4), "solved")
    # The first level has no ombudsman queue to choose: the case is refused, nothing stored.
    refused = agent.post(
        reverse("backoffice:ticket-new"),
        {
            "channel": "consumer_body",
            "queue": TicketQueue.objects.get(code="ouvidoria").pk,
            "name": "Consumidor",
            "email": "c@example.com.br",
            "subject": "Procon",
            "body": "Notificação",
            "priority": "normal",
        },
    )
    assert refused.status_code == 200 and "queue" in refused.context["form"].errors
    assert not Ticket.objects.filter(subject="Procon").exists()


def test_bulk_take_assigns_the_selected_tickets(staff_client):
    first, second, untouched = open_ticket(), open_ticket(), open_ticket()
    client = staff_client(Role.SUPPORT_AGENT)
    client.post(reverse("backoffice:support-bulk"), {"action": "take", "ticket": [first.pk, second.pk]})
    user = client.get(reverse("backoffice:support-desk")).wsgi_request.user
    assert list(Ticket.objects.filter(assignee=user).order_by("pk")) == [first, second]
    assert Ticket.objects.get(pk=untouched.pk).assignee is None


def test_an_agent_records_the_public_answer_of_a_complaint_made_in_public(staff_client):
    from support.services import Contact, Incoming, ticket_open

    ticket = ticket_open(
        contact=Contact(name="@cliente"),
        subject="Reclamação no Reclame Aqui",
        incoming=Incoming(channel="social", body_text="Produto não chegou"),
        actor=Actor.job("test"),
        public_url="https://www.reclameaqui.com.br/loja/produto-nao-chegou_abc/",
        acknowledge=False,
    )
    agent = staff_client(Role.SUPPORT_AGENT)
    page = agent.get(screen(ticket.protocol)).content.decode()
    assert "reclameaqui.com.br" in page and 'data-testid="public-answer-posted"' in page
    agent.post(
        reverse("backoffice:ticket-act", kwargs={"protocol": ticket.protocol}), {"action": "public_answer"}
    )
    assert Ticket.objects.get(pk=ticket.pk).public_answer_posted_at is not None
