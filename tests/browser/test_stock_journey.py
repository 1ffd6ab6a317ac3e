"""A warehouse clerk receives a purchase order and the product becomes available online."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from backoffice.roles import ROLE_PERMISSIONS, Role, roles_sync
from tests.accounts.factories import UserFactory
from tests.inventory.factories import purchase_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "estoque-2026-seguro"


def test_receiving_a_purchase_order_puts_the_product_on_sale(page, browser, live_server):
    order = purchase_order(quantity=6)
    variant = order.lines.get().variant
    product_url = variant.product.get_absolute_url()
    roles_sync(apps, ROLE_PERMISSIONS)  # transactional tests flush the groups migrations made
    clerk = UserFactory(is_staff=True, password=PASSWORD)
    clerk.groups.add(Group.objects.get(name=Role.WAREHOUSE))

    page.goto(product_url)
    expect(page.get_by_test_id("availability")).to_contain_text("Indisponível")

    staff = browser.new_context(base_url=live_server.url, locale="pt-BR").new_page()
    staff.goto("/backoffice/login/")
    staff.get_by_label("E-mail").fill(clerk.email)
    staff.get_by_label("Senha").fill(PASSWORD)
    staff.get_by_role("button", name="Entrar").click()
    staff.goto("/backoffice/inventory/")
    staff.get_by_role("link", name="Recebimento", exact=True).click()
    staff.get_by_test_id("receive").click()
    staff.get_by_label("Recebido").fill("4")
    staff.get_by_role("button", name="Receber no estoque").click()
    expect(staff.locator(".alert-success")).to_contain_text(order.number)
    expect(staff.get_by_test_id("purchase-order")).to_contain_text("Parcialmente recebido")
    staff.context.close()

    page.reload()
    expect(page.get_by_test_id("availability")).to_contain_text("Em estoque")
