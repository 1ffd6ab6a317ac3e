from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier

import pytest
from django.db import connection

from storefront.catalog.models import Product
from storefront.reviews.models import Review
from storefront.reviews.services import review_approve, review_submit
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.reviews.factories import MODERATOR, received_line, review_row

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_reviews_of_one_product_approved_at_once_are_all_counted():
    product = ProductFactory()
    reviews = [review_row(product=product, rating=rating) for rating in (5, 4, 3, 2)]
    barrier = Barrier(len(reviews))

    def approve(review: Review) -> None:
        barrier.wait()
        try:
            review_approve(review_id=review.pk, actor=MODERATOR)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(reviews)) as pool:
        list(pool.map(approve, reviews))

    product = Product.objects.get(pk=product.pk)
    assert (product.rating_count, product.rating_average) == (4, Decimal("3.50"))


def test_one_customer_sending_the_same_review_twice_at_once_keeps_one():
    customer = UserFactory()
    product = received_line(customer=customer).variant.product
    racers = 3
    barrier = Barrier(racers)

    def submit(index: int) -> int:
        barrier.wait()
        try:
            return review_submit(
                customer=customer, product_id=product.pk, rating=index + 1, title="Boa", comment="Gostei."
            ).pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=racers) as pool:
        ids = set(pool.map(submit, range(racers)))

    assert len(ids) == 1
    assert Review.objects.filter(customer=customer, product=product).count() == 1
