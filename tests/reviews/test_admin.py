import pytest
from django.urls import reverse

from storefront.reviews.models import Review
from tests.accounts.factories import UserFactory
from tests.reviews.factories import review_row

pytestmark = pytest.mark.django_db


def test_the_admin_lists_reviews_read_only_in_bounded_queries(client, django_assert_max_num_queries):
    for _ in range(15):
        review_row(status=Review.Status.APPROVED)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:reviews_review_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 15
    review = Review.objects.first()
    detail = client.get(reverse("admin:reviews_review_change", args=[review.pk]))
    assert detail.status_code == 200
    assert client.get(reverse("admin:reviews_review_add")).status_code == 403
