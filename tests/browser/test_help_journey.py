"""A customer asks for help about an order in a real browser: the protocol at once, the
agent's answer on the ticket's page, and their reply putting the ticket back in progress."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from backoffice.roles import Role
from core.actor import Actor
from support.models import Message, Ticket
from support.services import ticket_reply
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.screens import SHOTS, shoot_widths
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = "Olá! Seu pedido sai hoje pela transportadora."


@pytest.fixture
def desk(migrated_defaults):
    agent = UserFactory(is_staff=True)
    agent.groups.add(Group.objects.get(name=Role.SUPPORT_AGENT))
    return Actor.staff(agent)


def log_in(page, user) -> None:
    page.goto("/account/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("button", name="Sair")).to_be_visible()


def test_a_customer_asks_about_an_order_and_follows_the_answer(page, desk):
    # given a customer with an order
    customer = UserFactory()
    order = OrderFactory(customer=customer)
    log_in(page, customer)

    # the order's page leads to the Help page, about that order
    page.goto(f"/pedidos/{order.number}/")
    page.get_by_test_id("order-help").click()
    expect(page.get_by_label("Pedido", exact=True)).to_have_value(order.number)
    expect(page.get_by_test_id("contact-form")).to_be_visible()
    shoot_widths(page, "help")

    # the customer writes, and is given the protocol on the ticket's page
    page.get_by_label("Assunto").fill("Entrega atrasada")
    page.get_by_label("Mensagem").fill("O prazo era ontem e o pedido não chegou.")
    page.get_by_role("button", name="Enviar mensagem").click()
    expect(page.get_by_role("alert")).to_contain_text("Seu número de protocolo é")
    ticket = Ticket.objects.get()
    assert (ticket.customer, ticket.order) == (customer, order)
    expect(page.get_by_role("alert")).to_contain_text(ticket.protocol)
    expect(page.get_by_test_id("protocol")).to_have_text(ticket.protocol)
    expect(page.get_by_test_id("ticket-status")).to_have_text("Em andamento")
    shoot_widths(page, "ticket")
    for name in ("help", "ticket"):
        assert (SHOTS / f"{name}-390.png").stat().st_size > 0
        assert (SHOTS / f"{name}-1366.png").stat().st_size > 0

    # an agent answers (from the desk, through its service)
    ticket_reply(ticket_id=ticket.pk, actor=desk, body_text=ANSWER)

    # the customer sees the answer, and replies from the page
    page.reload()
    expect(page.get_by_test_id("message").last).to_contain_text(ANSWER)
    expect(page.get_by_test_id("ticket-status")).to_have_text("Aguardando sua resposta")
    page.get_by_label("Sua resposta").fill("Obrigado! Fico aguardando o código de rastreio.")
    page.get_by_role("button", name="Enviar resposta").click()
    expect(page.get_by_role("alert")).to_contain_text("Sua resposta foi enviada.")
    expect(page.get_by_test_id("message").last).to_contain_text("Fico aguardando o código de rastreio.")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Em andamento")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert list(ticket.messages.values_list("direction", flat=True)) == [
        Message.Direction.INBOUND,
        Message.Direction.OUTBOUND,  # the acknowledgement with the protocol
        Message.Direction.OUTBOUND,
        Message.Direction.INBOUND,
    ]
