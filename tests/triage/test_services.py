from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice.roles import Role
from core.actor import Actor
from support.channels.email import sandbox_inbound_email
from support.channels.social import PublicComplaint, complaints_import
from support.channels.whatsapp import sandbox_whatsapp_inbound
from support.models import Message, Ticket, TicketQueue
from support.services import Incoming, ticket_customer_message, ticket_update
from support.triage.models import Correction, TicketTriage, TriageModel, Verdict
from support.triage.services import classifier_current, repeat_contacts, triage_correct
from tests.triage.factories import backdate, customer_ticket, delivery_queue

pytestmark = pytest.mark.django_db

PHONE = "5511987654321"


@pytest.fixture(autouse=True)
def desk_without_bot(settings):
    """Messages reach the desk itself; the service bot in front of it has its own tests."""
    settings.STORE_SUPPORT_BOT_CHANNELS = []


def email_arrives(
    client, capture, *, subject: str, text: str, from_email: str = "ana@example.com.br"
) -> Ticket:
    body, signature = sandbox_inbound_email(from_email=from_email, subject=subject, text=text)
    with capture(execute=True):
        response = client.post(
            "/support/email/sandbox/",
            data=body,
            content_type="application/json",
            headers={"X-Signature": signature},
        )
    assert response.status_code == 200
    return Ticket.objects.get(contact_email=from_email)


def whatsapp_arrives(client, capture, *, text: str) -> None:
    body, signature = sandbox_whatsapp_inbound(phone=PHONE, text=text, name="Rita")
    with capture(execute=True):
        response = client.post(
            "/support/whatsapp/sandbox/",
            data=body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=signature,
        )
    assert response.status_code == 200


def test_an_email_about_a_late_delivery_lands_in_the_delivery_queue_with_its_priority(
    client, django_capture_on_commit_callbacks
):
    queue = delivery_queue()
    ticket = email_arrives(
        client,
        django_capture_on_commit_callbacks,
        subject="Pedido 104587 atrasado",
        text="Bom dia, comprei há 5 dias e o rastreio dos Correios não atualiza. Qual a previsão de entrega?",
    )
    assert (ticket.queue, ticket.priority) == (queue, "normal")
    assert list(ticket.tags.values_list("name", flat=True)) == ["entrega"]
    verdict = Verdict.objects.get(ticket=ticket)
    assert (verdict.topic, verdict.urgency, verdict.model_version) == ("delivery", "normal", 1)
    assert verdict.message.channel == "email" and 0 < verdict.topic_confidence <= 1
    assert verdict.reasons["topic_terms"]
    assert ticket.events.filter(actor="job:triage", note__contains="queue sac → entregas").exists()


def test_a_procon_threat_on_whatsapp_makes_the_ticket_urgent_with_its_deadlines(
    client, django_capture_on_commit_callbacks
):
    whatsapp_arrives(
        client,
        django_capture_on_commit_callbacks,
        text="paguei o pix faz 10 dias e vcs cancelaram meu pedido. se nao devolverem hoje vou no procon",
    )
    ticket = Ticket.objects.get(contact_phone=PHONE)
    triage = TicketTriage.objects.get(ticket=ticket)
    assert (triage.topic, triage.urgency) == ("payment", "urgent")
    assert "procon" in triage.reasons["alarm_terms"]
    assert ticket.priority == "urgent"
    # The urgent target of the first-level queue: an answer within one business hour.
    assert ticket.first_response_due_at - ticket.created_at <= timedelta(hours=72)
    assert ticket.sla_due_at == min(ticket.first_response_due_at, ticket.resolution_due_at)
    assert ticket.resolution_due_at - ticket.created_at == timedelta(days=2)


def test_each_message_on_a_ticket_is_classified_and_anger_raises_the_priority(
    client, django_capture_on_commit_callbacks
):
    whatsapp_arrives(
        client, django_capture_on_commit_callbacks, text="oi, consigo trocar o tenis por um numero maior?"
    )
    ticket = Ticket.objects.get(contact_phone=PHONE)
    assert (ticket.triage.topic, ticket.priority) == ("return_exchange", "normal")
    whatsapp_arrives(
        client,
        django_capture_on_commit_callbacks,
        text="ninguem me responde, vou registrar no reclame aqui e no procon. que palhaçada",
    )
    ticket.refresh_from_db()
    assert Verdict.objects.filter(ticket=ticket).count() == 2
    assert (ticket.triage.urgency, ticket.priority) == ("urgent", "urgent")


def test_repeated_contact_raises_the_urgency_of_a_calm_message(customer):
    for days in (4, 2):
        earlier = customer_ticket(customer=customer, body="Qual o prazo de entrega do meu pedido?")
        backdate(earlier, days=days)
    ticket = customer_ticket(customer=customer, body="Qual o prazo de entrega do meu pedido?")
    verdict = Verdict.objects.get(ticket=ticket)
    assert (verdict.text_urgency, verdict.repeat_contacts, verdict.urgency) == ("normal", 2, "high")
    ticket.refresh_from_db()
    assert ticket.priority == "high"


def test_a_burst_of_messages_counts_as_one_contact_and_an_answer_starts_the_count_again(customer):
    ticket = customer_ticket(customer=customer, body="oi")
    for text in ("tudo bem?", "meu pedido"):
        ticket_customer_message(
            ticket_id=ticket.pk,
            incoming=Incoming(channel="web", body_text=text),
            actor=Actor.customer(customer),
        )
    last = Message.objects.filter(ticket=ticket).order_by("-pk").first()
    assert repeat_contacts(ticket=ticket, message=last) == 0
    Message.objects.filter(ticket=ticket).exclude(pk=last.pk).update(
        created_at=timezone.now() - timedelta(days=1)
    )
    assert repeat_contacts(ticket=ticket, message=last) == 1


def test_a_ticket_an_agent_moved_stays_and_a_priority_never_goes_down(customer, make_staff):
    queue = delivery_queue()
    other = TicketQueue.objects.create(code="vip", name="VIP")
    ticket = customer_ticket(customer=customer, body="Meu pedido ainda não chegou, qual a previsão?")
    assert ticket.queue == queue
    Ticket.objects.filter(pk=ticket.pk).update(queue=other)  # a manager moved it in the admin
    agent = Actor.staff(make_staff(Role.SUPPORT_AGENT))
    ticket_update(ticket_id=ticket.pk, actor=agent, priority="urgent")
    ticket_customer_message(
        ticket_id=ticket.pk,
        incoming=Incoming(channel="web", body_text="Obrigada, aguardo a entrega do pedido."),
        actor=Actor.customer(customer),
    )
    ticket.refresh_from_db()
    assert (ticket.queue, ticket.priority) == (other, "urgent")
    assert Verdict.objects.filter(ticket=ticket).count() == 2


def test_ombudsman_cases_are_classified_but_never_moved(make_staff):
    result = complaints_import(
        complaints=[
            PublicComplaint(
                source="procon",
                reference="2026.11.004512",
                text="Consumidora relata que o pedido 103876 nunca foi entregue e requer o reembolso.",
                published_at=timezone.now() - timedelta(hours=2),
                author_name="Joana Lima",
                author_email="joana@example.com.br",
                deadline=timezone.now() + timedelta(days=10),
            )
        ],
        actor=Actor.job("test"),
    )
    ticket = result.opened[0]
    ticket.refresh_from_db()
    assert ticket.queue.code == "ouvidoria" and ticket.priority == "normal"
    triage = TicketTriage.objects.get(ticket=ticket)
    assert triage.urgency == "urgent" and triage.routed_queue is None and triage.routed_priority == ""
    assert not ticket.tags.exists()


def test_messages_without_text_and_the_stores_own_notes_are_not_classified(customer):
    ticket = customer_ticket(customer=customer, body="", channel="internal")
    assert not Verdict.objects.filter(ticket=ticket).exists()
    assert not TicketTriage.objects.filter(ticket=ticket).exists()


def test_a_correction_routes_again_and_is_kept_for_training(customer, make_staff):
    queue = delivery_queue()
    ticket = customer_ticket(customer=customer, body="Quero cancelar o pedido 102341, comprei por engano.")
    agent = make_staff(Role.SUPPORT_AGENT)
    triage_correct(ticket_id=ticket.pk, topic="delivery", urgency="high", actor=Actor.staff(agent))
    ticket.refresh_from_db()
    assert (ticket.queue, ticket.priority) == (queue, "high")
    correction = Correction.objects.get(ticket=ticket)
    assert (correction.topic, correction.urgency, correction.corrected_by) == ("delivery", "high", agent)
    assert (correction.predicted_topic, correction.predicted_urgency) == ("order_change", "normal")
    assert "cancelar o pedido 102341" in correction.text
    # Later messages are still classified, but the agents' word stands.
    ticket_customer_message(
        ticket_id=ticket.pk,
        incoming=Incoming(channel="web", body_text="Podem cancelar logo por favor?"),
        actor=Actor.customer(customer),
    )
    ticket.refresh_from_db()
    triage = TicketTriage.objects.get(ticket=ticket)
    assert (triage.topic, triage.urgency, ticket.queue, ticket.priority) == (
        "delivery",
        "high",
        queue,
        "high",
    )
    assert triage.model_topic == "order_change"


def test_a_correction_lowers_what_triage_set_but_not_what_an_agent_raised(customer, make_staff):
    agent = Actor.staff(make_staff(Role.SUPPORT_AGENT))
    ticket = customer_ticket(customer=customer, body="Vou processar vocês, o pedido nunca chegou!")
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    triage_correct(ticket_id=ticket.pk, topic="delivery", urgency="normal", actor=agent)
    ticket.refresh_from_db()
    assert ticket.priority == "normal"
    raised = customer_ticket(customer=customer, body="Qual o prazo de entrega para o CEP 04567-010?")
    ticket_update(ticket_id=raised.pk, actor=agent, priority="high")
    triage_correct(ticket_id=raised.pk, topic="delivery", urgency="normal", actor=agent)
    raised.refresh_from_db()
    assert raised.priority == "high"


def test_every_process_uses_the_highest_stored_version(customer):
    version, classifier = classifier_current()
    assert version == TriageModel.objects.get().version == 1
    assert classifier_current()[1] is classifier  # loaded once


def test_a_reclame_aqui_post_and_a_chat_are_classified_when_they_become_tickets(make_staff):
    from support.services.chat import chat_close, chat_start, chat_visitor_say

    result = complaints_import(
        complaints=[
            PublicComplaint(
                source="reclame_aqui",
                reference="RA-99",
                url="https://www.reclameaqui.com.br/loja-aurora/ra-99/",
                author_name="Paulo Reis",
                author_email="paulo@example.com.br",
                text="Cobraram duas vezes no meu cartão e não estornam. Empresa caloteira, vou processar.",
                published_at=timezone.now() - timedelta(hours=1),
            )
        ],
        actor=Actor.job("test"),
    )
    post = result.opened[0]
    post.refresh_from_db()
    assert (post.channel, post.queue.code, post.triage.topic, post.priority) == (
        "social",
        "sac",
        "payment",
        "urgent",
    )

    chat = chat_start(name="Lia", email="lia@example.com.br", body="oi, o tenis ficou pequeno")
    chat_visitor_say(chat_id=chat.pk, body="consigo trocar pelo 40?")
    ticket = chat_close(chat_id=chat.pk, actor=Actor.staff(make_staff(Role.SUPPORT_AGENT)))
    assert (ticket.channel, TicketTriage.objects.get(ticket=ticket).topic) == ("chat", "return_exchange")
