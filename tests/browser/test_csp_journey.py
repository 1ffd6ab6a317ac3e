"""The Content-Security-Policy in a real browser: it refuses inline code, the watcher every
journey runs under sees it, and the Django admin's scripts still work under it."""

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_htmx_injects_no_style_and_evaluates_no_code(page):
    ProductFactory()
    page.goto("/")
    htmx_config = "[htmx.config.includeIndicatorStyles, htmx.config.allowEval, htmx.config.allowScriptTags]"
    assert page.evaluate(htmx_config) == [False, False, False]
    assert page.locator("head style").count() == 0


def test_the_policy_refuses_an_inline_script_and_the_watcher_reports_it(page, browser):
    ProductFactory()
    page.goto("/")
    with page.expect_console_message(lambda message: message.text.startswith("CSP violation:")):
        page.evaluate(
            """() => {
            const script = document.createElement("script");
            script.textContent = "document.body.dataset.injected = 'ran'";
            document.body.append(script);
        }"""
        )
    expect(page.locator("body")).not_to_have_attribute("data-injected", "ran")
    assert any("script-src" in violation for violation in browser.violations)
    browser.violations.clear()  # seen on purpose: the journey itself is clean


def test_the_admins_scripts_work_under_the_policy(page, sign_in):
    category = CategoryFactory(name="Cozinha")
    ProductFactory(name="Chaleira de inox", category=category)
    sign_in(page, UserFactory(is_staff=True, is_superuser=True))  # the admin's pages, not its login

    # the change list's actions: selecting every row counts them
    page.goto("/admin/catalog/product/")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("1 de 1")

    # the add form: the slug follows the name, autocomplete asks the server, inlines grow
    page.goto("/admin/catalog/product/add/")
    page.locator("#id_name").press_sequentially("Bule esmaltado")
    expect(page.locator("#id_slug")).to_have_value("bule-esmaltado")
    page.locator("#id_category").locator("xpath=..").locator(".select2-selection").click()
    expect(page.locator(".select2-results__option")).to_contain_text("Cozinha")
    page.keyboard.press("Escape")
    variants = page.locator("#variants-group .inline-related:not(.empty-form)")
    expect(variants).to_have_count(0)
    page.locator("#variants-group .add-row a").click()
    expect(variants).to_have_count(1)
