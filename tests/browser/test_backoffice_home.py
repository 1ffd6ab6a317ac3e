"""The back-office home shows each role its queues with counts and ages, fitting a phone and
a laptop, and each line opens its queue."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.roles import ROLE_PERMISSIONS, Role, roles_sync
from orders.models import Order
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.screens import DESKTOP, PHONE, shoot
from tests.notifications.factories import NotificationFactory
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, live_server, role: str):
    roles_sync(apps, ROLE_PERMISSIONS)  # transactional tests flush the groups migrations made
    user = UserFactory(is_staff=True, full_name="Ana Beatriz Souza")
    user.groups.add(Group.objects.get(name=role))
    context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/backoffice/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).not_to_have_url(re.compile("/login/"))
    return page


def test_an_analyst_sees_held_orders_by_reason_and_opens_one_reason(browser, live_server):
    # given two orders held for fraud review, the older for three hours, and a failed message
    for hours in (1, 3):
        OrderFactory(
            status=Order.Status.ON_HOLD,
            hold_reason=Order.HoldReason.FRAUD,
            held_at=timezone.now() - timedelta(hours=hours),
        )
    NotificationFactory(failed=True)
    page = signed_in_page(browser, live_server, Role.ORDER_ANALYST)

    # the home lists the analyst's queues, empty ones muted
    fraud = page.get_by_test_id("queue-holds-fraud")
    expect(fraud).to_contain_text("2")
    expect(fraud).to_contain_text("3\xa0horas")
    expect(page.get_by_test_id("queue-holds-address")).to_have_class(re.compile("text-body-secondary"))
    expect(page.get_by_test_id("queue-failed_messages")).to_contain_text("1")
    expect(page.get_by_test_id("queue-pick")).to_have_count(0)
    shoot(page, f"backoffice-home-analyst-{DESKTOP['width']}")
    page.set_viewport_size(PHONE)
    shoot(page, f"backoffice-home-analyst-{PHONE['width']}")

    # a line opens its queue, filtered to its reason
    fraud.click()
    expect(page).to_have_url(re.compile(r"/backoffice/orders/\?reason=fraud"))


def test_a_manager_sees_every_queue_at_both_widths(browser, live_server):
    page = signed_in_page(browser, live_server, Role.MANAGER)
    for key in (
        "holds-fraud",
        "pick",
        "pack",
        "dispatch-refused",
        "late_shipments",
        "returns-inspect",
        "tickets-breached",
        "recovery_calls",
        "failed_messages",
        "periodic_jobs",
    ):
        expect(page.get_by_test_id(f"queue-{key}")).to_be_visible()
    shoot(page, f"backoffice-home-manager-{DESKTOP['width']}")
    page.set_viewport_size(PHONE)
    shoot(page, f"backoffice-home-manager-{PHONE['width']}")


def test_a_picker_sees_only_the_warehouse_queues(browser, live_server):
    page = signed_in_page(browser, live_server, Role.WAREHOUSE)
    expect(page.get_by_test_id("home-queues").locator("[data-testid^=queue-]")).to_have_count(3)
    expect(page.get_by_test_id("queue-pick")).to_have_attribute("data-count", "0")
    page.set_viewport_size(PHONE)
    shoot(page, f"backoffice-home-warehouse-{PHONE['width']}")


def test_a_manager_reads_the_personal_data_access_log_at_both_widths(browser, live_server):
    customer = UserFactory(
        email="maria.souza.com.um.email.bem.comprido@example.com.br", full_name="Maria Souza"
    )
    page = signed_in_page(browser, live_server, Role.MANAGER)
    page.goto(f"/backoffice/customers/{customer.pk}/")
    page.goto("/backoffice/privacy/access-log/")
    expect(page.get_by_test_id("access-row")).to_have_count(1)
    expect(page.get_by_test_id("access-row")).to_contain_text(customer.email)
    shoot(page, f"backoffice-access-log-{DESKTOP['width']}")
    page.set_viewport_size(PHONE)
    shoot(page, f"backoffice-access-log-{PHONE['width']}")
