"""A support agent on the phone with a customer finds them by CPF and their order by its
number, and reads its payment and shipment, with nothing to act on; phone and laptop."""

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from backoffice.roles import ROLE_PERMISSIONS, Role, roles_sync
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.screens import DESKTOP, PHONE, shoot
from tests.logistics.factories import shipment_row
from tests.orders.factories import sandbox_pix

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CPF = "52998224725"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])
def test_support_finds_a_customer_and_reads_their_order(browser, live_server, viewport):
    # given a customer whose order was paid by Pix and shipped
    roles_sync(apps, ROLE_PERMISSIONS)  # transactional tests flush the groups migrations made
    agent = UserFactory(is_staff=True)
    agent.groups.add(Group.objects.get(name=Role.SUPPORT_AGENT))
    customer = UserFactory(full_name="Joana Prado Lima")
    order = sandbox_pix(customer=customer, cpf=CPF, full_name="Joana Prado Lima").order
    shipment = shipment_row(order=order)
    context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/backoffice/login/")
    page.get_by_label("E-mail").fill(agent.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).not_to_have_url(re.compile("/login/"))
    width = viewport["width"]

    # when the agent looks the customer up by the CPF they read out
    page.goto("/backoffice/customers/")
    page.get_by_test_id("customer-search").fill("529.982.247-25")
    page.get_by_test_id("customer-search").press("Enter")
    expect(page.get_by_role("link", name=customer.email)).to_be_visible()
    shoot(page, f"support-customer-search-{width}")

    # and the order by its number
    page.goto("/backoffice/orders/")
    page.get_by_test_id("order-search").fill(order.number)
    page.get_by_test_id("order-search").press("Enter")
    expect(page.get_by_test_id("found-order")).to_have_count(1)
    shoot(page, f"support-order-search-{width}")
    page.get_by_test_id("found-order").get_by_role("link", name=order.number).click()

    # then they read the payment and the shipment, and have nothing to act on
    expect(page.get_by_test_id("order-shipment")).to_contain_text(shipment.number)
    expect(page.get_by_text("Pix · R$")).to_be_visible()
    expect(page.locator("form[action$='/act/']")).to_have_count(0)
    shoot(page, f"support-order-workspace-{width}")
    context.close()
