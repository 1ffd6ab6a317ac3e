"""Reads of product reviews shaped for the pages: the product page's summary and first
reviews, the paginated list, what a customer may review, and the moderation queue."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.http import Http404

from orders.models import Order, OrderLine
from storefront.catalog.models import Product
from storefront.reviews.models import RATING_MAX, RATING_MIN, Review

# Orders whose products their customer has received, and so may review.
REVIEWABLE_ORDER_STATUSES = (Order.Status.DELIVERED, Order.Status.COMPLETED)
PRODUCT_PAGE_REVIEWS = 5
# What `product_review_summary` reads when the product has published reviews: the
# distribution of stars and the first reviews (none when it has none).
PRODUCT_REVIEW_SUMMARY_QUERIES = 2


@dataclass(frozen=True)
class StarCount:
    stars: int
    count: int
    percent: int


@dataclass(frozen=True)
class ReviewSummary:
    """What a product page shows of its reviews; average and count come from the product row."""

    average: Decimal = Decimal("0.00")
    count: int = 0
    distribution: list[StarCount] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.count > len(self.reviews)


def _published(product: Product) -> QuerySet[Review]:
    return (
        Review.objects.filter(product=product, status=Review.Status.APPROVED)
        .select_related("customer")
        .only("rating", "title", "comment", "moderated_at", "created_at", "product_id", "customer__full_name")
        .order_by("-moderated_at", "-pk")
    )


def product_review_summary(*, product: Product, limit: int = PRODUCT_PAGE_REVIEWS) -> ReviewSummary:
    """The average, count and distribution of a product's published reviews, and the newest
    `limit` of them. Reads nothing for a product without published reviews."""
    if not product.rating_count:
        return ReviewSummary()
    counts = dict(
        Review.objects.filter(product=product, status=Review.Status.APPROVED)
        .values("rating")
        .annotate(total=Count("pk"))
        .order_by()
        .values_list("rating", "total")
    )
    total = sum(counts.values()) or 1
    distribution = [
        StarCount(stars=stars, count=counts.get(stars, 0), percent=round(100 * counts.get(stars, 0) / total))
        for stars in range(RATING_MAX, RATING_MIN - 1, -1)
    ]
    return ReviewSummary(
        average=product.rating_average,
        count=product.rating_count,
        distribution=distribution,
        reviews=list(_published(product)[:limit]),
    )


def review_list_for_product(*, product: Product) -> QuerySet[Review]:
    """A product's published reviews, newest first (paginate it)."""
    return _published(product)


def product_get_for_reviews(*, slug: str) -> Product:
    """A published product, with what the review pages show of it."""
    product = (
        Product.objects.published()
        .select_related("main_image")
        .defer("description", "search_text", "search_vector")
        .filter(slug=slug)
        .first()
    )
    if product is None:
        raise Http404("No such product.")
    return product


def review_line_for_customer(*, customer, product_id: int) -> int | None:
    """The id of the latest line of `product_id` in a delivered or completed order of the
    customer's: the proof they received it. None when they did not."""
    return (
        OrderLine.objects.filter(
            order__customer=customer,
            order__status__in=REVIEWABLE_ORDER_STATUSES,
            variant__product_id=product_id,
        )
        .order_by("-order__placed_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def review_get_for_customer(*, customer, product_id: int) -> Review | None:
    return Review.objects.filter(customer=customer, product_id=product_id).first()


@dataclass(frozen=True)
class ReviewItem:
    """A product of a received order, and the customer's review of it if any."""

    product: Product
    review: Review | None


def order_review_items(*, customer, number: str) -> tuple[Order, list[ReviewItem]]:
    """The customer's order and its products, each with the customer's review, for the page
    where they review what they received. Another customer's order is not found."""
    order = (
        Order.objects.filter(customer=customer, number=number).only("number", "status", "customer_id").first()
    )
    if order is None:
        raise Http404("No such order.")
    if order.status not in REVIEWABLE_ORDER_STATUSES:
        return order, []
    products = list(
        Product.objects.filter(variants__order_lines__order=order)
        .select_related("main_image")
        .defer("description", "search_text", "search_vector")
        .distinct()
        .order_by("name", "pk")
    )
    reviews = {
        review.product_id: review
        for review in Review.objects.filter(
            customer=customer, product__in=[product.pk for product in products]
        )
    }
    return order, [ReviewItem(product=product, review=reviews.get(product.pk)) for product in products]


def review_list_for_moderation(*, status: str) -> QuerySet[Review]:
    """Reviews in one status for the moderation screen: the waiting ones oldest first, the
    decided ones latest decision first, each with its product, author and order."""
    reviews = (
        Review.objects.filter(status=status)
        .select_related("product", "customer", "order_line__order")
        .only(
            "rating",
            "title",
            "comment",
            "status",
            "rejection_reason",
            "created_at",
            "moderated_at",
            "product__name",
            "product__slug",
            "customer__full_name",
            "customer__email",
            "order_line__order__number",
        )
    )
    if status == Review.Status.PENDING:
        return reviews.order_by("created_at", "pk")
    return reviews.order_by("-moderated_at", "-pk")


def review_count_pending() -> int:
    """How many reviews wait for moderation (read from the status index)."""
    return Review.objects.filter(status=Review.Status.PENDING).count()
