"""The back-office frame fits a phone and a laptop for every demo role, and lists exactly
the areas the role opens, with a readable account menu."""

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from backoffice.areas import areas_for_user
from backoffice.roles import ROLE_PERMISSIONS, Role, roles_sync
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.screens import DESKTOP, PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The demo's staff logins (backoffice/demo_data.py): areas each role must see, and areas
# it must not; the full list is the one its permissions open (backoffice/areas.py).
DEMO_ROLES = {
    Role.MANAGER: ({"hold-queue", "customer-list", "stock-search", "login-lock-list"}, set()),
    Role.SUPPORT_AGENT: ({"hold-queue", "customer-list", "support-desk", "shipment-list"}, {"pick-queue"}),
    Role.WAREHOUSE: ({"stock-search", "pick-queue", "shipment-list"}, {"customer-list", "hold-queue"}),
    Role.SHIPPING: ({"shipment-list"}, {"customer-list", "stock-search", "hold-queue"}),
    Role.TELESALES: ({"hold-queue", "telesales-order", "customer-list"}, {"stock-search"}),
}


def area_paths(page) -> list[str]:
    return page.get_by_test_id("staff-area").evaluate_all("links => links.map(link => link.pathname)")


def frame_width(page) -> int:
    return page.get_by_test_id("staff-navbar").evaluate("nav => Math.ceil(nav.scrollWidth)")


@pytest.mark.parametrize("role", list(DEMO_ROLES))
def test_the_frame_fits_and_lists_the_roles_areas(browser, live_server, role):
    # given a staff member of a demo role
    roles_sync(apps, ROLE_PERMISSIONS)  # transactional tests flush the groups migrations made
    user = UserFactory(is_staff=True, full_name="Ana Beatriz Souza")
    user.groups.add(Group.objects.get(name=role))
    expected = [reverse(area.url_name) for area in areas_for_user(user)]
    must, must_not = DEMO_ROLES[role]
    assert {reverse(f"backoffice:{name}") for name in must} <= set(expected)
    assert not {reverse(f"backoffice:{name}") for name in must_not} & set(expected)
    context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/backoffice/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).not_to_have_url(re.compile("/login/"))
    slug = role.lower().replace(" ", "-")

    # on a laptop: one bar, no wider than the screen, the areas grouped in menus
    assert frame_width(page) <= DESKTOP["width"]
    assert sorted(area_paths(page)) == sorted(expected)
    menu = page.get_by_test_id("user-menu")
    expect(menu).to_be_visible()
    assert menu.bounding_box()["x"] + menu.bounding_box()["width"] <= DESKTOP["width"]
    # the account menu reads light on the dark bar, not white on white
    assert menu.evaluate("link => getComputedStyle(link).color") != "rgb(33, 37, 41)"
    menu.click()
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    expect(page.get_by_role("button", name="Sair")).to_be_visible()
    shoot(page, f"backoffice-frame-{slug}-{DESKTOP['width']}")
    page.keyboard.press("Escape")
    groups = page.get_by_test_id("staff-group")
    if groups.count():
        groups.first.click()
        expect(
            page.locator(".staff-group .dropdown-menu.show [data-testid=staff-area]").first
        ).to_be_visible()
        page.keyboard.press("Escape")

    # on a phone: the bar folds into a menu that opens from the side, every area in reach
    page.set_viewport_size(PHONE)
    assert frame_width(page) <= PHONE["width"]
    expect(page.get_by_test_id("staff-areas")).to_be_hidden()
    page.get_by_test_id("staff-menu-toggle").click()
    expect(page.locator("#staff-nav")).to_be_visible()
    for link in page.get_by_test_id("staff-area").all():
        expect(link).to_be_visible()
    assert sorted(area_paths(page)) == sorted(expected)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    shoot(page, f"backoffice-frame-{slug}-{PHONE['width']}")
    context.close()
