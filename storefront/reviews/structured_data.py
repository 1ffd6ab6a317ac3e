"""The schema.org Product a product page carries for search engines, as JSON-LD: name,
pictures, SKU, brand, description, the offer in reais with its availability, and the rating
with a few reviews when there are published ones."""

import json
from decimal import Decimal

from django.http import HttpRequest
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from storefront.catalog.models import Product
from storefront.catalog.selectors import VariantPicker
from storefront.reviews.models import RATING_MAX, RATING_MIN
from storefront.reviews.selectors import ReviewSummary

STRUCTURED_DATA_REVIEWS = 3
DESCRIPTION_MAX_LENGTH = 500
IN_STOCK = "https://schema.org/InStock"
OUT_OF_STOCK = "https://schema.org/OutOfStock"
# Inside a <script> element only "</script>" (or "<!--") could end it early: written as
# escapes, no text of a product or a review can close the element or open markup.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _price(value: Decimal) -> str:
    return f"{value:.2f}"


def _offers(*, product: Product, picker: VariantPicker, url: str) -> dict:
    variants = product.active_variants
    is_available = any(variant.is_available for variant in variants)
    availability = IN_STOCK if is_available else OUT_OF_STOCK
    prices = sorted({variant.price for variant in variants})
    if len(prices) > 1:
        return {
            "@type": "AggregateOffer",
            "priceCurrency": "BRL",
            "lowPrice": _price(prices[0]),
            "highPrice": _price(prices[-1]),
            "offerCount": len(variants),
            "availability": availability,
            "url": url,
        }
    return {
        "@type": "Offer",
        "priceCurrency": "BRL",
        "price": _price(prices[0]),
        "availability": availability,
        "itemCondition": "https://schema.org/NewCondition",
        "url": url,
    }


def _rating(value) -> dict:
    return {"@type": "Rating", "ratingValue": value, "bestRating": RATING_MAX, "worstRating": RATING_MIN}


def product_structured_data(
    *, request: HttpRequest, product: Product, picker: VariantPicker, summary: ReviewSummary | None
) -> dict:
    """The Product object, from what the product page already read (no query)."""
    url = request.build_absolute_uri(product.get_absolute_url())
    description = " ".join(strip_tags(product.seo_description or product.description).split())
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "description": description[:DESCRIPTION_MAX_LENGTH],
    }
    images = [request.build_absolute_uri(image.rendition("large")["url"]) for image in product.gallery]
    if images:
        data["image"] = images
    if picker.default is not None:
        data["sku"] = picker.default.sku
    if product.brand is not None:
        data["brand"] = {"@type": "Brand", "name": product.brand.name}
    if product.active_variants:
        data["offers"] = _offers(product=product, picker=picker, url=url)
    if summary is not None and summary.count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": _price(summary.average),
            "reviewCount": summary.count,
            "bestRating": RATING_MAX,
            "worstRating": RATING_MIN,
        }
        data["review"] = [
            {
                "@type": "Review",
                "author": {"@type": "Person", "name": review.author_name},
                "datePublished": (review.moderated_at or review.created_at).date().isoformat(),
                "name": review.title,
                "reviewBody": review.comment,
                "reviewRating": _rating(review.rating),
            }
            for review in summary.reviews[:STRUCTURED_DATA_REVIEWS]
        ]
    return data


def json_ld(data: dict) -> SafeString:
    """`data` as a JSON-LD script element, escaped so that its text cannot end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    # Safe: the JSON's <, > and & are escaped above, so no text in it can end the element.
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308  # nosec B308 B703
