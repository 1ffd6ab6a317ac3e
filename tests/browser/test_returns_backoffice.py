"""The returns team in a real browser: a parcel scanned in at the warehouse, its units counted
out by SKU and EAN (a stray item refused on the spot) and inspected, one back on sale and one
in quarantine; the queue and the request screen at laptop and phone widths."""

import io
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from backoffice.roles import Role
from core.uploads import IncomingFile
from inventory.models import Bin, StockMovement
from logistics.adapters.base import CarrierEvent
from logistics.models import TrackingEvent
from returns.models import ReturnRequest
from returns.services import return_tracking_apply
from tests.accounts.factories import UserFactory
from tests.browser.screens import DESKTOP, PHONE, shoot
from tests.logistics.factories import stocked_variant
from tests.returns.factories import ask_return, delivered_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "devolucoes-2026-seguro"
EAN = "7891234567895"


def log_in(browser, live_server, user, viewport):
    context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/backoffice/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).not_to_have_url(re.compile("/login/"))
    return page


def on_its_way(capture) -> ReturnRequest:
    """A regret of two units, approved at once, its parcel posted by the customer."""
    order = delivered_order(capture, lines=[(stocked_variant(units=5, ean=EAN), 2)], customer=UserFactory())
    with capture(execute=True):
        request = ask_return(order)
    request.refresh_from_db()
    with capture(execute=True):
        return_tracking_apply(
            tracking_code=request.tracking_code,
            events=[
                CarrierEvent(
                    event_id="r-1",
                    kind=TrackingEvent.Kind.POSTED,
                    occurred_at=timezone.now(),
                    description="Objeto postado",
                    location="São Paulo/SP",
                )
            ],
        )
    request.refresh_from_db()
    return request


def picture(name: str, colour: str) -> IncomingFile:
    """A photo big enough to be seen on the screenshots: a coloured card with a scratch."""
    image = Image.new("RGB", (320, 240), colour)
    ImageDraw.Draw(image).line([(40, 200), (280, 40)], fill="white", width=6)
    content = io.BytesIO()
    image.save(content, format="PNG")
    return IncomingFile(name=name, content=content.getvalue())


def test_a_parcel_is_scanned_in_and_its_units_inspected(
    browser, live_server, django_capture_on_commit_callbacks, migrated_defaults
):
    # given a Returns staff member, a parcel on its way back and a defect waiting for a decision
    staff = UserFactory(is_staff=True, password=PASSWORD)
    staff.groups.add(Group.objects.get(name=Role.RETURNS))
    request = on_its_way(django_capture_on_commit_callbacks)
    line = request.lines.select_related("order_line").get()
    defect_order = delivered_order(django_capture_on_commit_callbacks, customer=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        defect = ask_return(
            defect_order,
            reason=ReturnRequest.Reason.DEFECT,
            description="A alça soltou no primeiro uso.\nA costura parece ter vindo aberta.",
            photos=[picture("alca.png", "steelblue"), picture("costura.png", "indianred")],
        )
    page = log_in(browser, live_server, staff, DESKTOP)

    # the queue shows the defect to decide; the parcel is scanned in
    page.goto("/backoffice/returns/")
    expect(page.get_by_test_id("return-row")).to_contain_text(defect.number)
    shoot(page, "returns_queue_1366")
    page.get_by_test_id("receive-parcel").click()
    page.locator("input[name=code]").fill(request.tracking_code.lower())
    page.locator("input[name=code]").press("Enter")
    expect(page.get_by_test_id("return-status")).to_have_text(re.compile("Recebid|Received"))

    # each unit is counted out of the parcel; an item the request does not name is refused
    scan = page.locator("#id_scan")
    expect(scan).to_be_focused()
    scan.fill("9999999999999")
    scan.press("Enter")
    expect(page.get_by_test_id("scan-error")).to_contain_text(request.number)
    expect(page.get_by_test_id("counted")).to_have_text(re.compile(r"^0\D+2$"))
    page.locator("#id_scan").fill(line.order_line.sku)
    page.locator("#id_scan").press("Enter")
    expect(page.get_by_test_id("counted")).to_have_text(re.compile(r"^1\D+2$"))
    page.locator("#id_scan").fill(EAN)
    page.locator("#id_scan").press("Enter")
    expect(page.get_by_test_id("counted")).to_have_text(re.compile(r"^2\D+2$"))
    expect(page.get_by_test_id("unit-row")).to_have_count(2)
    shoot(page, "returns_inspection_1366")
    page.set_viewport_size(PHONE)
    shoot(page, "returns_inspection_390")
    page.set_viewport_size(DESKTOP)

    # one unit back on sale in its shelf, the other in quarantine
    prefix = f"u-{line.order_line_id}"
    page.locator(f"select[name={prefix}-1-bin]").select_option(label="A-01-01")
    page.locator(f"select[name={prefix}-2-disposition]").select_option("quarantine")
    page.get_by_test_id("finish-inspection").click()
    expect(page.get_by_test_id("return-status")).to_have_text(re.compile("Reembols|Refunded"))
    expect(page.get_by_test_id("unit")).to_have_count(2)
    shoot(page, "return_request_inspected_1366")

    # then the units are back in stock where they were put, and the money was asked for
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.REFUNDED
    movements = StockMovement.objects.filter(reference=f"return:{request.pk}", kind=StockMovement.Kind.RETURN)
    assert sorted(movement.quant.bin.code for movement in movements) == ["A-01-01", Bin.QUARANTINE_CODE]

    # the request screen of the defect, with its photos, and both screens on a phone
    page.goto(f"/backoffice/returns/{defect.number}/")
    expect(page.get_by_test_id("photos").locator("img")).to_have_count(2)
    # both pictures load (they may still be on their way when the page is shown)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=photos] img')]"
        ".every((img) => img.complete && img.naturalWidth > 0)"
    )
    shoot(page, "return_request_1366")
    page.context.close()
    phone = log_in(browser, live_server, staff, PHONE)
    phone.goto("/backoffice/returns/")
    shoot(phone, "returns_queue_390")
    phone.goto(f"/backoffice/returns/{defect.number}/")
    expect(phone.get_by_test_id("decide-form")).to_be_visible()
    shoot(phone, "return_request_390")
    phone.goto(f"/backoffice/returns/{request.number}/")
    shoot(phone, "return_request_inspected_390")
    phone.context.close()
