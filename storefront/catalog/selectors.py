import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Value
from django.http import Http404

from core.money import format_brl
from storefront.catalog.cache import catalog_cached
from storefront.catalog.models import (
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductImage,
    ProductRelation,
    Variant,
)
from storefront.catalog.pricing import price_offer, price_policy
from storefront.catalog.text import unaccent

HOME_LIMIT = 8
SEARCH_TERM_MAX_LENGTH = 100
# Trigram word similarity from which a misspelt word still finds a product ("camizeta").
TRIGRAM_THRESHOLD = 0.4


class Sort:
    RELEVANCE = "relevance"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NEWEST = "newest"
    BEST_SELLERS = "best_sellers"
    RATING = "rating"


# Each order has a matching partial index on Product (see its Meta).
ORDERINGS = {
    Sort.PRICE_ASC: ["price_from", "pk"],
    Sort.PRICE_DESC: ["-price_from", "-pk"],
    Sort.NEWEST: ["-published_at", "-pk"],
    Sort.BEST_SELLERS: ["-sales_count", "pk"],
    Sort.RATING: ["-rating_average", "-rating_count", "pk"],
}


@dataclass(frozen=True)
class ListingFilters:
    """What a shopper narrowed a listing to; values are already validated."""

    price_min: Decimal | None = None
    price_max: Decimal | None = None
    brand_slugs: tuple[str, ...] = ()
    attribute_values: dict[str, tuple[str, ...]] = field(default_factory=dict)  # attribute slug → value slugs
    in_stock: bool = False
    sort: str = Sort.RELEVANCE


@dataclass(frozen=True)
class Facets:
    brands: list[Brand]
    attributes: list[tuple[str, str, list[AttributeValue]]]  # (attribute slug, name, values)


# Categories


def category_list_for_navigation() -> QuerySet[Category]:
    return Category.objects.filter(parent__isnull=True)


def category_get(*, slug: str) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise Http404("No such category.")
    return category


def category_list_ancestors(*, category: Category) -> list[Category]:
    """The breadcrumb above a category, root first."""
    by_id = {ancestor.pk: ancestor for ancestor in Category.objects.filter(pk__in=category.ancestor_ids)}
    return [by_id[pk] for pk in category.ancestor_ids if pk in by_id]


def category_size_guide(*, categories: list[Category]) -> str:
    """The size guide of the nearest category that has one, of a breadcrumb read root first."""
    return next((category.size_guide for category in reversed(categories) if category.size_guide), "")


def category_list_children(*, category: Category) -> QuerySet[Category]:
    return Category.objects.filter(parent=category)


# Listings


def _card_fields(products: QuerySet[Product]) -> QuerySet[Product]:
    """What a product card draws: the row itself and its first picture."""
    return products.select_related("main_image").defer("description", "search_vector", "search_text")


def product_list_featured(*, limit: int = HOME_LIMIT) -> QuerySet[Product]:
    """The home page's featured products: never a sold-out one (read from its own index)."""
    products = (
        Product.objects.listed().filter(is_featured=True, in_stock=True).order_by(*ORDERINGS[Sort.NEWEST])
    )
    return _card_fields(products)[:limit]


def product_list_new_arrivals(*, limit: int = HOME_LIMIT) -> QuerySet[Product]:
    """The home page's newest products that can be bought now."""
    products = Product.objects.listed().filter(in_stock=True).order_by(*ORDERINGS[Sort.NEWEST])
    return _card_fields(products)[:limit]


def category_subtree_ids(*, category: Category) -> list[int]:
    """A category and all below it; kept in the cache until the catalog changes."""
    return catalog_cached(
        f"subtree:{category.pk}",
        lambda: list(Category.objects.filter(path__startswith=category.path).values_list("pk", flat=True)),
    )


def product_list_for_category(*, category: Category) -> QuerySet[Product]:
    """Published products of a category and all its subcategories."""
    return Product.objects.listed().filter(category_id__in=category_subtree_ids(category=category))


def product_search(*, term: str) -> QuerySet[Product]:
    """Published products matching `term`, annotated with `rank` (higher is better).

    PostgreSQL: Portuguese full text on accent-free text, ranked; when the words match
    nothing, trigram word similarity on name, brand and category, so that misspellings
    still find products. (Matching both at once would rank every trigram neighbour of a
    common word too: many times the work for the same first page.) SQLite: every word of
    the term appears in name, brand or category.
    """
    words = search_term_words(term)
    if not words:
        return Product.objects.none()
    cleaned = " ".join(words)
    products = Product.objects.listed()
    if connection.vendor != "postgresql":
        return _products_with_words(products, words).annotate(rank=Value(1.0))
    query = _full_text_query(cleaned)
    if product_search_has_words(term=term):
        return products.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    return products.filter(search_text__trigram_word_similar=cleaned).annotate(
        rank=TrigramWordSimilarity(cleaned, "search_text")
    )


def search_term_words(term: str) -> list[str]:
    """The words search compares: without accents, lower case, from a term of bounded length."""
    return unaccent(term)[:SEARCH_TERM_MAX_LENGTH].split()


def _full_text_query(cleaned: str) -> SearchQuery:
    return SearchQuery(cleaned, config="portuguese", search_type="websearch")


def _products_with_words(products: QuerySet[Product], words: list[str]) -> QuerySet[Product]:
    for word in words:
        products = products.filter(search_text__contains=word)
    return products


def product_search_has_words(*, term: str) -> bool:
    """Whether the words of `term`, as typed, find a listed product (typos not forgiven):
    kept in the cache until the catalog changes."""
    words = search_term_words(term)
    if not words:
        return False
    cleaned = " ".join(words)

    def exists() -> bool:
        if connection.vendor != "postgresql":
            return _products_with_words(Product.objects.listed(), words).exists()
        return Product.objects.listed().filter(search_vector=_full_text_query(cleaned)).exists()

    return catalog_cached(f"search-has-words:{hashlib.sha256(cleaned.encode()).hexdigest()}", exists)


def product_list_filtered(*, products: QuerySet[Product], filters: ListingFilters) -> QuerySet[Product]:
    """Narrow and sort a listing; attributes match within one attribute with OR, across with AND."""
    if filters.price_min is not None:
        products = products.filter(price_from__gte=filters.price_min)
    if filters.price_max is not None:
        products = products.filter(price_from__lte=filters.price_max)
    if filters.brand_slugs:
        products = products.filter(brand__slug__in=filters.brand_slugs)
    if filters.in_stock:
        products = products.filter(in_stock=True)
    for attribute_slug, value_slugs in filters.attribute_values.items():
        products = products.filter(
            Exists(
                Variant.objects.filter(
                    product=OuterRef("pk"),
                    is_active=True,
                    attribute_values__attribute__slug=attribute_slug,
                    attribute_values__slug__in=value_slugs,
                )
            )
        )
    if filters.sort in ORDERINGS:
        ordering = ORDERINGS[filters.sort]
    elif "rank" in products.query.annotations:
        ordering = ["-rank", "pk"]
    else:
        ordering = ORDERINGS[Sort.BEST_SELLERS]
    return _card_fields(products.order_by(*ordering))


def listing_facets(*, products: QuerySet[Product]) -> Facets:
    """The brands and attribute values present in a listing, for its filter sidebar."""
    product_ids = products.order_by().values("pk")
    brands = list(Brand.objects.filter(products__in=product_ids).distinct().order_by("name"))
    values = (
        AttributeValue.objects.filter(variants__product__in=product_ids, variants__is_active=True)
        .select_related("attribute")
        .distinct()
        .order_by("attribute__position", "attribute__name", "position", "value")
    )
    attributes: dict[str, tuple[str, str, list[AttributeValue]]] = {}
    for value in values:
        attributes.setdefault(value.attribute.slug, (value.attribute.slug, value.attribute.name, []))[
            2
        ].append(value)
    return Facets(brands=brands, attributes=list(attributes.values()))


# Product page


def product_get_for_page(*, slug: str) -> Product:
    """A published product with its brand, category, active variants and pictures."""
    variants = Variant.objects.filter(is_active=True).prefetch_related(
        Prefetch("attribute_values", queryset=AttributeValue.objects.select_related("attribute"))
    )
    product = (
        Product.objects.published()
        .select_related("category", "brand")
        .prefetch_related(
            Prefetch("variants", queryset=variants, to_attr="active_variants"),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"), to_attr="gallery"),
        )
        .filter(slug=slug)
        .first()
    )
    if product is None:
        raise Http404("No such product.")
    return product


def product_list_related(*, product: Product) -> list[Product]:
    """Products to show under a product's page, best first, read in one query."""
    relations = (
        ProductRelation.objects.filter(product=product, related__is_published=True)
        .select_related("related__main_image")
        .defer("related__description", "related__search_vector", "related__search_text")
        .order_by("position")
    )
    return [relation.related for relation in relations]


@dataclass(frozen=True)
class VariantPicker:
    """The choices a product page offers: each attribute's values, and every variant as
    plain data for the page's script (price shown in reais, availability, values chosen)."""

    attributes: list[tuple[str, list[AttributeValue]]]
    variants: list[dict]
    default: Variant | None


def product_variant_picker(*, product: Product) -> VariantPicker:
    """Build the picker from the prefetched `active_variants` of `product_get_for_page`."""
    attributes: dict[int, tuple[str, dict[int, AttributeValue]]] = {}
    for variant in product.active_variants:
        for value in variant.attribute_values.all():
            attributes.setdefault(value.attribute_id, (value.attribute.name, {}))[1][value.pk] = value
    ordered = sorted(attributes.values(), key=lambda item: item[0])
    picker_attributes = [
        (name, sorted(values.values(), key=lambda value: (value.position, value.value)))
        for name, values in ordered
    ]
    policy = price_policy()
    variants = []
    for variant in product.active_variants:
        offer = price_offer(variant.price, compare_at=variant.compare_at_price, policy=policy)
        variants.append(
            {
                "id": variant.pk,
                "sku": variant.sku,
                "price": format_brl(variant.price),
                "compare_at_price": format_brl(offer.compare_at) if offer.compare_at else "",
                "pix": offer.pix_label,
                "installments": offer.installments_label,
                "available": variant.is_available,
                "values": sorted(value.pk for value in variant.attribute_values.all()),
            }
        )
    default = next((v for v in product.active_variants if v.is_available), None) or next(
        iter(product.active_variants), None
    )
    return VariantPicker(attributes=picker_attributes, variants=variants, default=default)
