"""A customer exchanges a delivered item for a dearer size in a real browser: the form offers
the product's other variants, the replacement is held at once, the difference is paid by card
on the replacement's page, and it waits there for the return."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.actor import Actor
from core.money import format_brl
from orders.models import Order
from returns.models import ReturnRequest
from tests.accounts.factories import UserFactory
from tests.browser.screens import shoot_widths
from tests.browser.test_checkout_journey import pay_by_card
from tests.browser.test_return_journey import log_in
from tests.logistics.factories import stocked_variant
from tests.returns.factories import delivered_order, other_variant_in_stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOB = Actor.job("test")


def test_a_customer_exchanges_for_a_dearer_size_and_pays_the_difference(
    page, migrated_defaults, django_capture_on_commit_callbacks
):
    # given a delivered order of one unit at R$ 100,00, and the product's size G at R$ 120,00
    customer = UserFactory()
    bought = stocked_variant(units=5)
    order = delivered_order(django_capture_on_commit_callbacks, customer=customer, lines=[(bought, 1)])
    line = order.lines.get()
    size_g = other_variant_in_stock(bought, price="120.00", units=2, sku="CAMISA-G")
    log_in(page, customer)

    # the form offers the product's sizes in stock with today's price
    page.goto(f"/pedidos/{order.number}/devolver/")
    page.locator(f"input[name=line_{line.pk}]").fill("1")
    page.locator("input[name=reason][value=regret]").check()
    page.locator("input[name=resolution][value=exchange]").check()
    choice = page.locator(f"select[name=replace_{line.pk}]")
    expect(choice.locator(f"option[value='{size_g.pk}']")).to_contain_text(
        format_brl(Decimal("120.00"), "pt-br")
    )
    choice.select_option(str(size_g.pk))
    shoot_widths(page, "exchange-create")
    page.get_by_test_id("return-submit").click()

    # approved at once: the replacement is held and shows the difference to pay
    expect(page.get_by_test_id("return-exchange")).to_be_visible()
    request = ReturnRequest.objects.get()
    exchange = request.exchange_order
    assert (exchange.channel, exchange.grand_total) == (Order.Channel.EXCHANGE, Decimal("20.00"))
    expect(page.get_by_test_id("return-line-replacement")).to_contain_text("CAMISA-G")
    expect(page.get_by_test_id("exchange-difference")).to_contain_text(format_brl(Decimal("20.00"), "pt-br"))
    shoot_widths(page, "exchange-detail")

    # the difference is paid by card on the replacement's page
    page.get_by_test_id("exchange-pay").click()
    pay_by_card(page, "4111 1111 1111 1111", installments="1")
    page.get_by_test_id("pay-again-form").get_by_role("button").click()
    exchange.refresh_from_db()
    assert exchange.payments.get().amount == Decimal("20.00")

    # paid, it waits for the return instead of going to the warehouse
    page.goto(f"/devolucoes/{request.number}/")
    expect(page.get_by_test_id("exchange-pay")).to_have_count(0)
    expect(page.get_by_test_id("return-exchange")).to_contain_text(exchange.number)
    exchange.refresh_from_db()
    assert (exchange.status, exchange.hold_reason) == (Order.Status.ON_HOLD, Order.HoldReason.RETURN)
    shoot_widths(page, "exchange-paid")
