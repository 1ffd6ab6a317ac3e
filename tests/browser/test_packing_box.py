"""A packer chooses a box: its measures and weight fill in; a weight below the items' and the
box's is refused on the field; on a phone and on a laptop."""

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils.translation import gettext
from playwright.sync_api import expect

from backoffice.roles import ROLE_PERMISSIONS, Role, roles_sync
from logistics.models import Shipment
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.screens import DESKTOP, PHONE, shoot
from tests.logistics.factories import picked_order, service_and_box, stocked_variant, warehouse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])
def test_choosing_a_box_fills_its_measures_and_a_light_parcel_is_refused(
    browser, live_server, django_capture_on_commit_callbacks, viewport
):
    # given a picked order of two units of 400 g, and the 30x20x15 cm box of 150 g
    roles_sync(apps, ROLE_PERMISSIONS)  # transactional tests flush the groups migrations made
    packer = UserFactory(is_staff=True)
    packer.groups.add(Group.objects.get(name=Role.WAREHOUSE))
    variant = stocked_variant()
    variant.weight_grams = 400
    variant.save(update_fields=["weight_grams"])
    order = picked_order(django_capture_on_commit_callbacks, lines=[(variant, 2)])
    box = service_and_box()
    context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/backoffice/login/")
    page.get_by_label("E-mail").fill(packer.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).not_to_have_url(re.compile("/login/"))
    page.goto(f"/backoffice/logistics/packing/{order.number}/?warehouse={warehouse().code}")
    for count in ("1/2", "2/2"):
        page.locator("#id_scan").fill(variant.sku)
        page.locator("#id_scan").press("Enter")
        expect(page.get_by_test_id("pack-count")).to_have_text(count)

    # when the packer chooses the box
    page.get_by_label("Caixa", exact=True).select_option(value=str(box.pk))

    # then its measures and the weight of items and box fill in
    expect(page.get_by_label("Comprimento (cm)")).to_have_value("30")
    expect(page.get_by_label("Largura (cm)")).to_have_value("20")
    expect(page.get_by_label("Altura (cm)")).to_have_value("15")
    expect(page.get_by_label("Peso (g)")).to_have_value("950")
    expect(page.locator("[data-box-tare]")).to_have_text("150")
    width = viewport["width"]
    shoot(page, f"packing-box-{width}")

    # a weight below the items' and the box's is refused on its field, nothing packed
    page.get_by_label("Peso (g)").fill("700")
    page.get_by_test_id("close-box").click()
    expect(page.locator("#id_weight_grams.is-invalid")).to_be_visible()
    refusal = gettext(
        "The items weigh %(items)s g and the box %(tare)s g: the parcel weighs at least %(minimum)s g."
    ) % {"items": 800, "tare": 150, "minimum": 950}
    expect(page.locator("#id_weight_grams").locator("xpath=..")).to_contain_text(refusal)
    expect(page.locator("[data-box-tare]")).to_have_text("150")
    assert not Shipment.objects.exists()
    shoot(page, f"packing-box-refused-{width}")

    # the weighed parcel closes
    expect(page.get_by_label("Comprimento (cm)")).to_have_value("30")
    page.get_by_label("Peso (g)").fill("980")
    page.get_by_test_id("close-box").click()
    expect(page.locator(".alert-success")).to_contain_text("Caixa fechada")
    assert Shipment.objects.get(order=order).weight_grams == 980
    context.close()
