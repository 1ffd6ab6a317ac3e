"""A customer returns one unit of a delivered order for regret in a real browser: the order's
page leads to the form, the request is approved at once with the carrier's code, and the
printable authorisation opens."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from core.actor import Actor
from core.money import format_brl
from returns.models import ReturnRequest, ReturnUnit
from returns.notifications import return_links
from returns.services import UnitDecision, return_inspect, return_receive
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.screens import shoot_widths
from tests.logistics.factories import stocked_variant
from tests.returns.factories import ask_return, delivered_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOB = Actor.job("test")


def log_in(page, user) -> None:
    page.goto("/account/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("button", name="Sair")).to_be_visible()


def _pt_day(day) -> str:
    with translation.override("pt-br"):
        return date_format(day, "SHORT_DATE_FORMAT")


def test_a_customer_returns_one_unit_for_regret_and_prints_the_authorisation(
    page, migrated_defaults, django_capture_on_commit_callbacks
):
    # given a customer whose order of two units was delivered today
    customer = UserFactory()
    order = delivered_order(
        django_capture_on_commit_callbacks, customer=customer, lines=[(stocked_variant(units=5), 2)]
    )
    line = order.lines.get()
    log_in(page, customer)

    # the order's page leads to the return form, which says until when each reason lasts
    page.goto(f"/pedidos/{order.number}/")
    page.get_by_test_id("order-return").click()
    expect(page.get_by_test_id("return-form")).to_be_visible()
    regret_ends = timezone.localdate() + timedelta(days=7)
    expect(page.get_by_test_id("regret-ends-on")).to_contain_text(_pt_day(regret_ends))
    expect(page.get_by_test_id("defect-ends-on")).to_contain_text(
        _pt_day(timezone.localdate() + timedelta(days=30))
    )
    expect(page.locator(f"input[name=line_{line.pk}]")).to_have_attribute("max", "2")
    shoot_widths(page, "return-create")

    # sending nothing back is refused on the form, and nothing is stored
    page.locator("input[name=reason][value=regret]").check()
    page.get_by_test_id("return-submit").click()
    expect(page.get_by_test_id("return-form-errors")).to_be_visible()
    assert not ReturnRequest.objects.exists()
    shoot_widths(page, "return-create-errors")

    # one unit for regret, money back, dropped off at a post office
    page.locator(f"input[name=line_{line.pk}]").fill("1")
    page.locator("input[name=reason][value=regret]").check()
    expect(page.locator("input[name=parcel_mode][value=drop_off]")).to_be_checked()
    expect(page.locator("input[name=resolution][value=refund]")).to_be_checked()
    page.get_by_test_id("return-submit").click()

    # approved at once: the carrier's code and the day to post it by
    expect(page.get_by_test_id("return-authorisation")).to_be_visible()
    request = ReturnRequest.objects.get()
    assert (request.status, request.customer) == (ReturnRequest.Status.AWAITING_SHIPMENT, customer)
    assert list(request.lines.values_list("quantity", flat=True)) == [1]
    expect(page.get_by_role("alert")).to_contain_text(request.number)
    expect(page.get_by_test_id("authorisation-code")).to_have_text(request.authorisation_code)
    expect(page.get_by_test_id("authorisation-valid-until")).to_have_text(
        _pt_day(request.authorisation_valid_until)
    )
    expect(page.get_by_test_id("return-progress").locator("[data-state=done]")).to_have_count(1)
    expect(page.get_by_test_id("return-withdraw")).to_be_visible()
    shoot_widths(page, "return-detail")

    # the printable page has the code, both addresses and the item
    page.get_by_test_id("authorisation-link").click()
    expect(page.get_by_test_id("authorisation-code")).to_have_text(request.authorisation_code)
    expect(page.get_by_test_id("authorisation-barcode")).to_be_visible()
    expect(page.get_by_test_id("authorisation-sender")).to_contain_text(order.full_name)
    expect(page.get_by_test_id("authorisation-recipient")).to_contain_text("Cajamar")
    expect(page.get_by_test_id("authorisation-line")).to_contain_text(line.product_name)
    expect(page.get_by_test_id("print")).to_be_visible()
    shoot_widths(page, "return-authorisation")
    page.emulate_media(media="print")  # on paper, only the authorisation
    expect(page.get_by_test_id("print")).to_be_hidden()
    expect(page.get_by_test_id("authorisation-box")).to_be_visible()
    page.emulate_media(media="screen")

    # back on the order's page, the request is listed with its status
    page.goto(f"/pedidos/{order.number}/")
    expect(page.get_by_test_id("order-return-request")).to_contain_text(request.number)
    expect(page.get_by_test_id("order-return")).to_be_visible()  # the other unit may still go back
    shoot_widths(page, "order-with-return")


def test_a_guest_follows_an_inspected_return_from_the_emailed_link(
    page, migrated_defaults, django_capture_on_commit_callbacks
):
    # given a guest's return of two units: one accepted, one refused as used, and refunded
    order = delivered_order(django_capture_on_commit_callbacks, lines=[(stocked_variant(units=5), 2)])
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        request = ask_return(order)
    request.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        return_receive(code=request.tracking_code, actor=JOB)
        return_inspect(
            request_id=request.pk,
            actor=JOB,
            decisions=[
                UnitDecision(order_line_id=line.pk, disposition=ReturnUnit.Disposition.RESTOCK),
                UnitDecision(
                    order_line_id=line.pk,
                    disposition=ReturnUnit.Disposition.REFUSED,
                    note="Produto com marcas de uso.",
                ),
            ],
        )
    request.refresh_from_db()

    # the link of the emails opens the request, with what became of each unit and the money
    page.goto(return_links(request=request)["return_url"].removeprefix(settings.SITE_URL))
    expect(page.get_by_test_id("return-unit")).to_have_count(2)
    expect(page.get_by_test_id("return-request-line")).to_contain_text("Produto com marcas de uso.")
    expect(page.get_by_test_id("return-refund-total")).to_have_text(format_brl(request.refund_total, "pt-br"))
    expect(page.get_by_test_id("return-progress").locator("[data-state=done]")).to_have_count(6)
    expect(page.get_by_test_id("return-withdraw")).to_have_count(0)
    shoot_widths(page, "return-detail-inspected")

    # and back to the order, where the refund shows
    page.get_by_role("link", name=order.number).first.click()
    expect(page.get_by_test_id("order-refund")).to_contain_text(format_brl(request.refund_total, "pt-br"))
