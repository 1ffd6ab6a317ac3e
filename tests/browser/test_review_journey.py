"""Product reviews in a real browser: a customer whose order was delivered reviews a product
from the order's page, a support agent publishes it from the back office, the product page
shows it with the average (and carries it in its schema.org data without breaking the
Content-Security-Policy), and the category sorted by rating lists the product first."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

from backoffice.roles import Role
from storefront.reviews.models import Review
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.screens import DESKTOP, PHONE, SHOTS, shoot_widths
from tests.catalog.factories import ProductFactory
from tests.logistics.factories import stocked_variant
from tests.returns.factories import delivered_order
from tests.reviews.factories import review_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pt(message: str) -> str:
    with translation.override("pt-br"):
        return gettext(message)


def log_in(page, user) -> None:
    page.goto("/account/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("button", name="Sair")).to_be_visible()


SECTION_FITS = """element => [element, ...element.querySelectorAll("*")].every((part) => {
  const box = part.getBoundingClientRect();
  return box.left >= 0 && box.right <= window.innerWidth;
})"""


def shoot_section_widths(page, name: str, test_id: str) -> None:
    """The whole page at a phone's width and a laptop's, the section `test_id` fitting the
    screen. (The product page's own picture-and-buy-box row is still a little wider than a
    phone, so the whole page is not held to it here.)"""
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        section = page.get_by_test_id(test_id)
        box = section.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (
            f"{name} is wider than the screen"
        )
        assert section.evaluate(SECTION_FITS), f"{name} has content wider than the screen"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"{name}-{viewport['width']}.png", full_page=True, caret="initial")


def test_a_customer_reviews_a_delivered_product_and_staff_publish_it(
    page, browser, live_server, migrated_defaults, django_capture_on_commit_callbacks
):
    # given a customer whose order was delivered, and another product of the category rated 3
    customer = UserFactory(full_name="Beatriz Lima Rocha")
    variant = stocked_variant(units=5)
    product = variant.product
    order = delivered_order(django_capture_on_commit_callbacks, customer=customer, lines=[(variant, 1)])
    other = ProductFactory(category=product.category, name="Chaleira elétrica")
    review_row(product=other, rating=3, status=Review.Status.APPROVED)
    log_in(page, customer)

    # the order's page leads to its products, each to review
    page.goto(f"/pedidos/{order.number}/")
    page.get_by_test_id("order-review-link").click()
    expect(page.get_by_test_id("order-review-item")).to_contain_text(product.name)
    shoot_widths(page, "review-order-products")
    page.get_by_test_id("review-this").click()

    # an empty comment is refused on its field, and nothing is kept
    form = page.get_by_test_id("review-form")
    form.get_by_test_id("rating-5").click()
    form.locator("[name=title]").fill("Ferve rápido")
    form.locator("[name=comment]").fill("   ")
    form.locator("[name=comment]").evaluate("element => element.removeAttribute('required')")
    form.get_by_test_id("review-submit").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(
        pt("Tell other shoppers what you thought of the product.")
    )
    assert not Review.objects.filter(customer=customer).exists()

    # the review is sent and waits for moderation, still editable
    form = page.get_by_test_id("review-form")
    form.get_by_test_id("rating-5").click()
    form.locator("[name=comment]").fill("Ferve em dois minutos e a alça não esquenta. <b>Recomendo</b>")
    shoot_widths(page, "review-form")
    form.get_by_test_id("review-submit").click()
    with translation.override("pt-br"):
        waiting_label = pgettext("review status", "Waiting for moderation")
    expect(page.get_by_test_id("review-status")).to_contain_text(waiting_label)
    shoot_widths(page, "review-pending")
    review = Review.objects.get(customer=customer)
    assert (review.status, review.rating, review.title) == (Review.Status.PENDING, 5, "Ferve rápido")

    # the product page does not show it yet
    page.goto(product.get_absolute_url())
    expect(page.get_by_test_id("no-reviews")).to_be_visible()

    # a support agent publishes it from the back office
    agent = UserFactory(is_staff=True)
    agent.groups.add(Group.objects.get(name=Role.SUPPORT_AGENT))
    context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    desk = context.new_page()
    desk.goto("/backoffice/login/")
    desk.get_by_label("E-mail").fill(agent.email)
    desk.get_by_label("Senha").fill(TEST_PASSWORD)
    desk.get_by_role("button", name="Entrar").click()
    expect(desk).not_to_have_url(re.compile("/login/"))
    desk.goto("/backoffice/reviews/")
    waiting = desk.get_by_test_id("moderation-review").filter(has_text="Ferve rápido")
    expect(waiting).to_contain_text("<b>Recomendo</b>")  # shown as typed, never as markup
    shoot_widths(desk, "review-moderation")
    desk.set_viewport_size(DESKTOP)
    waiting.get_by_test_id("review-approve").click()
    expect(desk.get_by_test_id("no-reviews")).to_be_visible()
    context.close()
    assert Review.objects.get(pk=review.pk).status == Review.Status.APPROVED

    # the product page shows the review and the average, and says so to search engines
    page.goto(product.get_absolute_url())
    expect(page.get_by_test_id("rating-average")).to_have_text("5,0")
    published = page.get_by_test_id("review").first
    expect(published).to_contain_text("Ferve rápido")
    expect(published).to_contain_text("<b>Recomendo</b>")
    expect(published).to_contain_text("Beatriz R.")
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["aggregateRating"]["reviewCount"] == 1
    assert data["review"][0]["reviewBody"].endswith("<b>Recomendo</b>")
    shoot_section_widths(page, "review-product-page", "product-reviews")

    # the category sorted by rating lists it before the product rated 3
    page.set_viewport_size(PHONE)
    page.goto(product.category.get_absolute_url())
    page.locator("#sort").select_option("rating")
    expect(page).to_have_url(re.compile("sort=rating"))
    cards = page.get_by_test_id("product-card")
    expect(cards.first).to_contain_text(product.name)
    expect(cards.nth(1)).to_contain_text("Chaleira elétrica")
    shoot_widths(page, "review-sort-by-rating")


def test_a_customer_without_the_product_delivered_is_told_so(page, live_server):
    customer = UserFactory()
    product = ProductFactory(name="Panela de barro")
    log_in(page, customer)
    page.goto(product.get_absolute_url())
    page.get_by_test_id("write-review").click()
    expect(page.get_by_test_id("review-not-allowed")).to_contain_text(
        pt("You can review a product once you have received it.")
    )
    shoot_widths(page, "review-not-allowed")
