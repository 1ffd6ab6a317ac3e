from decimal import Decimal

import pytest

from core.actor import Actor, PermissionMissing
from orders.models import Order
from storefront.catalog.models import Product
from storefront.reviews.exceptions import (
    RejectionReasonMissing,
    ReviewAlreadyModerated,
    ReviewDecisionNotAllowed,
    ReviewNotAllowed,
    ReviewTextInvalid,
)
from storefront.reviews.models import Review, ReviewEvent
from storefront.reviews.services import review_approve, review_reject, review_submit
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.returns.factories import delivered_order
from tests.reviews.factories import MODERATOR, received_line, review_row

pytestmark = pytest.mark.django_db


def submit(customer, product, **fields):
    values = {"rating": 4, "title": "Gostei", "comment": "Bonito e resistente."} | fields
    return review_submit(customer=customer, product_id=product.pk, **values)


# Eligibility


def test_a_customer_reviews_a_product_delivered_to_them(customer, django_capture_on_commit_callbacks):
    # given an order of theirs that went through payment, picking, packing and delivery
    order = delivered_order(django_capture_on_commit_callbacks, customer=customer)
    product = order.lines.get().variant.product
    # when
    review = submit(customer, product, rating=5)
    # then
    assert (review.status, review.rating, review.order_line_id) == (
        Review.Status.PENDING,
        5,
        order.lines.get().pk,
    )


@pytest.mark.parametrize("status", [Order.Status.DELIVERED, Order.Status.COMPLETED])
def test_delivered_and_completed_orders_make_a_product_reviewable(customer, status):
    line = received_line(customer=customer, status=status)
    assert submit(customer, line.variant.product).pk


@pytest.mark.parametrize(
    "status", [Order.Status.PAID, Order.Status.SHIPPED, Order.Status.CANCELLED, Order.Status.AWAITING_PAYMENT]
)
def test_an_order_not_yet_received_does_not_make_a_product_reviewable(customer, status):
    line = received_line(customer=customer, status=status)
    with pytest.raises(ReviewNotAllowed):
        submit(customer, line.variant.product)
    assert not Review.objects.exists()


def test_a_customer_cannot_review_what_someone_else_received(customer):
    line = received_line(customer=UserFactory())
    with pytest.raises(ReviewNotAllowed):
        submit(customer, line.variant.product)
    assert not Review.objects.exists()


def test_any_variant_of_the_product_counts_as_receiving_it(customer):
    product = ProductFactory()
    line = received_line(customer=customer, product=product)
    assert submit(customer, line.variant.product).product_id == product.pk


# Once per product, editable while pending


def test_a_second_review_of_the_same_product_changes_the_pending_one(customer):
    product = received_line(customer=customer).variant.product
    first = submit(customer, product, rating=2, title="Regular")
    second = submit(customer, product, rating=4, title="Melhorou")
    assert second.pk == first.pk
    assert Review.objects.filter(product=product, customer=customer).count() == 1
    assert (second.rating, second.title) == (4, "Melhorou")


def test_two_deliveries_of_the_same_product_still_give_one_review(customer):
    product = ProductFactory()
    received_line(customer=customer, product=product)
    received_line(customer=customer, product=product)
    submit(customer, product)
    submit(customer, product, title="De novo")
    assert Review.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize("status", [Review.Status.APPROVED, Review.Status.REJECTED])
def test_a_moderated_review_can_no_longer_be_changed(customer, status):
    review = review_row(customer=customer, status=status, title="Original")
    with pytest.raises(ReviewAlreadyModerated):
        submit(customer, review.product, title="Mudei")
    review.refresh_from_db()
    assert review.title == "Original"


# Text


@pytest.mark.parametrize(
    "fields",
    [
        {"rating": 0},
        {"rating": 6},
        {"title": "   "},
        {"comment": "\n\t "},
        {"title": "x" * 81},
        {"comment": "x" * 2001},
    ],
)
def test_bad_text_or_rating_is_refused_and_nothing_is_written(customer, fields):
    product = received_line(customer=customer).variant.product
    with pytest.raises(ReviewTextInvalid):
        submit(customer, product, **fields)
    assert not Review.objects.exists()


def test_text_is_kept_as_typed_without_surrounding_spaces(customer):
    product = received_line(customer=customer).variant.product
    review = submit(customer, product, title="  <b>Ótimo</b> ", comment=" <script>alert(1)</script> ")
    assert (review.title, review.comment) == ("<b>Ótimo</b>", "<script>alert(1)</script>")


# Moderation


def product_row(product) -> Product:
    return Product.objects.get(pk=product.pk)


def test_approving_reviews_updates_the_products_average_and_count(django_capture_on_commit_callbacks):
    product = ProductFactory()
    first = review_row(product=product, rating=5)
    second = review_row(product=product, rating=2)
    review_row(product=product, rating=1)  # still waiting: not counted
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review_approve(review_id=first.pk, actor=MODERATOR)
    assert callbacks  # the cached pages are dropped once it commits
    assert (product_row(product).rating_average, product_row(product).rating_count) == (Decimal("5.00"), 1)
    review_approve(review_id=second.pk, actor=MODERATOR)
    assert (product_row(product).rating_average, product_row(product).rating_count) == (Decimal("3.50"), 2)


def test_the_average_is_rounded_half_up_to_two_places():
    product = ProductFactory()
    for rating in (5, 5, 4):
        review_row(product=product, rating=rating, status=Review.Status.APPROVED)
    assert product_row(product).rating_average == Decimal("4.67")


def test_taking_down_a_published_review_removes_it_from_the_average():
    product = ProductFactory()
    review_row(product=product, rating=5, status=Review.Status.APPROVED)
    bad = review_row(product=product, rating=1, status=Review.Status.APPROVED)
    assert product_row(product).rating_count == 2
    review_reject(review_id=bad.pk, actor=MODERATOR, reason="Ofensivo.")
    assert (product_row(product).rating_average, product_row(product).rating_count) == (Decimal("5.00"), 1)


def test_rejecting_keeps_the_reason_and_an_event_with_the_moderator(make_staff):
    from backoffice.roles import Role

    agent = make_staff(Role.SUPPORT_AGENT)
    review = review_row()
    review_reject(review_id=review.pk, actor=Actor.staff(agent), reason="  Traz um telefone.  ")
    review.refresh_from_db()
    assert (review.status, review.rejection_reason) == (Review.Status.REJECTED, "Traz um telefone.")
    event = ReviewEvent.objects.get(review=review)
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        Review.Status.PENDING,
        Review.Status.REJECTED,
        f"staff:{agent.email}",
        "Traz um telefone.",
    )
    assert product_row(review.product).rating_count == 0


def test_rejecting_without_a_reason_is_refused_and_changes_nothing():
    review = review_row()
    with pytest.raises(RejectionReasonMissing):
        review_reject(review_id=review.pk, actor=MODERATOR, reason="   ")
    review.refresh_from_db()
    assert review.status == Review.Status.PENDING
    assert not ReviewEvent.objects.exists()


def test_approving_twice_is_refused():
    review = review_row(status=Review.Status.APPROVED)
    with pytest.raises(ReviewDecisionNotAllowed):
        review_approve(review_id=review.pk, actor=MODERATOR)
    assert ReviewEvent.objects.filter(review=review).count() == 1


def test_staff_without_the_moderation_permission_cannot_decide(make_staff):
    from backoffice.roles import Role

    review = review_row()
    with pytest.raises(PermissionMissing):
        review_approve(review_id=review.pk, actor=Actor.staff(make_staff(Role.WAREHOUSE)))
    review.refresh_from_db()
    assert review.status == Review.Status.PENDING
    assert product_row(review.product).rating_count == 0


def test_a_customer_actor_cannot_moderate(customer):
    review = review_row()
    with pytest.raises(PermissionMissing):
        review_approve(review_id=review.pk, actor=Actor.customer(customer))
