from decimal import Decimal

import pytest

from orders.models import Order
from storefront.catalog.models import Product
from storefront.reviews.models import Review
from storefront.reviews.selectors import (
    order_review_items,
    product_review_summary,
    review_count_pending,
    review_line_for_customer,
    review_list_for_moderation,
    review_list_for_product,
)
from tests.catalog.factories import ProductFactory
from tests.reviews.factories import received_line, review_row

pytestmark = pytest.mark.django_db


def test_the_summary_of_a_product_without_reviews_reads_nothing(django_assert_num_queries):
    product = ProductFactory()
    with django_assert_num_queries(0):
        summary = product_review_summary(product=product)
    assert (summary.count, summary.reviews, summary.distribution) == (0, [], [])


def test_the_summary_counts_only_published_reviews_by_stars(django_assert_num_queries):
    product = ProductFactory()
    for rating in (5, 5, 4, 1):
        review_row(product=product, rating=rating, status=Review.Status.APPROVED)
    review_row(product=product, rating=3)  # waiting
    review_row(product=product, rating=2, status=Review.Status.REJECTED)
    product = Product.objects.get(pk=product.pk)
    with django_assert_num_queries(2):
        summary = product_review_summary(product=product)
        authors = [review.author_name for review in summary.reviews]
    assert (summary.average, summary.count) == (Decimal("3.75"), 4)
    assert [(row.stars, row.count, row.percent) for row in summary.distribution] == [
        (5, 2, 50),
        (4, 1, 25),
        (3, 0, 0),
        (2, 0, 0),
        (1, 1, 25),
    ]
    assert len(authors) == 4
    assert not summary.has_more


def test_the_summary_shows_the_newest_published_reviews_first_and_says_there_are_more():
    product = ProductFactory()
    titles = [f"Avaliação {number}" for number in range(7)]
    for title in titles:
        review_row(product=product, title=title, status=Review.Status.APPROVED)
    summary = product_review_summary(product=Product.objects.get(pk=product.pk))
    assert [review.title for review in summary.reviews] == titles[::-1][:5]
    assert summary.has_more


def test_the_product_list_holds_only_published_reviews():
    product = ProductFactory()
    published = review_row(product=product, status=Review.Status.APPROVED)
    review_row(product=product)
    review_row(product=product, status=Review.Status.REJECTED)
    assert list(review_list_for_product(product=product)) == [published]


def test_reviews_are_signed_with_first_name_and_initial():
    review = review_row()
    review.customer.full_name = "Maria da Silva Souza"
    assert review.author_name == "Maria S."


def test_the_line_proving_a_purchase_is_the_latest_delivered_one(customer):
    product = ProductFactory()
    received_line(customer=customer, product=product, status=Order.Status.CANCELLED)
    older = received_line(customer=customer, product=product)
    assert review_line_for_customer(customer=customer, product_id=product.pk) == older.pk
    assert review_line_for_customer(customer=customer, product_id=ProductFactory().pk) is None


def test_an_orders_products_come_with_the_customers_review(customer):
    line = received_line(customer=customer)
    other = ProductFactory(name="Outro")
    line.order.lines.create(
        variant=other.variants.get(),
        product_name="Outro",
        sku=other.variants.get().sku,
        unit_price=Decimal("10.00"),
        quantity=1,
        line_total=Decimal("10.00"),
    )
    review = Review.objects.create(
        product=other, customer=customer, order_line=line, rating=3, title="Ok", comment="Ok."
    )
    _order, items = order_review_items(customer=customer, number=line.order.number)
    assert {item.product.pk: item.review for item in items} == {
        line.variant.product_id: None,
        other.pk: review,
    }


def test_an_order_not_yet_delivered_has_nothing_to_review(customer):
    line = received_line(customer=customer, status=Order.Status.SHIPPED)
    _order, items = order_review_items(customer=customer, number=line.order.number)
    assert items == []


def test_the_moderation_queue_lists_waiting_reviews_oldest_first():
    first, second = review_row(), review_row()
    review_row(status=Review.Status.APPROVED)
    assert list(review_list_for_moderation(status=Review.Status.PENDING)) == [first, second]
    assert review_count_pending() == 2
