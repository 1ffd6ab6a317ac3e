import pytest
from django.core import mail
from django.urls import reverse

from backoffice.roles import Role
from backoffice.views.staff import HOME_QUERIES
from inbox.models import WebhookEvent
from orders.models import Order
from support.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory
from tests.orders.factories import sandbox_pix

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 7  # session, user, permissions, whether the user owes a second factor, the page's reads


class OtherProvider:
    """A payment provider that is not the sandbox."""

    name = "acme"


def test_home_shows_the_areas_of_the_users_roles_and_failed_messages(
    staff_client, django_assert_max_num_queries
):
    NotificationFactory.create_batch(3, failed=True)
    client = staff_client(Role.MANAGER)
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(reverse("backoffice:home"))
    assert [area.url_name for area in response.context["areas"]] == [
        "backoffice:customer-list",
        "backoffice:notification-list",
        "backoffice:support-desk",
        "backoffice:survey-results",
        "backoffice:review-queue",
        "backoffice:hold-queue",
        "backoffice:failed-refund-list",
        "backoffice:telesales-order",
        "backoffice:recovery-call-list",
        "backoffice:recovery-report",
        "backoffice:stock-search",
        "backoffice:purchasing-list",
        "backoffice:pick-queue",
        "backoffice:shipment-list",
        "backoffice:return-queue",
        "backoffice:sandbox-payment-list",
        "backoffice:kpi-index",
        "backoffice:export-form",
        "backoffice:login-lock-list",
        "backoffice:access-log",
        "backoffice:erasure-request-list",
    ]
    assert {line.key: line.count for line in response.context["queues"]}["failed_messages"] == 3


def test_customer_list_is_paginated_with_bounded_queries(staff_client, django_assert_max_num_queries):
    UserFactory.create_batch(30)
    client = staff_client(Role.SUPPORT_AGENT)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(reverse("backoffice:customer-list"))
    assert len(response.context["customers"]) == 25
    assert response.context["page_obj"].paginator.count == 30


def test_customer_search_matches_the_start_of_the_email(staff_client):
    UserFactory(email="maria@example.com.br", full_name="Maria Souza")
    UserFactory(email="joana@example.com.br", full_name="Joana Lima")
    response = staff_client(Role.SUPPORT_AGENT).get(reverse("backoffice:customer-list"), {"q": "MAR"})
    assert [customer.email for customer in response.context["customers"]] == ["maria@example.com.br"]
    page_links = staff_client(Role.SUPPORT_AGENT).get(
        reverse("backoffice:customer-list"), {"q": "", "page": 1}
    )
    assert page_links.status_code == 200


def test_customer_list_leaves_out_staff(staff_client):
    client = staff_client(Role.SUPPORT_AGENT)
    assert list(client.get(reverse("backoffice:customer-list")).context["customers"]) == []


def test_message_log_filters_by_status_with_bounded_queries(staff_client, django_assert_max_num_queries):
    NotificationFactory.create_batch(20)
    NotificationFactory.create_batch(10, failed=True)
    client = staff_client(Role.SUPPORT_AGENT)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(
            reverse("backoffice:notification-list"), {"status": "failed"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert len(response.context["notifications"]) == 10
    assert response.context["can_retry"]
    assert response.content.decode().count("Send again") == 10


def test_retry_from_the_message_log_sends_the_message(staff_client, django_capture_on_commit_callbacks):
    notification = NotificationFactory(failed=True)
    client = staff_client(Role.SUPPORT_AGENT)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("backoffice:notification-retry", kwargs={"pk": notification.pk}))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1


def test_retry_of_a_sent_message_says_why_and_changes_nothing(staff_client):
    notification = NotificationFactory(status=Notification.Status.SENT, sent_at="2026-01-01T10:00:00Z")
    client = staff_client(Role.SUPPORT_AGENT)
    response = client.post(
        reverse("backoffice:notification-retry", kwargs={"pk": notification.pk}),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "This message cannot change to that status." in response.content.decode()
    assert mail.outbox == []


def test_retry_of_an_unknown_message_says_so(staff_client):
    response = staff_client(Role.SUPPORT_AGENT).post(
        reverse("backoffice:notification-retry", kwargs={"pk": 999999}),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "This message does not exist." in response.content.decode()


def test_staff_login_page_logs_staff_into_the_back_office(client, make_staff):
    staff = make_staff(Role.MANAGER)
    response = client.post(
        reverse("backoffice:login"), {"username": staff.email, "password": "senha-forte-2026"}
    )
    assert response.status_code == 302
    assert response.url == reverse("backoffice:home")


def test_staff_pay_a_sandbox_pix_with_the_providers_signed_notice(
    staff_client, django_capture_on_commit_callbacks
):
    payment = sandbox_pix()
    client = staff_client("Order analyst")
    listing = client.get(reverse("backoffice:sandbox-payment-list"))
    assert payment.order.number in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("backoffice:sandbox-payment-notify", kwargs={"pk": payment.pk}), {"action": "pay"}
        )
    assert response.status_code == 302
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.APPLIED
    assert Order.objects.get().status == Order.Status.VALIDATED  # paid, then validated by the risk analysis


def test_the_sandbox_payments_page_is_gone_with_a_real_provider(staff_client, settings):
    settings.STORE_PAYMENT_GATEWAY = "tests.backoffice.test_views.OtherProvider"
    client = staff_client("Manager")
    assert client.get(reverse("backoffice:sandbox-payment-list")).status_code == 404
    payment = sandbox_pix()
    url = reverse("backoffice:sandbox-payment-notify", kwargs={"pk": payment.pk})
    assert client.post(url, {"action": "pay"}).status_code == 404
    assert "Sandbox" not in client.get(reverse("backoffice:home")).content.decode()


def test_an_unknown_sandbox_action_is_not_found_and_changes_nothing(staff_client):
    payment = sandbox_pix()
    url = reverse("backoffice:sandbox-payment-notify", kwargs={"pk": payment.pk})
    assert staff_client("Order analyst").post(url, {"action": "refund"}).status_code == 404
    assert not WebhookEvent.objects.exists()
