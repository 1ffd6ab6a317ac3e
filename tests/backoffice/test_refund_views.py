"""Failed refunds wait on a back-office screen for a manager to make them again, once."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from backoffice.roles import Role
from backoffice.views import refunds as views
from core.actor import Actor
from orders.models import OrderEvent, Payment, Refund, SandboxRefund
from orders.services import payment_capture, refund_fail, refund_request
from tests.orders.factories import OrderFactory
from tests.orders.test_payment_start import pay_by_card

pytestmark = pytest.mark.django_db

LIST_URL = reverse("backoffice:failed-refund-list")


def failed_refund(capture, *, amount: str = "60.00", source: str = "return:1") -> Refund:
    """A card refund of an order paid R$ 120,00 that the provider never made."""
    order = OrderFactory()
    payment_capture(payment_id=pay_by_card(order).pk)
    with capture(execute=False), transaction.atomic():
        refund = refund_request(
            order_id=order.pk,
            amount=Decimal(amount),
            method=Refund.Method.ORIGINAL,
            source=source,
            actor=Actor.job("test"),
        )
    return refund_fail(refund_id=refund.pk, error="GatewayUnavailable: sandbox asked to fail")


def retry_url(refund: Refund) -> str:
    return reverse("backoffice:refund-retry", kwargs={"pk": refund.pk})


def test_the_screen_lists_only_failed_refunds_within_its_queries(
    django_capture_on_commit_callbacks, staff_client, django_assert_max_num_queries
):
    failed = [
        failed_refund(django_capture_on_commit_callbacks, source=f"return:{index}") for index in range(30)
    ]
    pending = OrderFactory()
    Refund.objects.create(order=pending, source="return:pending", method="store_credit", amount=Decimal("5"))
    client = staff_client(Role.MANAGER)
    with django_assert_max_num_queries(views.FAILED_REFUNDS_QUERIES):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    shown = list(response.context["refunds"])
    assert len(shown) == views.PAGE_SIZE
    assert {refund.status for refund in shown} == {Refund.Status.FAILED}
    assert shown[0] == failed[0]  # the longest waiting first
    page = response.content.decode()
    assert failed[0].order.number in page and "R$\xa060,00" in page
    assert "GatewayUnavailable: sandbox asked to fail" in page
    assert retry_url(failed[0]) in page
    assert pending.number not in page
    second = client.get(LIST_URL, {"page": 2})
    assert len(second.context["refunds"]) == 5


def test_the_screen_is_in_the_managers_navigation_only(staff_client):
    assert LIST_URL in staff_client(Role.MANAGER).get(reverse("backoffice:home")).content.decode()
    assert LIST_URL not in staff_client(Role.RETURNS).get(reverse("backoffice:home")).content.decode()


def test_a_manager_makes_a_failed_refund_again_and_a_second_click_pays_nothing_more(
    django_capture_on_commit_callbacks, staff_client
):
    refund = failed_refund(django_capture_on_commit_callbacks)
    client = staff_client(Role.MANAGER)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url(refund))
    # then the provider paid it and the screen no longer lists it
    assert response.status_code == 302 and response.url == LIST_URL
    refund.refresh_from_db()
    assert (refund.status, refund.last_error) == (Refund.Status.DONE, "")
    payment = refund.payment
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.PARTIALLY_REFUNDED, Decimal("60.00"))
    assert list(client.get(LIST_URL).context["refunds"]) == []
    # when the same button is pressed again (a stale page, a double click)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(retry_url(refund))
    # then nothing more is asked nor paid
    assert again.status_code == 302
    assert Refund.objects.filter(order=refund.order).count() == 1
    assert SandboxRefund.objects.get().requests == 1
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("60.00")
    # the manager's retry is on the order's timeline once
    assert OrderEvent.objects.filter(order=refund.order, actor__startswith="staff:").count() == 1


def test_a_refund_that_does_not_exist_is_not_found(staff_client):
    assert (
        staff_client(Role.MANAGER).post(reverse("backoffice:refund-retry", kwargs={"pk": 999999})).status_code
        == 404
    )


def test_retrying_is_post_only(django_capture_on_commit_callbacks, staff_client):
    refund = failed_refund(django_capture_on_commit_callbacks)
    assert staff_client(Role.MANAGER).get(retry_url(refund)).status_code == 405
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
