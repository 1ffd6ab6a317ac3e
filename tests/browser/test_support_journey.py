"""The support desk in a real browser: a customer and an agent talk a ticket through to its
resolution and back open, emails and WhatsApp messages reach the desk and the answers go
back the way they came, the ombudsman takes over an escalated case, and the desk fits a
phone."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils.translation import gettext
from playwright.sync_api import expect

from backoffice.roles import Role
from core.actor import Actor
from support.channels.email import sandbox_inbound_email
from support.channels.whatsapp import sandbox_whatsapp_inbound
from support.models import Channel, Macro, Message, Ticket
from support.notifications.models import SandboxWhatsAppMessage
from support.services import Contact, Incoming, ticket_open
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.screens import DESKTOP, FITS, PHONE
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Some desk strings are still being translated: accept either language.
SEND_REPLY = re.compile("Enviar resposta|Send reply")
MACRO = re.compile("Resposta pronta|Macro")
BODY = re.compile("Mensagem|Message")
THEN = re.compile("Depois|Then")
REPLY_SENT = re.compile("Sua resposta foi enviada ao cliente|Your reply was sent to the customer")
ESCALATED = re.compile("Enviar para a ouvidoria: feito|Send to the ombudsman: done")
ACCESS_DENIED = re.compile("Acesso negado|Access denied")
STATUS_OPEN = re.compile("^(Aberto|Open)$")
STATUS_WAITING = re.compile("^(Aguardando o cliente|Waiting on customer)$")
STATUS_RESOLVED = re.compile("^(Resolvido|Resolved)$")


@pytest.fixture
def desk(migrated_defaults):
    """The roles, queues and opening hours the journeys need."""


@pytest.fixture
def staff(browser, live_server, desk):
    """Log a staff member of a role into the back office, in a browser context of their own:
    `agent = staff(Role.SUPPORT_AGENT)` is their page."""
    contexts = []

    def log_in(role: str, viewport: dict = DESKTOP):
        user = UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/backoffice/login/")
        page.get_by_label("E-mail").fill(user.email)
        page.get_by_label("Senha").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Entrar").click()
        expect(page).not_to_have_url(re.compile("/login/"))
        return page

    yield log_in
    for context in contexts:
        for page in context.pages:  # let console messages still on the way reach the CSP watch
            page.evaluate("0")
        context.close()


def customer_log_in(page, user) -> None:
    page.goto("/account/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("button", name="Sair")).to_be_visible()


def open_from_desk(agent, ticket: Ticket) -> None:
    """Find the ticket on the desk by its protocol and open it."""
    agent.goto("/backoffice/support/")
    agent.get_by_role("searchbox").fill(ticket.protocol)
    agent.get_by_role("searchbox").press("Enter")
    expect(agent.get_by_test_id("desk-ticket")).to_have_count(1)
    expect(agent.get_by_test_id("desk-ticket")).to_contain_text(ticket.subject)
    agent.get_by_role("link", name=ticket.protocol).click()
    expect(agent.get_by_test_id("protocol")).to_have_text(ticket.protocol)


def reply_form(agent):
    return agent.locator("form", has=agent.get_by_test_id("send-reply"))


def reply(agent, text: str, *, then: str | None = None) -> None:
    form = reply_form(agent)
    form.get_by_label(BODY).fill(text)
    if then:
        form.get_by_label(THEN).select_option(then)
    agent.get_by_test_id("send-reply").click()
    expect(agent.locator(".alert-success")).to_contain_text(REPLY_SENT)


def web_ticket(subject: str = "Entrega atrasada", *, order=None) -> Ticket:
    customer = order.customer if order else UserFactory()
    return ticket_open(
        contact=Contact(customer=customer),
        subject=subject,
        incoming=Incoming(channel=Channel.WEB, body_text="O prazo era ontem e o pedido não chegou."),
        actor=Actor.customer(customer),
        order=order,
    )


def test_a_ticket_about_an_order_is_answered_with_a_macro_resolved_and_reopened(page, staff):
    # given a customer with an order, and a macro that names the protocol and the order
    customer = UserFactory()
    order = OrderFactory(customer=customer)
    macro = Macro.objects.create(
        name="Pedido a caminho", body="Protocolo {protocol}: o pedido {order_number} sai hoje."
    )

    # the customer writes about the order from its page and is given the protocol
    customer_log_in(page, customer)
    page.goto(f"/pedidos/{order.number}/")
    page.get_by_test_id("order-help").click()
    expect(page.get_by_label("Pedido", exact=True)).to_have_value(order.number)
    page.get_by_label("Assunto").fill("Entrega atrasada")
    page.get_by_label("Mensagem").fill("O prazo era ontem e o pedido não chegou.")
    page.get_by_role("button", name="Enviar mensagem").click()
    expect(page.get_by_role("alert")).to_contain_text("Seu número de protocolo é")
    ticket = Ticket.objects.get()
    assert (ticket.customer, ticket.order) == (customer, order)
    expect(page.get_by_test_id("protocol")).to_have_text(ticket.protocol)

    # an agent finds it on the desk and answers with the macro, filled in for this ticket
    agent = staff(Role.SUPPORT_AGENT)
    open_from_desk(agent, ticket)
    answer = f"Protocolo {ticket.protocol}: o pedido {order.number} sai hoje."
    form = reply_form(agent)
    form.get_by_label(MACRO).select_option(label=macro.name)
    expect(form.get_by_label(BODY)).to_have_value(answer)
    agent.get_by_test_id("send-reply").click()
    expect(agent.locator(".alert-success")).to_contain_text(REPLY_SENT)
    expect(agent.get_by_test_id("desk-message").last).to_contain_text(answer)
    expect(agent.get_by_test_id("ticket-status")).to_have_text(STATUS_WAITING)

    # the customer sees the answer and replies from the page
    page.reload()
    expect(page.get_by_test_id("message").last).to_contain_text(answer)
    expect(page.get_by_test_id("ticket-status")).to_have_text("Aguardando sua resposta")
    page.get_by_label("Sua resposta").fill("Obrigado! Qual é o código de rastreio?")
    page.get_by_role("button", name=SEND_REPLY).click()
    expect(page.get_by_role("alert")).to_contain_text("Sua resposta foi enviada.")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Em andamento")

    # the agent answers again and resolves it
    agent.reload()
    expect(agent.get_by_test_id("ticket-status")).to_have_text(STATUS_OPEN)
    expect(agent.get_by_test_id("desk-message").last).to_contain_text("Qual é o código de rastreio?")
    reply(agent, "O código é BR123456789BR.", then=Ticket.Status.RESOLVED)
    expect(agent.get_by_test_id("ticket-status")).to_have_text(STATUS_RESOLVED)

    # the customer's later reply, within the reopening window, opens it again
    page.reload()
    expect(page.get_by_test_id("ticket-status")).to_have_text(STATUS_RESOLVED)
    page.get_by_label("Sua resposta").fill("O pacote chegou faltando um item.")
    page.get_by_role("button", name=SEND_REPLY).click()
    expect(page.get_by_role("alert")).to_contain_text("Sua resposta foi enviada.")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Em andamento")
    agent.reload()
    expect(agent.get_by_test_id("ticket-status")).to_have_text(STATUS_OPEN)
    expect(agent.get_by_test_id("ticket-history")).to_contain_text(gettext("Reopened by the customer"))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert list(ticket.messages.values_list("direction", "is_automatic")) == [
        (Message.Direction.INBOUND, False),
        (Message.Direction.OUTBOUND, True),  # the acknowledgement with the protocol
        (Message.Direction.OUTBOUND, False),
        (Message.Direction.INBOUND, False),
        (Message.Direction.OUTBOUND, False),
        (Message.Direction.INBOUND, False),
    ]


def test_an_email_becomes_a_ticket_and_the_reply_goes_back_in_its_thread(page, staff):
    # given an email posted to the signed webhook
    body, signature = sandbox_inbound_email(
        from_email="ana@example.com.br",
        from_name="Ana Lima",
        subject="Troca de tamanho",
        text="A camiseta ficou pequena, posso trocar por M?",
        message_id="<troca-1@mail.example>",
    )
    response = page.request.post(
        "/support/email/sandbox/",
        data=body,
        headers={"Content-Type": "application/json", "X-Signature": signature},
    )
    assert response.status == 200, response.text()
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.contact_email) == (Channel.EMAIL, "ana@example.com.br")

    # when the agent finds it on the desk and answers
    agent = staff(Role.SUPPORT_AGENT)
    open_from_desk(agent, ticket)
    expect(agent.get_by_test_id("desk-message").first).to_contain_text("posso trocar por M?")
    reply(agent, "Pode sim, Ana. Enviamos a etiqueta de troca.")

    # then the answer goes out by email, threaded on the customer's message
    ack, sent = mail.outbox
    assert ticket.protocol in ack.body
    assert sent.to == ["ana@example.com.br"]
    assert f"[Protocolo {ticket.protocol}]" in sent.subject
    assert sent.extra_headers["In-Reply-To"] == "<troca-1@mail.example>"
    assert "<troca-1@mail.example>" in sent.extra_headers["References"]
    assert "Pode sim, Ana. Enviamos a etiqueta de troca." in sent.body


def test_a_whatsapp_message_becomes_a_ticket_and_the_reply_goes_back_on_whatsapp(page, staff, settings):
    # given a message to the store's WhatsApp number, with the service bot off (tests/bot)
    settings.STORE_SUPPORT_BOT_CHANNELS = []
    body, signature = sandbox_whatsapp_inbound(phone="5511987654321", text="Meu pedido atrasou", name="Rita")
    response = page.request.post(
        "/support/whatsapp/sandbox/",
        data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
    )
    assert response.status == 200, response.text()
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.contact_phone) == (Channel.WHATSAPP, "5511987654321")

    # when the agent finds it on the desk and answers, within the 24-hour window
    agent = staff(Role.SUPPORT_AGENT)
    open_from_desk(agent, ticket)
    expect(agent.get_by_test_id("whatsapp-window")).to_have_count(0)
    reply(agent, "Oi, Rita! Seu pedido sai hoje.")

    # then the answer goes back through the WhatsApp adapter as free text
    sent = SandboxWhatsAppMessage.objects.filter(direction="out").order_by("pk")
    assert [message.phone for message in sent] == ["5511987654321", "5511987654321"]
    assert ticket.protocol in sent[0].body  # the acknowledgement
    assert sent[1].body.startswith("Oi, Rita! Seu pedido sai hoje.")
    assert sent[1].template == ""


def test_the_ombudsman_answers_an_escalated_case_the_first_level_cannot_open(staff):
    # given a first-level ticket
    ticket = web_ticket("Cobrança em dobro")

    # the agent sends it to the ombudsman
    agent = staff(Role.SUPPORT_AGENT)
    open_from_desk(agent, ticket)
    escalation = agent.locator("details", has=agent.get_by_test_id("escalate"))
    escalation.locator("summary").click()
    escalation.locator("[name=reason]").fill("Cliente cobrado duas vezes, pede a ouvidoria.")
    agent.get_by_test_id("escalate").click()
    expect(agent.locator(".alert-success")).to_contain_text(ESCALATED)
    case = Ticket.objects.get(escalated_from=ticket)
    expect(agent.get_by_role("link", name=case.protocol)).to_be_visible()

    # the ombudsman sees the case in the Ouvidoria queue and answers it
    ombudsman = staff(Role.OMBUDSMAN)
    ombudsman.goto("/backoffice/support/")
    expect(ombudsman.get_by_test_id("queue-ouvidoria")).to_have_class(re.compile(r"\bactive\b"))
    expect(ombudsman.get_by_test_id("queue-sac")).to_have_count(0)
    expect(ombudsman.get_by_test_id("desk-ticket")).to_have_count(1)
    ombudsman.get_by_role("link", name=case.protocol).click()
    expect(ombudsman.get_by_test_id("protocol")).to_have_text(case.protocol)
    expect(ombudsman.get_by_test_id("desk-message").first).to_contain_text("Cliente cobrado duas vezes")
    reply(ombudsman, "Estornamos a segunda cobrança; ela some da fatura em até 2 ciclos.")
    expect(ombudsman.get_by_test_id("ticket-status")).to_have_text(STATUS_WAITING)
    case.refresh_from_db()
    assert case.status == Ticket.Status.WAITING_CUSTOMER

    # the first-level agent cannot open the case
    expect(agent.get_by_test_id("queue-ouvidoria")).to_have_count(0)
    response = agent.goto(f"/backoffice/support/{case.protocol}/")
    assert response.status == 403
    expect(agent.get_by_role("heading", name=ACCESS_DENIED)).to_be_visible()
    expect(agent.get_by_text("Estornamos a segunda cobrança")).to_have_count(0)


def test_each_field_of_the_ticket_screen_has_a_label_of_its_own(staff):
    ticket = web_ticket()
    agent = staff(Role.SUPPORT_AGENT)
    open_from_desk(agent, ticket)
    duplicated = agent.evaluate(
        """() => [...document.querySelectorAll("[id]")].map((element) => element.id)
        .filter((id, index, ids) => ids.indexOf(id) !== index)"""
    )
    unlabelled = agent.evaluate(
        """() => [...document.querySelectorAll("main input, main select, main textarea")]
        .filter((field) => field.type !== "hidden" && field.type !== "checkbox" && !field.labels.length)
        .map((field) => `${field.name} in ${field.closest("form")?.getAttribute("action")}`)"""
    )
    assert (duplicated, unlabelled) == ([], [])


def test_an_agent_answering_with_a_macro_still_chooses_where_the_ticket_goes(staff):
    # given a macro that sets no status
    ticket = web_ticket()
    macro = Macro.objects.create(name="Reembolso feito", body="Protocolo {protocol}: reembolso feito.")
    agent = staff(Role.SUPPORT_AGENT)
    open_from_desk(agent, ticket)
    # when the agent answers with it and chooses to resolve the ticket
    form = reply_form(agent)
    form.get_by_label(MACRO).select_option(label=macro.name)
    expect(form.get_by_label(BODY)).to_have_value(f"Protocolo {ticket.protocol}: reembolso feito.")
    form.get_by_label(THEN).select_option(Ticket.Status.RESOLVED)
    agent.get_by_test_id("send-reply").click()
    expect(agent.locator(".alert-success")).to_contain_text(REPLY_SENT)
    # then the ticket is resolved
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED


def overflowing(page) -> list[str]:
    """The elements that reach past the right edge of the window, outermost first."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
        .filter((element) => !element.closest(".table-responsive") || element.matches(".table-responsive"))
        .slice(0, 5)
        .map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
          + (element.className ? "." + String(element.className).trim().split(/\\s+/).join(".") : ""))"""
    )


def test_the_desk_and_the_ticket_screen_fit_a_phone(staff, tmp_path):
    # given a desk with a few tickets, one about an order of a customer with a long name
    order = OrderFactory(customer=UserFactory(full_name="Maria Aparecida dos Santos Figueiredo"))
    ticket = web_ticket("Entrega atrasada e nota fiscal com o endereço errado", order=order)
    for subject in ("Troca de tamanho", "Cupom não aplicado no carrinho"):
        web_ticket(subject)
    agent = staff(Role.SUPPORT_AGENT, PHONE)

    # the desk at a phone's width and a laptop's
    agent.goto("/backoffice/support/")
    expect(agent.get_by_test_id("desk-ticket")).to_have_count(3)
    assert agent.evaluate(FITS), f"the desk scrolls sideways at 390 px: {overflowing(agent)}"
    agent.screenshot(path=tmp_path / "desk-390.png", full_page=True)
    agent.set_viewport_size(DESKTOP)
    agent.screenshot(path=tmp_path / "desk-1366.png", full_page=True)

    # the ticket screen at both widths
    agent.get_by_role("link", name=ticket.protocol).click()
    expect(agent.get_by_test_id("protocol")).to_have_text(ticket.protocol)
    agent.screenshot(path=tmp_path / "ticket-1366.png", full_page=True)
    agent.set_viewport_size(PHONE)
    assert agent.evaluate(FITS), f"the ticket screen scrolls sideways at 390 px: {overflowing(agent)}"
    agent.screenshot(path=tmp_path / "ticket-390.png", full_page=True)
    for name in ("desk-390", "desk-1366", "ticket-390", "ticket-1366"):
        assert (tmp_path / f"{name}.png").stat().st_size > 0
