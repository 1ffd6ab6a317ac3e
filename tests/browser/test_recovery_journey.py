"""Sales recovery in a real browser: a shopper who typed only their email at checkout gets
the reminder and buys from its link on a phone; a telesales agent calls a lost sale from the
list and places the order; the manager reads what recovery brought."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.roles import Role
from orders.models import Order, RecoveryOpportunity
from storefront.cart.models import Cart
from storefront.cart.services import carts_abandoned_record
from support.recovery.services import recovery_reminders_send_due
from tests.accounts.factories import UserFactory
from tests.browser.screens import DESKTOP, PHONE, shoot
from tests.browser.test_checkout_journey import fill_address
from tests.recovery.factories import lost_cart

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "vendas-2026-seguro"


def context_for(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=viewport)
    context.set_default_timeout(10_000)
    return context


def staff_login(browser, live_server, role: str, viewport):
    user = UserFactory(is_staff=True, password=PASSWORD, full_name=f"{role} Demonstração")
    user.groups.add(Group.objects.get(name=role))
    context = context_for(browser, live_server, viewport)
    page = context.new_page()
    page.goto("/backoffice/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).not_to_have_url(re.compile("/login/"))
    return page


def test_a_shopper_who_left_at_checkout_buys_from_the_reminder_on_a_phone(
    browser, live_server, product, migrated_defaults
):
    # given a shopper who typed their email at checkout and walked away
    laptop = context_for(browser, live_server, DESKTOP).new_page()
    laptop.goto(product.get_absolute_url())
    laptop.get_by_role("button", name="Adicionar ao carrinho").click()
    expect(laptop.get_by_test_id("cart-count")).to_have_text("1")
    laptop.goto("/carrinho/")
    laptop.get_by_test_id("checkout").click()
    with laptop.expect_response(re.compile("/checkout/contato/")):
        laptop.get_by_label("E-mail").fill("bia@example.com.br")
        laptop.get_by_label("Nome completo").click()  # leaving the field sends it
    assert Cart.objects.get().contact_email == "bia@example.com.br"
    laptop.context.close()

    # when the cart is left an hour and its first reminder goes
    Cart.objects.update(updated_at=timezone.now() - timedelta(minutes=61))
    assert carts_abandoned_record() == 1
    recovery_reminders_send_due()
    [reminder] = mail.outbox
    assert reminder.to == ["bia@example.com.br"] and reminder.subject == "Você esqueceu algo no carrinho"
    link = next(word for word in reminder.body.split() if "/carrinho/voltar/" in word)
    unsubscribe = next(word for word in reminder.body.split() if "/lembretes/sair/" in word)

    # then its link, opened on a phone, brings the cart back and the order is recovered
    phone = context_for(browser, live_server, PHONE).new_page()
    phone.goto(link.removeprefix("http://testserver"))
    expect(phone.get_by_text("Seus itens voltaram para o carrinho")).to_be_visible()
    expect(phone.get_by_text("Chaleira de inox")).to_be_visible()
    shoot(phone, "recovery-cart-390")
    phone.get_by_test_id("checkout").click()
    phone.get_by_label("E-mail").fill("bia@example.com.br")
    phone.get_by_label("Nome completo").fill("Beatriz Lima")
    phone.get_by_label("Celular").fill("(21) 99876-5432")
    fill_address(phone)
    phone.get_by_role("button", name="Continuar para entrega e pagamento").click()
    phone.get_by_label("Pix").check()
    phone.get_by_role("button", name="Revisar o pedido").click()
    phone.get_by_test_id("place-order").click()
    expect(phone.get_by_test_id("confirmation-title")).to_contain_text("Obrigado!")

    opportunity = RecoveryOpportunity.objects.get()
    assert (opportunity.status, opportunity.recovered_step) == (RecoveryOpportunity.Status.RECOVERED, 1)
    assert opportunity.recovered_order == Order.objects.get()

    # and one click on the reminder's other link stops any more
    phone.goto(unsubscribe.removeprefix("http://testserver"))
    expect(phone.get_by_test_id("unsubscribe")).to_contain_text("Sem mais lembretes")
    shoot(phone, "recovery-unsubscribe-390")


def test_an_agent_calls_a_lost_sale_and_places_the_order_and_the_manager_sees_it(
    browser, live_server, product, migrated_defaults
):
    # given a cart left yesterday by a shopper who gave their phone, and another smaller one
    lost = lost_cart(
        lost_at=timezone.now() - timedelta(days=1),
        email="carlos@example.com.br",
        name="Carlos Pereira",
        phone="21998765432",
        variant=product.variants.get(),
        quantity=2,
    )
    lost_cart(lost_at=timezone.now() - timedelta(hours=3), email="joana@example.com.br", name="Joana Dias")

    # when a telesales agent opens the call list and the lost sale worth the most
    page = staff_login(browser, live_server, Role.TELESALES, DESKTOP)
    page.goto("/backoffice/recovery/calls/")
    rows = page.get_by_test_id("recovery-call")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Carlos Pereira")
    expect(rows.first).to_contain_text("R$\N{NO-BREAK SPACE}300,00")
    shoot(page, "recovery-calls-1366")
    page.set_viewport_size(PHONE)
    shoot(page, "recovery-calls-390")
    page.set_viewport_size(DESKTOP)
    rows.first.get_by_role("link").click()
    expect(page.get_by_text("O que ficou para trás")).to_be_visible()
    shoot(page, "recovery-call-1366")

    # and places the order on the call, from the lost sale's items
    page.get_by_test_id("recovery-place-order").click()
    line = page.get_by_test_id("basket-line")
    expect(line).to_contain_text(product.variants.get().sku)
    expect(line.get_by_test_id("basket-quantity")).to_have_value("2")
    expect(page.get_by_label("E-mail")).to_have_value("carlos@example.com.br")
    fill_address(page)
    page.get_by_test_id("delivery-option").filter(has_text="PAC").locator("input").check()
    page.get_by_test_id("place-assisted").click()
    expect(page).to_have_url(re.compile("/backoffice/telesales/orders/"))

    # then it counts as recovered by the call, and the manager sees it in the report
    lost.refresh_from_db()
    assert (lost.status, lost.recovered_via) == (RecoveryOpportunity.Status.RECOVERED, "call")
    assert lost.recovered_order.channel == Order.Channel.TELESALES
    manager = staff_login(browser, live_server, Role.MANAGER, DESKTOP)
    manager.goto("/backoffice/recovery/")
    card = manager.get_by_test_id("recovery-kind-abandoned_cart")
    expect(card.get_by_test_id("recovery-by-call")).to_contain_text(str(lost.recovered_order.grand_total)[:3])
    shoot(manager, "recovery-report-1366")
    manager.set_viewport_size(PHONE)
    shoot(manager, "recovery-report-390")
