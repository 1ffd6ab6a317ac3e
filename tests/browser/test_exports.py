"""A manager downloads an export in a real browser, then the next one from its cursor."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from backoffice.roles import Role
from tests.accounts.factories import UserFactory
from tests.browser.screens import shoot_widths
from tests.exports.factories import at, order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _download(page) -> tuple[str, str]:
    with page.expect_download() as download_info:
        page.get_by_test_id("export-download").click()
    download = download_info.value
    return download.suggested_filename, Path(download.path()).read_text(encoding="utf-8-sig")


def test_a_manager_downloads_orders_for_excel_then_only_the_new_ones(
    page, sign_in, migrated_defaults, settings
):
    settings.STORE_EXPORT_SETTLE_SECONDS = 0
    order(number="600001", placed=at(2), full_name="Maria José")
    manager = UserFactory(is_staff=True)
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    sign_in(page, manager)

    page.goto("/backoffice/exports/")
    shoot_widths(page, "export_form")
    page.locator("select[name=dataset]").select_option("orders")
    page.locator("select[name=dialect]").select_option("excel_br")
    name, text = _download(page)

    assert name.startswith("orders-") and name.endswith(".csv")
    [row] = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert (row["number"], row["full_name"], row["grand_total"]) == ("600001", "Maria José", "120,00")
    assert row["placed_at"] == "02/03/2026 10:00:00"

    # the page lists the export with its cursor, to paste into the next one
    page.goto("/backoffice/exports/")
    cursor = page.get_by_test_id("export-run-cursor").first.inner_text()
    order(number="600002", placed=at(3))
    page.locator("select[name=dataset]").select_option("orders")
    page.locator("select[name=format]").select_option("jsonl")
    page.locator("input[name=cursor]").fill(cursor)
    name, text = _download(page)

    assert name.endswith(".jsonl")
    assert '"number":"600002"' in text
    assert "600001" not in text


def test_a_bad_cursor_is_shown_on_its_field(page, sign_in, migrated_defaults):
    manager = UserFactory(is_staff=True)
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    sign_in(page, manager)

    page.goto("/backoffice/exports/")
    page.locator("input[name=cursor]").fill("not-a-cursor")
    page.get_by_test_id("export-download").click()

    expect(page.locator("input[name=cursor]")).to_have_class(re.compile("is-invalid"))


def test_a_manager_sends_a_failed_erp_event_again(page, sign_in, migrated_defaults, settings):
    from django.utils import timezone

    from exports.models import FeedEvent

    settings.STORE_ERP_FEED_URL = ""  # off: the event waits in line again, nothing is sent
    placed = order(number="600011", placed=at(2))
    FeedEvent.objects.create(
        order=placed,
        kind=FeedEvent.Kind.ORDER_INVOICED,
        source="invoice:1",
        occurred_at=timezone.now(),
        status=FeedEvent.Status.FAILED,
        attempts=10,
        last_error="HTTP 422: access key 35260311222333000181550010000000011000000011 unknown to the ERP",
    )
    manager = UserFactory(is_staff=True)
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    sign_in(page, manager)

    page.goto("/backoffice/exports/")
    page.locator("a[href$='/erp-feed/']").click()
    expect(page.get_by_test_id("feed-event")).to_contain_text("600011")
    shoot_widths(page, "feed_event_list")
    page.get_by_test_id("feed-event-retry").click()

    expect(page.get_by_test_id("feed-event-retry")).to_have_count(0)
    assert FeedEvent.objects.get().status == FeedEvent.Status.PENDING
