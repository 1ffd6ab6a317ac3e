"""A manager opens the operations, stock and after-sale dashboards and sees their charts
drawn (today counted live) at a phone's width and a laptop's."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.screens import DESKTOP, PHONE, shoot
from tests.browser.test_kpi_dashboards import charts_drawn, manager_page  # noqa: F401
from tests.catalog.factories import VariantFactory
from tests.kpis.test_collectors_operations import paid_order, shipment
from tests.kpis.test_collectors_stock import receive
from tests.surveys.factories import answered_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("slug", ["operations", "stock", "aftersale"])
def test_the_operations_stock_and_after_sale_dashboards_draw_their_charts(manager_page, slug):  # noqa: F811
    now = timezone.now()
    shipment(order=paid_order(now - timedelta(hours=30)), shipped_at=now - timedelta(minutes=20))
    receive(VariantFactory(stock=0, cost_price=Decimal("12.50")), 8, now - timedelta(minutes=30))
    for score, carrier in ((10, "Correios"), (6, "Jadlog")):
        answered_row(score=score, carrier=carrier, answered_at=now - timedelta(minutes=10))
    page = manager_page
    page.goto(f"/backoffice/kpis/{slug}/")
    charts_drawn(page, slug)
    shoot(page, f"kpi-{slug}-{DESKTOP['width']}")
    page.set_viewport_size(PHONE)
    charts_drawn(page, slug)
    shoot(page, f"kpi-{slug}-{PHONE['width']}")
