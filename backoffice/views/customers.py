"""Customer 360: one customer's whole story with the store on one screen."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from backoffice.models import PersonalDataAccess
from backoffice.services import personal_data_access_record
from support.selectors import customer_story

# Query budget, asserted in tests/backoffice/test_customer_360.py.
# session, user, two-factor, permissions (2), customer, totals, orders, payments, shipments, tracking,
# risk findings, notes, return requests with their tickets, tickets, messages, notifications, (navigation),
# the access log's row (LGPD)
CUSTOMER_360_QUERIES = 18


def customer_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    story = customer_story(
        customer_id=pk,
        with_orders=user.has_perm("orders.view_order") or user.has_perm("support.view_ticket"),
        with_support=user.has_perm("support.view_ticket"),
        with_risk=user.has_perm("orders.view_riskanalysis"),
    )
    personal_data_access_record(staff=user, kind=PersonalDataAccess.Kind.CUSTOMER_360, customer_id=pk)
    return render(request, "backoffice/customer_detail.html", {"story": story})
