"""A warehouse clerk drafts purchase orders from the reorder list, one per supplier, edits a
line, adds an item found by name, and sends one order; at a phone's width and a laptop's."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from backoffice.roles import ROLE_PERMISSIONS, Role, roles_sync
from inventory.models import PurchaseOrder, ReorderRule, Supplier
from tests.accounts.factories import UserFactory
from tests.browser.screens import shoot_widths
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "compras-2026-seguro"


def reorder_rules() -> tuple[Supplier, Supplier]:
    horizonte = Supplier.objects.create(
        name="Distribuidora Horizonte Ltda.", cnpj="11222333000181", lead_time_days=6
    )
    aurora = Supplier.objects.create(name="Aurora Têxtil S.A.", cnpj="04252011000110", lead_time_days=3)
    for name, supplier in (
        ("Camiseta básica algodão", horizonte),
        ("Calça jeans reta", horizonte),
        ("Meia esportiva", aurora),
    ):
        variant = ProductFactory(name=name, stock=0).variants.get()
        variant.cost_price = Decimal("19.90")
        variant.save(update_fields=["cost_price"])
        ReorderRule.objects.create(
            variant=variant, warehouse=WarehouseFactory(), minimum=10, maximum=40, supplier=supplier
        )
    return horizonte, aurora


def test_a_clerk_drafts_purchase_orders_from_the_reorder_list_and_sends_one(browser, live_server):
    horizonte, aurora = reorder_rules()
    extra = ProductFactory(name="Garrafa térmica inox", stock=0).variants.get()
    roles_sync(apps, ROLE_PERMISSIONS)  # transactional tests flush the groups migrations made
    clerk = UserFactory(is_staff=True, password=PASSWORD)
    clerk.groups.add(Group.objects.get(name=Role.WAREHOUSE))

    staff = browser.new_context(base_url=live_server.url, locale="pt-BR").new_page()
    staff.goto("/backoffice/login/")
    staff.get_by_label("E-mail").fill(clerk.email)
    staff.get_by_label("Senha").fill(PASSWORD)
    staff.get_by_role("button", name="Entrar").click()

    # the reorder list: three items below their minimum, two suppliers
    staff.goto("/backoffice/inventory/low-stock/")
    expect(staff.get_by_test_id("low-stock-row")).to_have_count(3)
    shoot_widths(staff, "purchasing-reorder-list")
    staff.get_by_test_id("draft-from-reorder").click()
    expect(staff.locator(".alert-success")).to_be_visible()
    expect(staff.get_by_test_id("purchase-order-row")).to_have_count(2)
    shoot_widths(staff, "purchasing-drafts")

    # the Horizonte draft: two lines up to the maximum, expected after its lead time
    staff.get_by_test_id("purchase-order-row").filter(has_text="Horizonte").get_by_role("link").click()
    lines = staff.get_by_test_id("purchase-line")
    expect(lines).to_have_count(2)
    first = lines.first
    expect(first.locator("input[name$='-quantity']")).to_have_value("40")
    first.locator("input[name$='-quantity']").fill("25")
    first.get_by_test_id("save-line").click()
    expect(staff.locator(".alert-success")).to_be_visible()
    expect(staff.get_by_test_id("purchase-line").first.locator("input[name$='-quantity']")).to_have_value(
        "25"
    )

    # a bad quantity is refused on its field, nothing changed
    staff.get_by_test_id("purchase-line").first.locator("input[name$='-quantity']").fill("0")
    staff.get_by_test_id("purchase-line").first.get_by_test_id("save-line").click()
    expect(staff.locator(".invalid-feedback").first).to_be_visible()
    shoot_widths(staff, "purchasing-line-refused")

    # an item found by name while typing
    staff.goto(f"/backoffice/inventory/purchasing/{PurchaseOrder.objects.get(supplier=horizonte).pk}/")
    staff.get_by_test_id("variant-search").fill("térmica")
    expect(staff.get_by_test_id("variant-choice")).to_have_count(1)
    add = staff.get_by_test_id("add-line")
    add.locator("input[name=quantity]").fill("12")
    add.locator("input[name=unit_cost]").fill("35,50")
    add.get_by_test_id("add-line-submit").click()
    expect(staff.get_by_test_id("purchase-line")).to_have_count(3)
    expect(staff.get_by_test_id("purchase-total")).to_contain_text(
        "R$ 1.719,50"
    )  # 25 + 40 at 19,90; 12 at 35,50
    shoot_widths(staff, "purchasing-draft")

    # sent: no longer editable
    staff.get_by_test_id("send-purchase").click()
    expect(staff.locator(".alert-success")).to_contain_text(
        PurchaseOrder.objects.get(supplier=horizonte).number
    )
    expect(staff.get_by_test_id("save-line")).to_have_count(0)
    expect(staff.get_by_test_id("send-purchase")).to_have_count(0)
    shoot_widths(staff, "purchasing-sent")

    sent = PurchaseOrder.objects.get(supplier=horizonte)
    assert sent.status == PurchaseOrder.Status.ORDERED
    assert sorted(sent.lines.values_list("quantity_ordered", flat=True)) == [12, 25, 40]
    assert extra.purchase_lines.get().unit_cost == Decimal("35.50")
    assert PurchaseOrder.objects.get(supplier=aurora).status == PurchaseOrder.Status.DRAFT

    staff.goto("/backoffice/inventory/suppliers/")
    expect(staff.get_by_test_id("lead-time")).to_have_count(2)
    shoot_widths(staff, "purchasing-suppliers")
    staff.context.close()
