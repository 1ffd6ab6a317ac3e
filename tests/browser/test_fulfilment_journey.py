"""A picker walks a pick list on a phone and a packer checks and boxes the order: the
carrier is booked and the customer has a tracking code."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from backoffice.roles import ROLE_PERMISSIONS, Role, roles_sync
from logistics.models import Shipment
from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.browser.screens import PHONE
from tests.logistics.factories import stocked_variant, validated_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "armazem-2026-seguro"


def log_in(browser, live_server, user, viewport):
    context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/backoffice/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    return page


def test_a_picker_and_a_packer_take_an_order_to_the_carrier(
    browser, live_server, django_capture_on_commit_callbacks
):
    # given a validated order of two items in two bins, walked in bin order
    roles_sync(apps, ROLE_PERMISSIONS)  # transactional tests flush the groups migrations made
    worker = UserFactory(is_staff=True, password=PASSWORD)
    worker.groups.add(Group.objects.get(name=Role.WAREHOUSE))
    mug = stocked_variant(bin_code="B-02-01", position=20)
    tea = stocked_variant(bin_code="A-01-01", position=10, ean="7891234567895")
    order = validated_order(django_capture_on_commit_callbacks, lines=[(mug, 2), (tea, 1)])

    # the picker, on a phone, picks the order alone
    picker = log_in(browser, live_server, worker, PHONE)
    picker.goto("/backoffice/logistics/picking/")
    expect(picker.get_by_test_id("order-to-pick")).to_contain_text(order.number)
    picker.get_by_test_id("pick-alone").click()
    expect(picker.get_by_test_id("current-bin")).to_have_text("A-01-01")
    # a wrong item is refused on the spot
    picker.locator("input[name=code]").fill(mug.sku)
    picker.get_by_test_id("confirm-pick").click()
    expect(picker.get_by_test_id("pick-error")).to_contain_text(f"leia {tea.sku}")
    picker.locator("input[name=code]").fill("7891234567895")
    picker.get_by_test_id("confirm-pick").click()
    expect(picker.get_by_test_id("current-bin")).to_have_text("B-02-01")
    picker.locator("input[name=code]").fill(mug.sku)
    expect(picker.locator("input[name=quantity]")).to_have_value("2")
    picker.locator("input[name=code]").press("Enter")
    expect(picker.get_by_test_id("pick-list-done")).to_be_visible()
    picker.context.close()

    # the packer scans each unit into the box, then weighs and measures it
    packer = log_in(browser, live_server, worker, {"width": 1280, "height": 900})
    packer.goto("/backoffice/logistics/packing/")
    packer.get_by_test_id("pack").click()
    scan = packer.locator("#id_scan")
    scan.fill("9999999999999")
    scan.press("Enter")
    expect(packer.get_by_test_id("scan-error")).to_contain_text("não é um item deste pedido")
    for code, counts in (
        (mug.sku, ["1/2", "0/1"]),
        ("7891234567895", ["1/2", "1/1"]),
        (mug.sku, ["2/2", "1/1"]),
    ):
        packer.locator("#id_scan").fill(code)
        packer.locator("#id_scan").press("Enter")
        expect(packer.get_by_test_id("pack-count")).to_have_text(counts)
    packer.locator("#id_scan").fill(mug.sku)
    packer.locator("#id_scan").press("Enter")
    expect(packer.get_by_test_id("scan-error")).to_contain_text("sobrando")
    expect(packer.get_by_test_id("pack-count")).to_have_text(["2/2", "1/1"])
    packer.get_by_label("Caixa").select_option(label="Caixa M (30×20×15 cm)")
    packer.get_by_label("Peso (g)").fill("1450")
    packer.get_by_label("Comprimento (cm)").fill("30")
    packer.get_by_label("Largura (cm)").fill("20")
    packer.get_by_label("Altura (cm)").fill("15")
    packer.get_by_test_id("close-box").click()
    expect(packer.locator(".alert-success")).to_contain_text("Caixa fechada")

    # then the carrier is booked and the label is ready to print
    shipment = Shipment.objects.get(order=order)
    assert shipment.status == Shipment.Status.SHIPPED
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    packer.goto(f"/backoffice/logistics/shipments/{shipment.number}/label/")
    expect(packer.get_by_test_id("label")).to_contain_text(shipment.tracking_code)
    packer.context.close()
