"""The storefront's Help area as customers and guests use it: writing to the store, following
their tickets, answering, downloading files and taking a case to the ombudsman."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from backoffice.roles import Role
from core.actor import Actor
from support import views
from support.models import Attachment, Message, Ticket
from support.selectors import ACCESS_SALT, ticket_access_token
from support.services import ticket_customer_message, ticket_merge, ticket_move, ticket_note, ticket_reply
from support.services.tickets import Incoming
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory
from tests.support.factories import PDF, PNG, open_ticket, photo

pytestmark = pytest.mark.django_db

HELP = reverse("support:help")
GUEST = {
    "name": "Maria Souza",
    "email": "maria@example.com.br",
    "phone": "",
    "subject": "Entrega atrasada",
    "body": "Meu pedido não chegou.",
}
REQUIRED = "Este campo é obrigatório."
CLOSED = "Este chamado está encerrado. Se precisar de mais ajuda, escreva de novo e informe o protocolo dele."


@pytest.fixture
def agent(make_staff):
    return Actor.staff(make_staff(Role.SUPPORT_AGENT))


def png(name: str = "foto.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def detail_url(ticket: Ticket) -> str:
    return reverse("support:ticket-detail", args=[ticket.protocol])


def guest_link(ticket: Ticket) -> str:
    return f"{detail_url(ticket)}?t={ticket_access_token(ticket=ticket)}"


def attachment_url(attachment: Attachment, token: str = "") -> str:
    url = reverse("support:attachment", args=[attachment.token])
    return f"{url}?t={token}" if token else url


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def stored_nothing() -> bool:
    return not Ticket.objects.exists() and not Message.objects.exists() and not Attachment.objects.exists()


# --- Writing from the Help page ----------------------------------------------------------


def test_a_guest_who_writes_with_a_picture_gets_a_ticket_with_the_message_and_the_file(client):
    # when
    client.post(HELP, {**GUEST, "files": [png()]})
    # then
    ticket = Ticket.objects.get()
    assert (ticket.customer, ticket.contact_name, ticket.contact_email) == (
        None,
        "Maria Souza",
        GUEST["email"],
    )
    assert (ticket.subject, ticket.channel, ticket.status) == ("Entrega atrasada", "web", Ticket.Status.NEW)
    assert len(ticket.protocol) == 13
    message = ticket.messages.get(direction=Message.Direction.INBOUND)
    assert message.body_text == "Meu pedido não chegou."
    attachment = message.attachments.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "foto.png",
        "image/png",
        len(PNG),
    )
    assert attachment.file.read() == PNG


def test_a_guest_is_taken_to_the_ticket_by_a_signed_link_and_told_the_protocol(client):
    # when
    response = client.post(HELP, {**GUEST, "files": [png()]})
    # then
    ticket = Ticket.objects.get()
    path, _, token = response.url.partition("?t=")
    assert response.status_code == 302
    assert path == detail_url(ticket)
    assert signing.loads(token, salt=ACCESS_SALT) == ticket.protocol
    assert flashed(response) == [f"Recebemos sua mensagem. Seu número de protocolo é {ticket.protocol}."]
    page = client.get(response.url)
    assert page.status_code == 200
    assert f'data-testid="protocol">{ticket.protocol}</strong>' in page.content.decode()


def test_a_guest_order_number_is_linked_when_the_email_is_the_orders(client):
    # given
    order = OrderFactory(email="maria@example.com.br")
    # when
    client.post(HELP, {**GUEST, "email": "Maria@Example.com.br", "order_number": f" {order.number} "})
    # then
    assert Ticket.objects.get().order == order


def test_a_guest_quoting_someone_elses_order_gets_a_ticket_without_it(client):
    # given
    theirs = OrderFactory(email="outra.pessoa@example.com.br")
    # when
    client.post(HELP, {**GUEST, "order_number": theirs.number})
    # then
    ticket = Ticket.objects.get()
    assert ticket.order is None
    assert theirs.tickets.count() == 0


def test_a_customer_is_offered_only_their_own_orders(client, customer):
    # given
    mine = [OrderFactory(customer=customer) for _ in range(2)]
    theirs = OrderFactory(customer=UserFactory())
    client.force_login(customer)
    # when
    response = client.get(HELP)
    # then
    choices = response.context["form"].fields["order"].choices
    assert choices == [
        ("", "Não é sobre um pedido"),
        *[(order.number, order.number) for order in reversed(mine)],
    ]
    assert theirs.number not in response.content.decode()
    assert {"name", "email", "order_number"}.isdisjoint(response.context["form"].fields)


def test_the_order_pages_link_preselects_the_order(client, customer):
    # given
    order = OrderFactory(customer=customer)
    client.force_login(customer)
    # when
    response = client.get(HELP, {"pedido": order.number})
    # then
    assert response.context["form"]["order"].value() == order.number
    assert f'<option value="{order.number}" selected>' in response.content.decode()


def test_a_customer_writes_about_one_of_their_orders(client, customer):
    # given
    order = OrderFactory(customer=customer)
    client.force_login(customer)
    # when
    response = client.post(HELP, {"order": order.number, "subject": "Troca", "body": "Veio a cor errada."})
    # then
    ticket = Ticket.objects.get()
    assert (ticket.customer, ticket.order, ticket.contact_email) == (customer, order, customer.email)
    assert response.url == detail_url(ticket)  # signed in: no token in the link


def test_a_customer_cannot_attach_a_ticket_to_someone_elses_order(client, customer):
    # given
    OrderFactory(customer=customer)
    theirs = OrderFactory(customer=UserFactory())
    client.force_login(customer)
    # when
    response = client.post(HELP, {"order": theirs.number, "subject": "Troca", "body": "Veio a cor errada."})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "order": [f"Faça uma escolha válida. {theirs.number} não é uma das escolhas disponíveis."]
    }
    assert stored_nothing()


def test_the_help_page_explains_attachments_in_the_visitors_language(client):
    # when
    html = client.get(HELP, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # then
    assert "Subject<span" in html  # the rest of the form is in English
    assert "Up to 5 pictures or PDFs, 10.0\xa0MB each." in html


def test_a_message_without_subject_or_text_is_refused_on_those_fields(client):
    # when
    response = client.post(HELP, {**GUEST, "subject": "", "body": "  "})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"subject": [REQUIRED], "body": [REQUIRED]}
    assert response.content.decode().count(REQUIRED) == 2
    assert stored_nothing()


@pytest.mark.parametrize("name", ["programa.exe", "foto.png"])
def test_an_executable_is_refused_whatever_its_name(client, name):
    # given
    executable = SimpleUploadedFile(
        name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, content_type="image/png"
    )
    # when
    response = client.post(HELP, {**GUEST, "files": [png("ok.png"), executable]})
    # then
    assert response.context["form"].errors == {
        "files": [f"{name} não é uma foto (JPEG, PNG, GIF, WebP) nem um PDF."]
    }
    assert stored_nothing()


def test_a_file_over_the_size_limit_is_refused(client, settings):
    # given
    settings.STORE_SUPPORT_ATTACHMENT_MAX_BYTES = len(PNG) - 1
    # when
    response = client.post(HELP, {**GUEST, "files": [png()]})
    # then
    limit = f"{len(PNG) - 1}\N{NO-BREAK SPACE}bytes"
    assert response.context["form"].errors == {"files": [f"foto.png é maior que {limit}."]}
    assert stored_nothing()


def test_more_than_five_files_are_refused(client):
    # when
    response = client.post(HELP, {**GUEST, "files": [png(f"foto{index}.png") for index in range(6)]})
    # then
    assert response.context["form"].errors == {"files": ["Anexe no máximo 5 arquivos a uma mensagem."]}
    assert stored_nothing()


def test_five_files_are_taken(client):
    # given
    files = [png(f"foto{index}.png") for index in range(4)] + [
        SimpleUploadedFile("nota.pdf", PDF, content_type="application/pdf")
    ]
    # when
    client.post(HELP, {**GUEST, "files": files})
    # then
    stored = Attachment.objects.order_by("pk")
    assert [(item.filename, item.content_type) for item in stored] == [
        *[(f"foto{index}.png", "image/png") for index in range(4)],
        ("nota.pdf", "application/pdf"),
    ]


# --- My tickets ---------------------------------------------------------------------------


def test_my_tickets_lists_only_the_customers_own(client, customer):
    # given
    mine = [open_ticket(customer=customer, subject=f"Assunto {index}") for index in range(3)]
    theirs = open_ticket(customer=UserFactory(), subject="Assunto de outra pessoa")
    guest = open_ticket(email=customer.email, subject="Sem conta")
    client.force_login(customer)
    # when
    response = client.get(reverse("support:ticket-list"))
    # then
    assert [ticket.protocol for ticket in response.context["page"]] == [
        ticket.protocol for ticket in reversed(mine)
    ]
    html = response.content.decode()
    assert theirs.protocol not in html and "Assunto de outra pessoa" not in html
    assert guest.protocol not in html


def test_my_tickets_shows_ten_a_page(client, customer):
    # given
    tickets = [open_ticket(customer=customer) for _ in range(12)]
    client.force_login(customer)
    # when
    first = client.get(reverse("support:ticket-list"))
    second = client.get(reverse("support:ticket-list"), {"page": 2})
    # then
    newest_first = [ticket.protocol for ticket in reversed(tickets)]
    assert [ticket.protocol for ticket in first.context["page"]] == newest_first[:10]
    assert [ticket.protocol for ticket in second.context["page"]] == newest_first[10:]
    assert "Página 1 de 2" in first.content.decode()


def test_my_tickets_needs_login(client):
    # when
    response = client.get(reverse("support:ticket-list"))
    # then
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={reverse('support:ticket-list')}"


def test_my_tickets_has_bounded_queries(client, customer, django_assert_max_num_queries):
    # given
    for _ in range(25):
        open_ticket(customer=customer, order=OrderFactory(customer=customer))
    client.force_login(customer)
    # when
    with django_assert_max_num_queries(views.TICKET_LIST_QUERIES):
        response = client.get(reverse("support:ticket-list"))
    # then
    assert response.status_code == 200
    assert len(response.context["page"]) == views.TICKETS_PAGE_SIZE


# --- A ticket's page -----------------------------------------------------------------------


def test_the_customer_sees_the_conversation_without_internal_notes(client, customer, agent):
    # given
    ticket = open_ticket(customer=customer, body="Meu pedido não chegou.")
    ticket_note(ticket_id=ticket.pk, actor=agent, body_text="Cliente ligou irritado, ver transportadora.")
    ticket_reply(ticket_id=ticket.pk, actor=agent, body_text="Já pedimos notícias à transportadora.")
    client.force_login(customer)
    # when
    response = client.get(detail_url(ticket))
    # then
    conversation = response.context["ticket"].conversation
    assert [message.direction for message in conversation] == ["in", "out", "out"]
    assert conversation[2].body_text == "Já pedimos notícias à transportadora."
    html = response.content.decode()
    assert "Já pedimos notícias à transportadora." in html
    assert "Cliente ligou irritado" not in html
    assert 'data-testid="ticket-status">Aguardando sua resposta<' in html


def test_another_customers_ticket_is_not_found(client, customer):
    # given
    theirs = open_ticket(customer=UserFactory())
    client.force_login(customer)
    # when
    response = client.get(detail_url(theirs))
    # then
    assert response.status_code == 404


def test_a_ticket_without_a_link_is_not_found_for_an_anonymous_visitor(client):
    ticket = open_ticket(email="maria@example.com.br")
    assert client.get(detail_url(ticket)).status_code == 404


@pytest.mark.parametrize("kind", ["forged", "altered", "another_tickets", "wrong_salt"])
def test_a_wrong_or_altered_link_finds_nothing(client, kind):
    # given
    ticket = open_ticket(email="maria@example.com.br")
    other = open_ticket(email="maria@example.com.br")
    good = ticket_access_token(ticket=ticket)
    token = {
        "forged": "forged",
        "altered": good[:-1] + ("A" if good[-1] != "A" else "B"),
        "another_tickets": ticket_access_token(ticket=other),
        "wrong_salt": signing.dumps(ticket.protocol),
    }[kind]
    # when
    response = client.get(detail_url(ticket), {"t": token})
    # then
    assert response.status_code == 404


def test_a_guest_with_the_link_replies_and_the_ticket_waiting_on_them_opens_again(client, agent):
    # given
    ticket = open_ticket(email="maria@example.com.br")
    ticket_reply(ticket_id=ticket.pk, actor=agent, body_text="Qual o número da nota fiscal?")
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.WAITING_CUSTOMER
    link = guest_link(ticket)
    # when
    response = client.post(link, {"body": "É a nota 12345.", "files": [png("nota.png")]})
    # then
    assert response.status_code == 302 and response.url == link
    assert flashed(response) == ["Sua resposta foi enviada."]
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    reply = ticket.messages.filter(direction=Message.Direction.INBOUND).last()
    assert (reply.body_text, reply.channel, reply.author_label) == ("É a nota 12345.", "web", "Maria Souza")
    assert [attachment.filename for attachment in reply.attachments.all()] == ["nota.png"]
    assert 'data-testid="ticket-status">Em andamento<' in client.get(link).content.decode()


def test_a_reply_within_the_window_reopens_a_resolved_ticket(client, customer, agent):
    # given
    ticket = open_ticket(customer=customer)
    ticket_reply(
        ticket_id=ticket.pk, actor=agent, body_text="Resolvido.", status_after=Ticket.Status.RESOLVED
    )
    client.force_login(customer)
    # when
    client.post(detail_url(ticket), {"body": "Não resolveu: a peça veio quebrada de novo."})
    # then
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.events.last().note == gettext("Reopened by the customer")


def test_what_a_customer_writes_is_shown_as_text(client, customer):
    # given
    ticket = open_ticket(customer=customer, body='<script>alert("oi")</script>\nSegunda linha')
    client.force_login(customer)
    # when
    html = client.get(detail_url(ticket)).content.decode()
    # then
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;oi&quot;)&lt;/script&gt;<br>Segunda linha" in html


def test_a_merged_ticket_leads_to_the_one_it_went_into(client, customer, agent):
    # given
    kept, duplicate = open_ticket(customer=customer), open_ticket(customer=customer)
    ticket_merge(duplicate_id=duplicate.pk, into_id=kept.pk, actor=agent)
    client.force_login(customer)
    # when
    response = client.get(detail_url(duplicate))
    # then
    assert response.url == detail_url(kept)
    assert [ticket.protocol for ticket in client.get(reverse("support:ticket-list")).context["page"]] == [
        kept.protocol
    ]


def test_a_guests_link_to_a_merged_ticket_leads_to_the_one_it_went_into(client, agent):
    # given
    kept = open_ticket(email="maria@example.com.br")
    duplicate = open_ticket(email="maria@example.com.br")
    ticket_merge(duplicate_id=duplicate.pk, into_id=kept.pk, actor=agent)
    # when
    response = client.get(guest_link(duplicate))
    # then
    path, _, token = response.url.partition("?t=")
    assert path == detail_url(kept)
    assert signing.loads(token, salt=ACCESS_SALT) == kept.protocol


def test_an_empty_reply_is_refused_on_the_field(client, customer):
    # given
    ticket = open_ticket(customer=customer)
    client.force_login(customer)
    before = ticket.messages.count()
    # when
    response = client.post(detail_url(ticket), {"body": ""})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"body": [REQUIRED]}
    assert ticket.messages.count() == before


def test_a_reply_to_a_closed_ticket_says_it_is_closed_and_stores_nothing(client, customer, agent):
    # given
    ticket = open_ticket(customer=customer)
    ticket_move(ticket_id=ticket.pk, to=Ticket.Status.CLOSED, actor=agent)
    client.force_login(customer)
    before = ticket.messages.count()
    # when
    response = client.post(detail_url(ticket), {"body": "Ainda preciso de ajuda.", "files": [png()]})
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert CLOSED in html
    assert 'data-testid="reply-form"' not in html
    assert ticket.messages.count() == before
    assert not Attachment.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CLOSED


def test_a_reply_after_the_reopening_window_is_refused_with_the_reason(client, customer, agent, settings):
    # given
    ticket = open_ticket(customer=customer)
    ticket_reply(
        ticket_id=ticket.pk, actor=agent, body_text="Resolvido.", status_after=Ticket.Status.RESOLVED
    )
    client.force_login(customer)
    before = ticket.messages.count()
    # when
    with time_machine.travel(timezone.now() + timedelta(days=settings.STORE_TICKET_REOPEN_DAYS, hours=1)):
        response = client.post(detail_url(ticket), {"body": "Não resolveu."})
    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Este chamado está encerrado. Abra um novo e informe o protocolo dele."
    ]
    assert (
        "Este chamado está encerrado. Abra um novo e informe o protocolo dele." in response.content.decode()
    )
    assert ticket.messages.count() == before
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.RESOLVED


def test_the_ticket_page_has_bounded_queries(client, customer, agent, django_assert_max_num_queries):
    # given
    ticket = open_ticket(customer=customer, order=OrderFactory(customer=customer), files=[photo()])
    for index in range(15):
        ticket_reply(ticket_id=ticket.pk, actor=agent, body_text=f"Resposta {index}", files=[photo()])
        ticket_customer_message(
            ticket_id=ticket.pk,
            incoming=Incoming(channel="web", body_text=f"Pergunta {index}", files=[photo(), photo("b.png")]),
            actor=Actor.customer(customer),
        )
    ticket_note(ticket_id=ticket.pk, actor=agent, body_text="Nota", files=[photo()])
    client.force_login(customer)
    # when
    with django_assert_max_num_queries(views.TICKET_DETAIL_QUERIES):
        response = client.get(detail_url(ticket))
    # then
    assert response.status_code == 200
    assert len(response.context["ticket"].conversation) == 32  # first message, acknowledgement, 30
    assert response.content.decode().count("bi-paperclip") == 1 + 15 + 30


# --- Attachments ---------------------------------------------------------------------------


@pytest.fixture
def ticket_with_photo(customer):
    return open_ticket(customer=customer, files=[photo("recibo.png")])


def the_photo(ticket: Ticket) -> Attachment:
    return Attachment.objects.get(message__ticket=ticket)


def assert_served(response) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="recibo.png"'
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PNG


def test_the_customer_downloads_their_file(client, customer, ticket_with_photo):
    client.force_login(customer)
    assert_served(client.get(attachment_url(the_photo(ticket_with_photo))))


def test_a_guest_with_the_tickets_link_downloads_its_file(client, ticket_with_photo):
    token = ticket_access_token(ticket=ticket_with_photo)
    assert_served(client.get(attachment_url(the_photo(ticket_with_photo), token)))


def test_the_ticket_page_links_files_with_the_guests_token(client, ticket_with_photo):
    # given
    link = guest_link(ticket_with_photo)
    token = link.partition("?t=")[2]
    # when
    html = client.get(link).content.decode()
    # then
    assert f'href="{attachment_url(the_photo(ticket_with_photo), token)}"' in html


def test_another_customer_does_not_get_the_file(client, ticket_with_photo):
    client.force_login(UserFactory())
    assert client.get(attachment_url(the_photo(ticket_with_photo))).status_code == 404


def test_an_anonymous_visitor_does_not_get_the_file(client, ticket_with_photo):
    assert client.get(attachment_url(the_photo(ticket_with_photo))).status_code == 404


def test_another_tickets_link_does_not_open_the_file(client, ticket_with_photo):
    other = open_ticket(email="maria@example.com.br")
    token = ticket_access_token(ticket=other)
    assert client.get(attachment_url(the_photo(ticket_with_photo), token)).status_code == 404


def test_a_file_on_an_internal_note_is_not_found_for_the_customer(client, customer, agent):
    # given
    ticket = open_ticket(customer=customer)
    ticket_note(ticket_id=ticket.pk, actor=agent, body_text="Print do sistema", files=[photo("interno.png")])
    note_file = Attachment.objects.get(filename="interno.png")
    token = ticket_access_token(ticket=ticket)
    client.force_login(customer)
    # when
    signed_in = client.get(attachment_url(note_file))
    with_link = client.get(attachment_url(note_file, token))
    # then
    assert (signed_in.status_code, with_link.status_code) == (404, 404)


def test_a_support_agent_downloads_a_customers_file(staff_client, ticket_with_photo):
    client = staff_client(Role.SUPPORT_AGENT)
    assert_served(client.get(attachment_url(the_photo(ticket_with_photo))))


def test_staff_without_support_permission_do_not_get_the_file(staff_client, ticket_with_photo):
    client = staff_client(Role.WAREHOUSE)
    assert client.get(attachment_url(the_photo(ticket_with_photo))).status_code == 404


# --- The ombudsman -------------------------------------------------------------------------


def resolved(ticket: Ticket, agent: Actor) -> Ticket:
    ticket_reply(
        ticket_id=ticket.pk,
        actor=agent,
        body_text="Seu reembolso foi feito.",
        status_after=Ticket.Status.RESOLVED,
    )
    return Ticket.objects.get(pk=ticket.pk)


def test_the_ombudsman_form_is_not_offered_while_the_ticket_is_being_worked(client, customer):
    # given
    ticket = open_ticket(customer=customer)
    client.force_login(customer)
    # when
    response = client.get(detail_url(ticket))
    # then
    assert response.context["escalate_form"] is None
    assert 'data-testid="escalate"' not in response.content.decode()


def test_the_ombudsman_form_is_offered_once_the_ticket_is_resolved(client, customer, agent):
    # given
    ticket = resolved(open_ticket(customer=customer), agent)
    client.force_login(customer)
    # when
    response = client.get(detail_url(ticket))
    # then
    html = response.content.decode()
    assert 'data-testid="escalate"' in html
    assert f'action="{reverse("support:ticket-escalate", args=[ticket.protocol])}"' in html


def test_a_guest_is_offered_the_ombudsman_form_with_their_link(client, agent):
    # given
    ticket = resolved(open_ticket(email="maria@example.com.br"), agent)
    link = guest_link(ticket)
    # when
    html = client.get(link).content.decode()
    # then
    escalate = reverse("support:ticket-escalate", args=[ticket.protocol])
    assert f'action="{escalate}?t={link.partition("?t=")[2]}"' in html


def test_an_unanswered_ticket_past_its_deadline_offers_the_ombudsman_form(client, customer):
    # given
    ticket = open_ticket(customer=customer)
    client.force_login(customer)
    # when
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(detail_url(ticket))
    # then
    assert response.context["escalate_form"] is not None


def test_a_ticket_waiting_on_the_customer_does_not_offer_the_ombudsman_form(client, customer, agent):
    # given: answered at once, then the store waits on the customer (its clock stopped)
    ticket = open_ticket(customer=customer)
    ticket_reply(ticket_id=ticket.pk, actor=agent, body_text="Qual o número da nota fiscal?")
    client.force_login(customer)
    # when: the customer comes back after the 7 days the resolution deadline had when paused
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(detail_url(ticket))
    # then
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.WAITING_CUSTOMER
    assert response.context["escalate_form"] is None


def test_the_customer_takes_a_resolved_ticket_to_the_ombudsman(client, customer, agent):
    # given
    ticket = resolved(open_ticket(customer=customer), agent)
    client.force_login(customer)
    # when
    response = client.post(
        reverse("support:ticket-escalate", args=[ticket.protocol]), {"reason": "O reembolso não caiu."}
    )
    # then
    case = Ticket.objects.get(escalated_from=ticket)
    assert case.queue.code == "ouvidoria" and case.customer == customer
    assert case.messages.get(direction=Message.Direction.INBOUND).body_text == "O reembolso não caiu."
    assert response.url == detail_url(case)
    assert flashed(response) == [f"Seu caso foi para a nossa ouvidoria. O protocolo dele é {case.protocol}."]


def test_a_guest_takes_a_resolved_ticket_to_the_ombudsman_with_the_link(client, agent):
    # given
    ticket = resolved(open_ticket(email="maria@example.com.br"), agent)
    url = reverse("support:ticket-escalate", args=[ticket.protocol])
    # when
    response = client.post(f"{url}?t={ticket_access_token(ticket=ticket)}", {"reason": "Não resolveu."})
    # then
    case = Ticket.objects.get(escalated_from=ticket)
    path, _, token = response.url.partition("?t=")
    assert path == detail_url(case)
    assert client.get(response.url).status_code == 200
    assert signing.loads(token, salt=ACCESS_SALT) == case.protocol


def test_a_ticket_already_with_the_ombudsman_says_so_and_offers_the_form_no_more(client, customer, agent):
    # given
    ticket = resolved(open_ticket(customer=customer), agent)
    client.force_login(customer)
    client.post(reverse("support:ticket-escalate", args=[ticket.protocol]), {"reason": "Não resolveu."})
    case = Ticket.objects.get(escalated_from=ticket)
    # when
    response = client.get(detail_url(ticket))
    # then
    html = response.content.decode()
    assert response.context["escalate_form"] is None
    assert f"Este caso está com a nossa ouvidoria sob o protocolo {case.protocol}." in html


def test_a_ticket_not_yet_answered_cannot_go_to_the_ombudsman(client, customer):
    # given
    ticket = open_ticket(customer=customer)
    client.force_login(customer)
    # when
    response = client.post(
        reverse("support:ticket-escalate", args=[ticket.protocol]), {"reason": "Ninguém me respondeu."}
    )
    # then
    assert response.url == detail_url(ticket)
    assert flashed(response) == ["Só chamados do primeiro nível vão para a ouvidoria, uma única vez."]
    assert Ticket.objects.count() == 1
    assert not Ticket.objects.filter(queue__code="ouvidoria").exists()


def test_the_ombudsman_needs_a_reason(client, customer, agent):
    # given
    ticket = resolved(open_ticket(customer=customer), agent)
    client.force_login(customer)
    # when
    response = client.post(reverse("support:ticket-escalate", args=[ticket.protocol]), {"reason": " "})
    # then
    assert response.url == detail_url(ticket)
    assert flashed(response) == ["Conte por que a resposta não resolveu."]
    assert not Ticket.objects.filter(escalated_from=ticket).exists()


def test_another_customer_cannot_take_a_ticket_to_the_ombudsman(client, agent):
    # given
    ticket = resolved(open_ticket(customer=UserFactory()), agent)
    client.force_login(UserFactory())
    # when
    response = client.post(reverse("support:ticket-escalate", args=[ticket.protocol]), {"reason": "Quero."})
    # then
    assert response.status_code == 404
    assert not Ticket.objects.filter(escalated_from=ticket).exists()


# --- From the order page -------------------------------------------------------------------


def test_the_order_page_links_to_help_about_that_order(client, customer):
    # given
    order = OrderFactory(customer=customer)
    client.force_login(customer)
    # when
    html = client.get(reverse("checkout:order-detail", args=[order.number])).content.decode()
    # then
    assert "Precisa de ajuda com este pedido?" in html
    assert f'href="/ajuda/?pedido={order.number}" data-testid="order-help"' in html
