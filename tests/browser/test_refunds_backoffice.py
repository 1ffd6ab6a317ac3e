"""A manager in a real browser, on a phone: the failed refunds screen and its retry button,
and a customer's returns on the customer 360 and on the ticket of a return."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from backoffice.roles import Role
from orders.models import Refund
from orders.services import payment_capture
from returns.models import ReturnRequest
from support.services.incidents import return_ticket_open
from tests.accounts.factories import UserFactory
from tests.browser.screens import PHONE, shoot
from tests.orders.factories import OrderFactory
from tests.orders.test_payment_start import pay_by_card

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "gerente-2026-seguro"


def failed_refund(order) -> Refund:
    """A card refund the provider never made, as its task leaves it after the last retry."""
    payment = payment_capture(payment_id=pay_by_card(order).pk)
    return Refund.objects.create(
        order=order,
        payment=payment,
        source="return:browser",
        method=Refund.Method.ORIGINAL,
        amount=Decimal("104.90"),
        status=Refund.Status.FAILED,
        attempts=9,
        last_error="GatewayUnavailable: the provider did not answer in time after nine attempts",
    )


def test_a_manager_retries_a_failed_refund_and_reads_a_customers_returns_on_a_phone(
    browser, live_server, migrated_defaults
):
    # given a customer whose return is refunded but whose refund failed, and a manager
    customer = UserFactory(full_name="Ana Lima")
    order = OrderFactory(customer=customer)
    request = ReturnRequest.objects.create(
        number=f"{order.number}-D1",
        order=order,
        customer=customer,
        status=ReturnRequest.Status.INSPECTED,
        reason=ReturnRequest.Reason.TRANSPORT_DAMAGE,
        resolution=ReturnRequest.Resolution.REFUND,
        items_refund=Decimal("89.90"),
        shipping_refund=Decimal("15.00"),
    )
    ticket = return_ticket_open(return_request_id=request.pk)
    refund = failed_refund(order)
    manager = UserFactory(is_staff=True, password=PASSWORD)
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/backoffice/login/")
    page.get_by_label("E-mail").fill(manager.email)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).not_to_have_url(re.compile("/login/"))

    # the failed refund is listed, and the retry button makes it
    page.goto("/backoffice/payments/refunds/failed/")
    expect(page.get_by_test_id("failed-refund")).to_contain_text(order.number)
    shoot(page, "failed_refunds_390")
    page.get_by_test_id("failed-refund").get_by_role("button").click()
    expect(page.get_by_test_id("failed-refund")).to_have_count(0)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.DONE

    # the customer 360 lists the return, and leads to it
    page.goto(f"/backoffice/customers/{customer.pk}/")
    returns = page.get_by_test_id("customer-returns")
    expect(returns).to_contain_text(request.number)
    expect(returns).to_contain_text("R$\xa0104,90")
    shoot(page, "customer_360_returns_390")

    # the ticket of the return shows it with its status
    page.goto(f"/backoffice/support/{ticket.protocol}/")
    expect(page.get_by_test_id("ticket-return")).to_contain_text(request.number)
    shoot(page, "ticket_return_390")
    page.get_by_test_id("ticket-return").get_by_role("link", name=request.number).click()
    expect(page).to_have_url(re.compile(f"/backoffice/returns/{request.number}/$"))
    context.close()
