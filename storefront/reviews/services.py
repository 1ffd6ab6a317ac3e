"""Writing product reviews and moderating them. A customer reviews a product they received,
once, and may change the review until staff decide on it; a decision recomputes the
product's average rating and count from its published reviews and drops the cached pages."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone

from core.actor import Actor
from core.locks import for_update
from core.transitions import status_move
from storefront.catalog.cache import catalog_changed
from storefront.catalog.models import Product
from storefront.reviews.exceptions import (
    RejectionReasonMissing,
    ReviewAlreadyModerated,
    ReviewDecisionNotAllowed,
    ReviewNotAllowed,
    ReviewTextInvalid,
)
from storefront.reviews.locks import lock_product_for_rating, lock_review
from storefront.reviews.models import (
    COMMENT_MAX_LENGTH,
    RATING_MAX,
    RATING_MIN,
    REASON_MAX_LENGTH,
    REVIEW_TRANSITIONS,
    TITLE_MAX_LENGTH,
    Review,
    ReviewEvent,
)
from storefront.reviews.selectors import review_line_for_customer

MODERATE_PERMISSION = "reviews.moderate_review"


def _text_checked(*, rating: int, title: str, comment: str) -> tuple[str, str]:
    """The title and comment stripped; ReviewTextInvalid when anything is missing or too long
    (forms say it first, field by field: this guards every other caller)."""
    title, comment = title.strip(), comment.strip()
    if (
        not RATING_MIN <= rating <= RATING_MAX
        or not title
        or not comment
        or len(title) > TITLE_MAX_LENGTH
        or len(comment) > COMMENT_MAX_LENGTH
    ):
        raise ReviewTextInvalid()
    return title, comment


def _own_review_locked(*, customer, product_id: int) -> Review | None:
    return for_update(Review.objects.filter(customer=customer, product_id=product_id)).first()


@transaction.atomic
def review_submit(*, customer, product_id: int, rating: int, title: str, comment: str) -> Review:
    """Write the customer's review of a product, or change it while it waits for moderation.

    Raises ReviewTextInvalid (rating out of 1-5, empty or too long text), ReviewNotAllowed
    (no delivered or completed order of theirs holds the product) and ReviewAlreadyModerated
    (their review of it was already approved or rejected). Changes nothing when it raises.
    """
    title, comment = _text_checked(rating=rating, title=title, comment=comment)
    line_id = review_line_for_customer(customer=customer, product_id=product_id)
    if line_id is None:
        raise ReviewNotAllowed()
    review = _own_review_locked(customer=customer, product_id=product_id)
    if review is None:
        try:
            with transaction.atomic():
                return Review.objects.create(
                    product_id=product_id,
                    customer=customer,
                    order_line_id=line_id,
                    rating=rating,
                    title=title,
                    comment=comment,
                )
        except IntegrityError:
            # The same customer's other request wrote it first: change that one instead.
            review = _own_review_locked(customer=customer, product_id=product_id)
    if not review.is_editable:
        raise ReviewAlreadyModerated()
    review.rating, review.title, review.comment = rating, title, comment
    review.save(update_fields=["rating", "title", "comment", "updated_at"])
    return review


def product_rating_refresh(*, product_id: int) -> tuple[Decimal, int]:
    """Recompute a product's average rating and review count from its published reviews and
    keep them on the product row. Caller holds the product's lock (`lock_product_for_rating`)
    inside a transaction, so concurrent decisions on its reviews count each other's."""
    totals = Review.objects.filter(product_id=product_id, status=Review.Status.APPROVED).aggregate(
        average=Avg("rating"), count=Count("pk")
    )
    average = Decimal(str(totals["average"] or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    Product.objects.filter(pk=product_id).update(rating_average=average, rating_count=totals["count"])
    return average, totals["count"]


@transaction.atomic
def _review_decide(*, review_id: int, to: str, actor: Actor, reason: str = "") -> Review:
    actor.require_perm(MODERATE_PERMISSION)
    product_id = Review.objects.filter(pk=review_id).values_list("product_id", flat=True).get()
    lock_product_for_rating(product_id)
    review = lock_review(review_id)
    from_status = review.status
    status_move(
        row=review,
        to=to,
        transitions=REVIEW_TRANSITIONS,
        refused=ReviewDecisionNotAllowed(),
        moderated_at=timezone.now(),
        rejection_reason=reason,
    )
    ReviewEvent.objects.create(
        review=review, from_status=from_status, to_status=to, actor=actor.label, note=reason
    )
    if Review.Status.APPROVED in (from_status, to):
        product_rating_refresh(product_id=product_id)
        catalog_changed()  # the product page, and listings sorted by rating, show it
    return review


def review_approve(*, review_id: int, actor: Actor) -> Review:
    """Publish a review (waiting, or rejected before) and count it in its product's rating.

    Raises PermissionMissing (the actor may not moderate) and ReviewDecisionNotAllowed (it is
    already published)."""
    return _review_decide(review_id=review_id, to=Review.Status.APPROVED, actor=actor)


def review_reject(*, review_id: int, actor: Actor, reason: str) -> Review:
    """Refuse a review (waiting, or taking down a published one) with the reason its author
    is shown; a published one leaves its product's rating.

    Raises RejectionReasonMissing, PermissionMissing and ReviewDecisionNotAllowed (it is
    already rejected)."""
    reason = reason.strip()[:REASON_MAX_LENGTH]
    if not reason:
        raise RejectionReasonMissing()
    return _review_decide(review_id=review_id, to=Review.Status.REJECTED, actor=actor, reason=reason)
