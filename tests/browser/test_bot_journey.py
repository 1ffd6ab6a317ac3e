"""The service bot in the storefront's chat box, in a real browser: a guest proves an order
with its number and CPF and reads its tracking, then asks for a person and an agent answers in
the same chat; a signed-in customer on a phone picks their own order for the boleto's second
copy. Screenshots of the chat at a laptop's width and a phone's are kept (tests/browser/screens.py)."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from backoffice.roles import Role
from orders.models import Payment
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.bot.factories import CPF, awaiting_order, shipped_order_with_news
from tests.browser.screens import DESKTOP, PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_chat(page, *, body: str, name: str = "Rita Souza", email: str = "rita@example.com.br") -> None:
    page.goto("/")
    page.get_by_test_id("chat-launcher").click()
    start = page.get_by_test_id("chat-start")
    expect(start).to_be_visible()
    if name:
        start.locator("[name=name]").fill(name)
        start.locator("[name=email]").fill(email)
    start.locator("[name=body]").fill(body)
    start.locator("button[type=submit]").click()
    expect(page.get_by_test_id("chat-messages")).to_be_visible()


def log_in(page, url: str, user) -> None:
    page.goto(url)
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()


def write(page, text: str) -> None:
    count = page.get_by_test_id("chat-message").count()
    page.locator("#chat-content [name=body]").fill(text)
    page.get_by_test_id("chat-send").click()
    expect(page.get_by_test_id("chat-message")).not_to_have_count(count)


def last_answer(page):
    return page.locator(".chat-message-store").last


def test_a_guest_gets_the_tracking_then_reaches_an_agent_in_the_same_chat(
    page, browser, live_server, migrated_defaults
):
    order = shipped_order_with_news(events=4)
    code = order.shipments.get().tracking_code
    page.set_viewport_size(DESKTOP)
    open_chat(page, body="cadê meu pedido")
    write(page, order.number)
    write(page, "111.444.777-35")  # someone else's CPF: nothing revealed
    expect(page.get_by_test_id("chat-messages")).not_to_contain_text(code)
    write(page, order.number)
    write(page, CPF)
    expect(page.get_by_test_id("chat-messages")).to_contain_text(code)
    expect(page.get_by_test_id("chat-messages")).to_contain_text("Objeto em trânsito 3")
    shoot(page, "chat-tracking-1366")

    write(page, "falar com atendente")
    expect(page.locator(".spinner-grow")).to_be_visible()  # now it waits for a person

    agent = UserFactory(is_staff=True)
    agent.groups.add(Group.objects.get(name=Role.SUPPORT_AGENT))
    context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=DESKTOP)
    desk = context.new_page()
    log_in(desk, "/backoffice/login/", agent)
    expect(desk).not_to_have_url(re.compile("/login/"))
    desk.goto("/backoffice/support/chats/")
    desk.get_by_test_id("live-chat").get_by_role("link", name="Rita Souza").click()
    expect(desk.locator("body")).to_contain_text(code)  # the agent sees what the bot said
    desk.locator("[name=body]").fill("Oi Rita, sou a Ana. Posso ajudar?")
    desk.get_by_test_id("chat-answer").click()
    context.close()

    expect(page.get_by_test_id("chat-messages")).to_contain_text("sou a Ana", timeout=10_000)
    expect(page.locator(".spinner-grow")).to_have_count(0)
    page.set_viewport_size(PHONE)
    shoot(page, "chat-agent-390")


def test_a_signed_in_customer_on_a_phone_picks_an_order_for_the_boletos_second_copy(page, migrated_defaults):
    customer = UserFactory()
    order, boleto = awaiting_order(method=Payment.Method.BOLETO, customer=customer)
    page.set_viewport_size(PHONE)
    log_in(page, "/account/login/", customer)
    expect(page).not_to_have_url(re.compile("/login/"))
    open_chat(page, body="2ª via do boleto", name="")
    expect(last_answer(page)).to_contain_text(order.number)
    write(page, "1")
    expect(page.get_by_test_id("chat-messages")).to_contain_text(boleto.boleto_line)
    shoot(page, "chat-boleto-390")
    page.set_viewport_size(DESKTOP)
    shoot(page, "chat-boleto-1366")
