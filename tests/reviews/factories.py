"""Reviews test data: order lines that prove a customer received a product, and reviews
written on them, decided through the moderation services so products carry their rating."""

from decimal import Decimal

from core.actor import Actor
from orders.models import Order, OrderLine
from storefront.reviews.models import Review
from storefront.reviews.services import review_approve, review_reject
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.orders.factories import OrderFactory

MODERATOR = Actor.job("test")


def received_line(*, customer, product=None, status: str = Order.Status.DELIVERED) -> OrderLine:
    """A line of `product` (a new one by default) in an order of `customer` in `status`."""
    variant = (product or ProductFactory()).variants.first()
    order = OrderFactory(customer=customer, status=status)
    return order.lines.create(
        variant=variant,
        product_name=variant.product.name,
        sku=variant.sku,
        unit_price=Decimal("100.00"),
        quantity=1,
        line_total=Decimal("100.00"),
    )


def review_row(
    *,
    product=None,
    customer=None,
    rating: int = 5,
    title: str = "Muito bom",
    comment: str = "Chegou rápido e funciona bem.",
    status: str = Review.Status.PENDING,
) -> Review:
    """A review as a customer who received the product wrote it, then published or rejected
    by the moderation services when `status` says so."""
    customer = customer or UserFactory()
    line = received_line(customer=customer, product=product)
    review = Review.objects.create(
        product=line.variant.product,
        customer=customer,
        order_line=line,
        rating=rating,
        title=title,
        comment=comment,
    )
    if status == Review.Status.APPROVED:
        review = review_approve(review_id=review.pk, actor=MODERATOR)
    elif status == Review.Status.REJECTED:
        review = review_reject(review_id=review.pk, actor=MODERATOR, reason="Fora do tema.")
    return review
