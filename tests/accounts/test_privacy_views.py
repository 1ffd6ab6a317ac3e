"""The privacy page: asking for erasure with the password."""

import pytest
from django.urls import reverse

from storefront.accounts.models import ErasureRequest
from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PRIVACY_PAGE_QUERIES = 8


def test_the_account_page_links_to_privacy(client, customer):
    client.force_login(customer)
    assert (
        reverse("accounts:privacy-detail") in client.get(reverse("accounts:account-detail")).content.decode()
    )


def test_the_privacy_page_has_bounded_queries(client, customer, django_assert_max_num_queries):
    client.force_login(customer)
    with django_assert_max_num_queries(PRIVACY_PAGE_QUERIES):
        response = client.get(reverse("accounts:privacy-detail"))
    assert response.status_code == 200
    assert reverse("accounts:data-export") in response.content.decode()


def test_asking_for_erasure_opens_a_request_due_in_15_days(client, customer):
    client.force_login(customer)
    response = client.post(
        reverse("accounts:erasure-request-create"), {"understood": "on", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    request = ErasureRequest.objects.get(customer=customer)
    assert request.status == ErasureRequest.Status.REQUESTED
    assert round((request.deadline - request.created_at).total_seconds() / 86400) == 15
    assert request.events.get().actor == f"customer:{customer.email}"
    page = client.get(reverse("accounts:privacy-detail")).content.decode()
    assert 'data-testid="erasure-open"' in page and 'data-testid="erasure-form"' not in page


@pytest.mark.parametrize(
    ("data", "field"),
    [({"understood": "on", "password": "errada"}, "password"), ({"password": TEST_PASSWORD}, "understood")],
)
def test_a_wrong_password_or_no_confirmation_changes_nothing(client, customer, data, field):
    client.force_login(customer)
    response = client.post(reverse("accounts:erasure-request-create"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ErasureRequest.objects.exists()


def test_the_request_is_post_only(client, customer):
    client.force_login(customer)
    assert client.get(reverse("accounts:erasure-request-create")).status_code == 405


def test_the_page_shows_a_refusal_and_lets_the_customer_ask_again(client):
    customer = UserFactory()
    ErasureRequest.objects.create(
        customer=customer,
        status="refused",
        refusal_reason="Há uma disputa em aberto.",
        deadline="2030-01-01T00:00Z",
    )
    client.force_login(customer)
    page = client.get(reverse("accounts:privacy-detail")).content.decode()
    assert "Há uma disputa em aberto." in page and 'data-testid="erasure-form"' in page


def test_the_admin_shows_erasure_requests_read_only(admin_client):
    request = ErasureRequest.objects.create(customer=UserFactory(), deadline="2030-01-01T00:00Z")
    assert admin_client.get("/admin/accounts/erasurerequest/").status_code == 200
    page = admin_client.get(f"/admin/accounts/erasurerequest/{request.pk}/change/")
    assert page.status_code == 200
    assert admin_client.get("/admin/accounts/erasurerequest/add/").status_code == 403
