"""Products and variants: what listings, search and the product page read."""

from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Exists, F, Func, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from storefront.catalog.cache import catalog_changed
from storefront.catalog.locks import lock_products
from storefront.catalog.models import (
    AttributeValue,
    Brand,
    Category,
    Product,
    StockAlert,
    Variant,
)
from storefront.catalog.services.search import search_words_add
from storefront.catalog.tasks import stock_alerts_notify as stock_alerts_notify_task
from storefront.catalog.text import clean_description, unaccent

# Products


@transaction.atomic
def product_save(*, product: Product) -> Product:
    """Validate and save a product: clean its description, stamp its first publication,
    and refresh what search reads."""
    product.description = clean_description(product.description)
    if product.is_published and product.published_at is None:
        product.published_at = timezone.now()
    product.full_clean(exclude=["main_image"])
    product.save()
    product_refresh_search(product_ids=[product.pk])
    catalog_changed()
    return product


def product_upsert(
    *,
    slug: str,
    category: Category,
    name: str,
    brand: Brand | None = None,
    description: str = "",
    is_published: bool = True,
    is_featured: bool = False,
) -> Product:
    """Create the product with this slug, or bring the existing one up to date."""
    product = Product.objects.filter(slug=slug).first() or Product(slug=slug)
    product.category, product.brand, product.name, product.description = category, brand, name, description
    product.is_published, product.is_featured = is_published, is_featured
    return product_save(product=product)


@transaction.atomic
def products_set_published(*, product_ids: Iterable[int], is_published: bool) -> int:
    """Publish or unpublish many products at once; return how many changed."""
    product_ids = list(product_ids)
    products = Product.objects.filter(pk__in=product_ids).exclude(is_published=is_published)
    changed = products.update(is_published=is_published, updated_at=timezone.now())
    if is_published:
        Product.objects.filter(pk__in=list(product_ids), published_at__isnull=True).update(
            published_at=timezone.now()
        )
    catalog_changed()
    return changed


def product_refresh_summary(*, product_ids: Iterable[int]) -> None:
    """Recompute what listings read from the variants: lowest price, its compare-at price,
    and whether any variant can be sold online now."""
    sellable = Variant.objects.filter(product=OuterRef("pk"), is_active=True)
    cheapest = sellable.order_by("price", "pk")
    Product.objects.filter(pk__in=list(product_ids)).update(
        price_from=Subquery(sellable.values("product").annotate(low=Min("price")).values("low")[:1]),
        compare_at_from=Subquery(cheapest.values("compare_at_price")[:1]),
        in_stock=Exists(sellable.filter(stock_online__gt=0)),
        updated_at=timezone.now(),
    )


def product_refresh_search(*, product_ids: Iterable[int]) -> None:
    """Rebuild the search text (for typo-tolerant matching) and, on PostgreSQL, the
    weighted full-text vector: name, then brand and category, then description."""
    product_ids = list(product_ids)
    products = list(Product.objects.filter(pk__in=product_ids).select_related("brand", "category"))
    for product in products:
        product.search_text = product_search_text(product)
    Product.objects.bulk_update(products, ["search_text"], batch_size=1000)
    search_words_add(texts=[product.search_text for product in products])
    if connection.vendor != "postgresql":
        return

    def unaccented(expression):
        return Func(expression, function="unaccent")

    brand_name = Subquery(Brand.objects.filter(pk=OuterRef("brand_id")).values("name")[:1])
    category_name = Subquery(Category.objects.filter(pk=OuterRef("category_id")).values("name")[:1])
    Product.objects.filter(pk__in=product_ids).update(
        search_vector=SearchVector(unaccented(F("name")), weight="A", config="portuguese")
        + SearchVector(unaccented(Coalesce(brand_name, Value(""))), weight="B", config="portuguese")
        + SearchVector(unaccented(category_name), weight="B", config="portuguese")
        + SearchVector(unaccented(F("description")), weight="C", config="portuguese")
    )


def product_search_text(product: Product) -> str:
    """Name, brand and category without accents: what typo-tolerant search compares."""
    parts = (product.name, product.brand.name if product.brand else "", product.category.name)
    return unaccent(" ".join(part for part in parts if part))


# Variants and stock

# Everything staff edit on a variant; `stock_online` is left to the inventory.
VARIANT_EDITABLE_FIELDS = [
    field.name
    for field in Variant._meta.concrete_fields
    if field.name not in {"id", "created_at", "stock_online"}
]


@transaction.atomic
def variant_save(*, variant: Variant, attribute_values: Iterable[AttributeValue] | None = None) -> Variant:
    """Validate and save a variant, then refresh its product's price and availability.

    Never writes `stock_online`: that is the inventory's, and this copy may be stale.
    """
    variant.full_clean(exclude=["product"])
    lock_products(ids=[variant.product_id])
    if variant.pk is None:
        variant.save()
    else:
        variant.save(update_fields=VARIANT_EDITABLE_FIELDS)
    if attribute_values is not None:
        variant.attribute_values.set(attribute_values)
    product_refresh_summary(product_ids=[variant.product_id])
    catalog_changed()
    return variant


@transaction.atomic
def variant_set_stock_online(*, variant_id: int, quantity: int) -> None:
    """Record how many units of a variant the online warehouses can sell now.

    Called by the inventory whenever stock moves; the storefront reads nothing else.
    """
    if quantity < 0:
        raise ValueError("Online stock cannot be negative.")
    product_id, before = Variant.objects.filter(pk=variant_id).values_list("product_id", "stock_online").get()
    lock_products(ids=[product_id])  # the product before its variant, as every catalog write does
    changed = (
        Variant.objects.filter(pk=variant_id).exclude(stock_online=quantity).update(stock_online=quantity)
    )
    if changed:
        product_refresh_summary(product_ids=[product_id])
    if changed and (before > 0) != (quantity > 0):
        # Pages show "in stock" or "unavailable", not counts: only a flip makes them stale.
        catalog_changed()
    if changed and before == 0 and quantity > 0 and _has_waiting_stock_alerts(variant_id):
        stock_alerts_notify_task.delay_on_commit(variant_id=variant_id)


def _has_waiting_stock_alerts(variant_id: int) -> bool:
    return StockAlert.objects.filter(variant_id=variant_id, status=StockAlert.Status.WAITING).exists()


@transaction.atomic
def variant_delete(*, variant: Variant) -> None:
    product_id = variant.product_id
    lock_products(ids=[product_id])
    variant.delete()
    product_refresh_summary(product_ids=[product_id])
    catalog_changed()
