"""The data protection queue: erasure requests by deadline, their detail, and the decisions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from backoffice.views.privacy import ERASURE_DETAIL_QUERIES, ERASURE_QUEUE_QUERIES
from orders.models import Order
from storefront.accounts.erasure import ANONYMOUS_NAME, erasure_request_create
from storefront.accounts.models import ErasureRequest
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_the_queue_lists_open_requests_nearest_deadline_first_in_bounded_queries(
    staff_client, django_assert_max_num_queries
):
    # given
    requests = [erasure_request_create(user=UserFactory()) for _ in range(30)]
    ErasureRequest.objects.filter(pk=requests[-1].pk).update(deadline=timezone.now() - timedelta(days=1))
    client = staff_client(Role.DATA_PROTECTION)
    # when
    with django_assert_max_num_queries(ERASURE_QUEUE_QUERIES):
        response = client.get(reverse("backoffice:erasure-request-list"))
    # then
    assert response.status_code == 200
    listed = list(response.context["erasure_requests"])
    assert listed[0].pk == requests[-1].pk and len(listed) == 25
    assert response.context["open_count"] == 30
    assert "late" in response.content.decode() or "atrasad" in response.content.decode()


def test_the_detail_says_what_is_kept_and_what_holds_it(staff_client, django_assert_max_num_queries):
    customer = UserFactory()
    OrderFactory(customer=customer, email=customer.email, status=Order.Status.SHIPPED)
    OrderFactory(customer=customer, email=customer.email, status=Order.Status.COMPLETED)
    request = erasure_request_create(user=customer)
    client = staff_client(Role.MANAGER)
    with django_assert_max_num_queries(ERASURE_DETAIL_QUERIES):
        response = client.get(reverse("backoffice:erasure-request-detail", args=[request.pk]))
    assert response.status_code == 200
    kept = response.context["kept"]
    assert kept.orders == 2 and str(kept.orders_total) == "240.00"
    assert len(kept.blockers) == 1
    assert 'data-testid="erasure-blockers"' in response.content.decode()


def test_carrying_out_erases_the_customer(staff_client):
    customer = UserFactory()
    request = erasure_request_create(user=customer)
    client = staff_client(Role.DATA_PROTECTION)
    response = client.post(reverse("backoffice:erasure-request-carry-out", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    customer.refresh_from_db()
    assert request.status == ErasureRequest.Status.DONE and customer.full_name == ANONYMOUS_NAME


def test_an_order_on_its_way_makes_the_request_wait_with_a_message(staff_client):
    customer = UserFactory()
    order = OrderFactory(customer=customer, email=customer.email, status=Order.Status.PAID)
    request = erasure_request_create(user=customer)
    client = staff_client(Role.DATA_PROTECTION)
    response = client.post(reverse("backoffice:erasure-request-carry-out", args=[request.pk]), follow=True)
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.WAITING
    assert order.number in response.content.decode()


def test_refusing_without_a_reason_changes_nothing(staff_client):
    request = erasure_request_create(user=UserFactory())
    client = staff_client(Role.DATA_PROTECTION)
    client.post(reverse("backoffice:erasure-request-refuse", args=[request.pk]), {"reason": ""})
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.REQUESTED
    client.post(
        reverse("backoffice:erasure-request-refuse", args=[request.pk]), {"reason": "Titular não confirmado."}
    )
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.REFUSED
    assert request.events.last().actor.startswith("staff:")


def test_an_unknown_request_is_not_found(staff_client):
    client = staff_client(Role.DATA_PROTECTION)
    assert client.get(reverse("backoffice:erasure-request-detail", args=[999])).status_code == 404
    assert client.post(reverse("backoffice:erasure-request-carry-out", args=[999])).status_code == 404


def test_opening_a_request_is_logged_as_a_read_of_personal_data(staff_client):
    from backoffice.models import PersonalDataAccess

    customer = UserFactory()
    request = erasure_request_create(user=customer)
    client = staff_client(Role.DATA_PROTECTION)
    assert client.get(reverse("backoffice:erasure-request-detail", args=[request.pk])).status_code == 200
    assert client.get(reverse("backoffice:erasure-request-detail", args=[999])).status_code == 404
    access = PersonalDataAccess.objects.get()
    assert (access.kind, access.customer_id, access.reference) == (
        PersonalDataAccess.Kind.ERASURE_REQUEST,
        customer.pk,
        f"#{request.pk}",
    )
    # and managers find it in the log
    log = staff_client(Role.MANAGER).get(reverse("backoffice:access-log"))
    assert [row.kind for row in log.context["page_obj"]] == [PersonalDataAccess.Kind.ERASURE_REQUEST]
