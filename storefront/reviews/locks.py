from core.locks import for_update
from storefront.catalog.models import Product
from storefront.reviews.models import Review


def lock_product_for_rating(product_id: int) -> Product:
    """The product row whose rating a moderation recomputes: held so that two decisions on
    reviews of the same product count each other's result."""
    return for_update(Product.objects.filter(pk=product_id).only("pk")).get()


def lock_review(review_id: int) -> Review:
    return for_update(Review.objects.filter(pk=review_id)).get()
