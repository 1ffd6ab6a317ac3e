import os
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from core.actor import Actor
from inventory.services import stock_receive
from logistics.models import CarrierService, ShippingRate
from tests.catalog.factories import ProductFactory
from tests.conftest import CHROMIUM
from tests.inventory.factories import WarehouseFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Every document reports what the Content-Security-Policy refused on the console, where the
# watcher below collects it. The browser driver injects this script, so the policy does not
# apply to it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || "inline code"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
}, true);
"""


def is_csp_violation(text: str) -> bool:
    return text.startswith("CSP violation:") or "Content Security Policy" in text


class CspWatchingBrowser:
    """The browser, with every context it opens watched for Content-Security-Policy
    violations (the shared `page` and the contexts tests open for staff alike)."""

    def __init__(self, browser):
        self._browser = browser
        self.violations: list[str] = []

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", self._record)
        return context

    def _record(self, message) -> None:
        if is_csp_violation(message.text):
            self.violations.append(f"{message.page.url if message.page else '?'}: {message.text}")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (per xdist worker)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield CspWatchingBrowser(chromium)
        chromium.close()


@pytest.fixture(autouse=True)
def no_csp_violation(request):
    """A journey fails when any page it opened broke the Content-Security-Policy."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    browser.violations.clear()
    yield
    for context in browser.contexts:  # let console messages still on the way arrive
        for page in context.pages:
            page.evaluate("0")
    assert browser.violations == [], "Content-Security-Policy violations:\n" + "\n".join(browser.violations)


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) that speaks Portuguese, like most of our shoppers."""
    context = browser.new_context(
        base_url=live_server.url, locale="pt-BR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(live_server):
    """Sign a user in through a session made on the server, for journeys that are not about
    the login form: `sign_in(page, user)`."""

    def sign(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return sign


@pytest.fixture
def product():
    """A kettle of R$ 150,00 with four units in stock, and PAC to deliver it for R$ 25,00."""
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC", position=1)
    ShippingRate.objects.create(service=pac, max_weight_grams=30000, price=Decimal("25.00"), days=7)
    product = ProductFactory(name="Chaleira de inox", price=Decimal("150.00"), stock=0)
    stock_receive(
        variant_id=product.variants.get().pk,
        warehouse=WarehouseFactory(),
        quantity=4,
        actor=Actor.job("test"),
    )
    return product
