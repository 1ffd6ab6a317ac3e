from decimal import Decimal

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from storefront.catalog.cache import catalog_cached_many
from storefront.catalog.models import Product, ProductImage
from storefront.catalog.pricing import PriceOffer, price_policy
from storefront.catalog.pricing import price_offer as make_price_offer

register = template.Library()


@register.inclusion_tag("catalog/_image.html")
def product_image(
    image: ProductImage | None, size: str, alt: str = "", css_class: str = "", eager: bool = False
):
    """An <img> of a product picture in one of the rendition sizes, with its real width and
    height and lazy loading; a neutral placeholder when the product has no picture."""
    rendition = image.rendition(size) if image else None
    return {
        "rendition": rendition,
        "alt": (image.alt_text if image and image.alt_text else alt),
        "css_class": css_class,
        "eager": eager,
    }


@register.simple_tag(takes_context=True)
def product_cards(context, products) -> list[SafeString]:
    """The cards of `products`, each drawn once per catalog version and language: the same
    for every shopper, they are kept with the cached catalog and read in one round trip."""
    products: list[Product] = list(products)
    request = context.get("request")
    return catalog_cached_many(
        # The row's last change in the key too: a card never outlives its product's row.
        [f"card:{get_language()}:{product.pk}:{product.updated_at.timestamp()}" for product in products],
        lambda indexes: [
            render_to_string("catalog/_product_card.html", {"product": products[index]}) for index in indexes
        ],
        version=getattr(request, "catalog_version", None),
    )


@register.simple_tag(takes_context=True)
def filter_url(context, **changes) -> str:
    """The listing's query string with some parameters replaced (None removes them), page reset."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return f"?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def price_offer(context, price: Decimal, compare_at: Decimal | None = None) -> PriceOffer:
    """The shelf reading of a price (Pix price, instalments, what it was), with the price policy
    the page read once."""
    policy = context.get("price_policy") or price_policy()
    return make_price_offer(price, compare_at=compare_at, policy=policy)
