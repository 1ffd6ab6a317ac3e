"""LGPD in a real browser: a customer downloads their data and asks for erasure; data
protection staff carry it out, on a phone and on a desktop."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from backoffice.roles import Role
from orders.models import Order
from storefront.accounts.erasure import ANONYMOUS_NAME
from storefront.accounts.models import ErasureRequest, User
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.screens import DESKTOP, PHONE, shoot
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "privacidade-2026-seguro"


def test_a_customer_downloads_their_data_and_asks_for_erasure_which_staff_carry_out(
    browser, live_server, migrated_defaults, sign_in
):
    # given a customer with a finished order, and a data protection officer
    customer = UserFactory(full_name="Clarice Bittencourt", email="clarice@example.com.br")
    order = OrderFactory(
        customer=customer, email=customer.email, full_name=customer.full_name, status="completed"
    )
    officer = UserFactory(is_staff=True, password=STAFF_PASSWORD)
    officer.groups.add(Group.objects.get(name=Role.DATA_PROTECTION))

    # the customer finds the privacy page from their account, on a phone and on a desktop
    for viewport, width in ((PHONE, 390), (DESKTOP, 1366)):
        context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=viewport)
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, customer)
        page.goto("/account/")
        page.get_by_test_id("privacy-link").click()
        expect(page).to_have_url(re.compile("/account/privacidade/$"))
        expect(page.get_by_test_id("erasure-form")).to_be_visible()
        shoot(page, f"privacy_detail_{width}")
        if width == 1366:
            # downloads everything as JSON
            with page.expect_download() as download:
                page.get_by_test_id("download-data").click()
            document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
            assert document["account"]["email"] == customer.email
            assert [row["number"] for row in document["orders"]] == [order.number]
            # and asks for erasure, with the password
            form = page.get_by_test_id("erasure-form")
            form.get_by_role("checkbox").check()
            form.locator("input[type=password]").fill(TEST_PASSWORD)
            page.get_by_test_id("erasure-submit").click()
            expect(page.get_by_test_id("erasure-open")).to_be_visible()
            shoot(page, f"privacy_requested_{width}")
        context.close()
    request = ErasureRequest.objects.get(customer=customer)

    # the officer works the queue
    for viewport, width in ((PHONE, 390), (DESKTOP, 1366)):
        context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=viewport)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto("/backoffice/login/")
        page.get_by_label("E-mail").fill(officer.email)
        page.get_by_label("Senha").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Entrar").click()
        expect(page).not_to_have_url(re.compile("/login/"))
        page.goto("/backoffice/privacy/requests/")
        expect(page.get_by_test_id("erasure-request")).to_contain_text(customer.email)
        shoot(page, f"erasure_request_list_{width}")
        page.get_by_test_id("erasure-request").get_by_role("link").click()
        expect(page.get_by_test_id("erasure-kept")).to_contain_text("1")
        shoot(page, f"erasure_request_detail_{width}")
        if width == 1366:
            page.on("dialog", lambda dialog: dialog.accept())
            page.get_by_test_id("erasure-carry-out").click()
            expect(page.get_by_test_id("erasure-actions")).to_have_count(0)
            shoot(page, f"erasure_request_done_{width}")
        context.close()

    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.DONE
    erased = User.objects.get(pk=customer.pk)
    assert erased.full_name == ANONYMOUS_NAME and not erased.is_active
    assert Order.objects.get(pk=order.pk).grand_total == order.grand_total
