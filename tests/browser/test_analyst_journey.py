"""An analyst clears the hold queue in a real browser: one order approved, one rejected."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import transaction
from playwright.sync_api import expect

from backoffice.roles import ROLE_PERMISSIONS, Role, roles_sync
from core.actor import Actor
from orders.models import Order
from orders.services.risk import order_hold
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "analista-2026-seguro"


def held(reason):
    order = OrderFactory(status=Order.Status.PAID)
    with transaction.atomic():
        return order_hold(order_id=order.pk, reason=reason, actor=Actor.job("test"), note="risk score 45")


def test_an_analyst_approves_one_order_and_rejects_another(page):
    roles_sync(apps, ROLE_PERMISSIONS)  # transactional tests flush the groups migrations made
    analyst = UserFactory(is_staff=True, password=PASSWORD)
    analyst.groups.add(Group.objects.get(name=Role.FRAUD_ANALYST))
    good, bad = held(Order.HoldReason.FRAUD), held(Order.HoldReason.FRAUD)

    page.goto("/backoffice/login/")
    page.get_by_label("E-mail").fill(analyst.email)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.goto("/backoffice/orders/")
    expect(page.get_by_test_id("held-order")).to_have_count(2)

    page.get_by_role("link", name=good.number).click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Aprovado")

    page.goto("/backoffice/orders/")
    expect(page.get_by_test_id("held-order")).to_have_count(1)
    page.get_by_role("link", name=bad.number).click()
    page.get_by_test_id("reject").click()  # no reason yet
    expect(page.locator(".alert-danger")).to_contain_text("Diga o motivo")
    page.get_by_label("Motivo, pergunta ou nota").fill("Cartão de terceiro sem autorização")
    page.get_by_test_id("reject").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Cancelado")
    expect(page.get_by_test_id("timeline")).to_contain_text("Cartão de terceiro sem autorização")
