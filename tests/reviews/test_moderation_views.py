import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from backoffice.roles import Role
from backoffice.views import reviews as views
from storefront.catalog.models import Product
from storefront.reviews.models import Review
from tests.reviews.factories import review_row

pytestmark = pytest.mark.django_db

QUEUE = reverse("backoffice:review-queue")


def moderate(client, review, **data):
    return client.post(reverse("backoffice:review-moderate", kwargs={"pk": review.pk}), data)


@pytest.mark.parametrize("role", [Role.SUPPORT_AGENT, Role.MANAGER])
def test_support_agents_and_managers_publish_a_review(staff_client, role):
    review = review_row(rating=4)
    response = moderate(staff_client(role), review, decision="approve", back="pending")
    assert response.status_code == 302
    assert response.url == f"{QUEUE}?status=pending"
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVED
    product = Product.objects.get(pk=review.product_id)
    assert (product.rating_count, str(product.rating_average)) == (1, "4.00")


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.ORDER_ANALYST, Role.TELESALES])
def test_a_wrong_role_cannot_moderate(staff_client, role):
    review = review_row()
    client = staff_client(role)
    assert client.get(QUEUE).status_code == 403
    assert moderate(client, review, decision="approve").status_code == 403
    review.refresh_from_db()
    assert review.status == Review.Status.PENDING


def test_customers_cannot_moderate(client, customer):
    review = review_row()
    client.force_login(customer)
    assert moderate(client, review, decision="approve").status_code == 403


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(staff_client):
    review = review_row()
    client = staff_client(Role.SUPPORT_AGENT)
    response = moderate(client, review, decision="reject", reason="  ")
    assert response.status_code == 302
    messages = [str(message) for message in response.wsgi_request._messages]
    with translation.override("pt-br"):
        assert messages == [gettext("Say why the review is rejected.")]
    review.refresh_from_db()
    assert review.status == Review.Status.PENDING


def test_rejecting_with_a_reason(staff_client):
    review = review_row()
    moderate(staff_client(Role.MANAGER), review, decision="reject", reason="Traz dados pessoais.")
    review.refresh_from_db()
    assert (review.status, review.rejection_reason) == (Review.Status.REJECTED, "Traz dados pessoais.")


def test_a_review_that_does_not_exist_is_not_found(staff_client):
    response = staff_client(Role.MANAGER).post(
        reverse("backoffice:review-moderate", kwargs={"pk": 999999}), {"decision": "approve"}
    )
    assert response.status_code == 404


def test_the_queue_lists_waiting_reviews_escaped_in_bounded_queries(
    staff_client, django_assert_max_num_queries
):
    for number in range(30):
        review_row(title=f"Avaliação {number}")
    review_row(title="<script>alert(1)</script>")
    review_row(title="Já publicada", status=Review.Status.APPROVED)
    client = staff_client(Role.SUPPORT_AGENT)
    with django_assert_max_num_queries(views.REVIEW_QUEUE_QUERIES):
        response = client.get(QUEUE)
    html = response.content.decode()
    assert html.count('data-testid="moderation-review"') == views.PAGE_SIZE
    assert "Já publicada" not in html
    assert response.context["pending_count"] == 31
    published = client.get(QUEUE, {"status": "approved"}).content.decode()
    assert "Já publicada" in published


def test_the_queue_escapes_review_text(staff_client):
    review_row(title="<script>alert(1)</script>")
    html = staff_client(Role.MANAGER).get(QUEUE).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
