"""Product reviews: a customer who received a product rates it from 1 to 5 with a title and a
comment, once per product; staff approve or reject it, and only approved reviews are shown
and counted in the product's average (kept on the product row for listings to sort by)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel

RATING_MIN = 1
RATING_MAX = 5
TITLE_MAX_LENGTH = 80
COMMENT_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 300


class Review(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("review status", "Waiting for moderation")
        APPROVED = "approved", pgettext_lazy("review status", "Published")
        REJECTED = "rejected", pgettext_lazy("review status", "Rejected")

    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="reviews"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="reviews"
    )
    # The line that proves the purchase: a delivered order of the customer's.
    order_line = models.ForeignKey(
        "orders.OrderLine", verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True, editable=False)
    rejection_reason = models.CharField(
        _("reason for rejecting"), max_length=REASON_MAX_LENGTH, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "customer"], name="review_once_per_product"),
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX), name="review_rating_1_to_5"
            ),
            models.CheckConstraint(condition=~Q(title="") & ~Q(comment=""), name="review_text_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), COMMENT_MAX_LENGTH), name="review_comment_length"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="review_rejection_has_reason"
            ),
        ]
        indexes = [
            # The product page's reviews, newest published first.
            models.Index(
                fields=["product", "-moderated_at", "-id"],
                name="review_product_published_idx",
                condition=Q(status="approved"),
            ),
            # The moderation queue, oldest first.
            models.Index(fields=["status", "created_at", "id"], name="review_status_idx"),
        ]
        permissions = [("moderate_review", _("Can approve or reject product reviews"))]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.rating}/5 ({self.status})"

    @property
    def author_name(self) -> str:
        """How the page signs a review: first name and the initial of the last ("Ana S.")."""
        parts = (self.customer.full_name or "").split()
        if not parts:
            return str(_("Customer"))
        return f"{parts[0]} {parts[-1][0]}." if len(parts) > 1 else parts[0]

    @property
    def is_editable(self) -> bool:
        return self.status == Review.Status.PENDING


# Every allowed move of a review; `review_approve` and `review_reject` refuse anything else.
# A published review may still be taken down, and a rejected one reconsidered.
REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    Review.Status.PENDING: frozenset({Review.Status.APPROVED, Review.Status.REJECTED}),
    Review.Status.APPROVED: frozenset({Review.Status.REJECTED}),
    Review.Status.REJECTED: frozenset({Review.Status.APPROVED}),
}


class ReviewEvent(models.Model):
    """A moderation decision on a review: who, when, from which status to which, and why. Never edited."""

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Review.Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Review.Status.choices)
    actor = models.CharField(_("by"), max_length=200)
    note = models.CharField(_("note"), max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["review_id", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.from_status} → {self.to_status}"
