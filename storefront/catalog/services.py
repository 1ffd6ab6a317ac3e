from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Exists, F, Func, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from storefront.catalog.cache import catalog_changed
from storefront.catalog.images import THUMBNAIL_SIZES, render_thumbnails, validate_product_image
from storefront.catalog.models import (
    Attribute,
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductImage,
    ProductRelation,
    Variant,
)
from storefront.catalog.tasks import product_image_make_thumbnails as product_image_make_thumbnails_task
from storefront.catalog.text import clean_description, unaccent

RELATED_LIMIT = 8
RELATIONS_BATCH = 500


# Categories


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Validate and save a category, keeping the tree paths of it and its subtree right.

    Raises ValidationError when the parent is the category itself or one of its descendants.
    """
    old_path = Category.objects.filter(pk=category.pk).values_list("path", flat=True).first() if category.pk else None
    parent = category.parent
    if parent is not None and category.pk and (parent.pk == category.pk or f"/{category.pk}/" in parent.path):
        raise ValidationError({"parent": _("A category cannot sit under itself or one of its subcategories.")})
    category.full_clean(exclude=["path", "depth"])
    category.save()
    category.path = f"{parent.path if parent else '/'}{category.pk}/"
    category.depth = parent.depth + 1 if parent else 0
    category.save(update_fields=["path", "depth", "updated_at"])
    if old_path and old_path != category.path:
        Category.objects.filter(path__startswith=old_path).exclude(pk=category.pk).update(
            path=Concat(Value(category.path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + (category.depth - old_path.count("/") + 2),
        )
    catalog_changed()
    return category


def category_upsert(
    *, slug: str, name: str, parent: Category | None = None, position: int = 0, icon: str = ""
) -> Category:
    """Create the category with this slug, or bring the existing one up to date."""
    category = Category.objects.filter(slug=slug).first() or Category(slug=slug)
    category.name, category.parent, category.position, category.icon = name, parent, position, icon
    return category_save(category=category)


# Brands and attributes


@transaction.atomic
def brand_upsert(*, slug: str, name: str) -> Brand:
    brand, _created = Brand.objects.update_or_create(slug=slug, defaults={"name": name})
    return brand


@transaction.atomic
def attribute_value_upsert(*, attribute_slug: str, attribute_name: str, slug: str, value: str) -> AttributeValue:
    attribute, _created = Attribute.objects.get_or_create(slug=attribute_slug, defaults={"name": attribute_name})
    attribute_value, _created = AttributeValue.objects.update_or_create(
        attribute=attribute, slug=slug, defaults={"value": value}
    )
    return attribute_value


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
    products = Product.objects.filter(pk__in=list(product_ids)).exclude(is_published=is_published)
    changed = products.update(is_published=is_published, updated_at=timezone.now())
    if is_published:
        Product.objects.filter(pk__in=list(product_ids), published_at__isnull=True).update(published_at=timezone.now())
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


@transaction.atomic
def variant_save(*, variant: Variant, attribute_values: Iterable[AttributeValue] | None = None) -> Variant:
    """Validate and save a variant, then refresh its product's price and availability."""
    variant.full_clean(exclude=["product"])
    variant.save()
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
    product_id = Variant.objects.filter(pk=variant_id).values_list("product_id", flat=True).get()
    changed = Variant.objects.filter(pk=variant_id).exclude(stock_online=quantity).update(stock_online=quantity)
    if changed:
        product_refresh_summary(product_ids=[product_id])
        catalog_changed()


@transaction.atomic
def variant_delete(*, variant: Variant) -> None:
    product_id = variant.product_id
    variant.delete()
    product_refresh_summary(product_ids=[product_id])
    catalog_changed()


# Images


@transaction.atomic
def product_image_add(*, product: Product, file: File, alt_text: str = "", position: int = 0) -> ProductImage:
    """Store a validated picture for a product; thumbnails follow from a task after commit.

    Raises ValidationError with a staff-readable reason when the file is not acceptable.
    """
    validate_product_image(file)
    image = ProductImage(product=product, alt_text=alt_text, position=position)
    image.image.save(file.name, file, save=False)
    image.full_clean()
    image.save()
    product_refresh_main_image(product_ids=[product.pk])
    product_image_make_thumbnails_task.delay_on_commit(image_id=image.pk)
    return image


@transaction.atomic
def product_image_update(*, image: ProductImage) -> ProductImage:
    """Save a new alternative text or position; the product's first picture may change."""
    image.full_clean()
    image.save(update_fields=["alt_text", "position", "updated_at"])
    product_refresh_main_image(product_ids=[image.product_id])
    return image


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    product_id = image.product_id
    image.delete()
    product_refresh_main_image(product_ids=[product_id])


def product_refresh_main_image(*, product_ids: Iterable[int]) -> None:
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "pk").values("pk")[:1]
    Product.objects.filter(pk__in=list(product_ids)).update(main_image=Subquery(first_image))
    catalog_changed()


def product_image_make_thumbnails(*, image_id: int) -> ProductImage | None:
    """Render the thumbnails of an image once; a deleted image or a done one is left alone."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or set(image.thumbnails) >= set(THUMBNAIL_SIZES):
        return image
    thumbnails = render_thumbnails(storage=image.image.storage, name=image.image.name)
    ProductImage.objects.filter(pk=image_id).update(thumbnails=thumbnails, updated_at=timezone.now())
    catalog_changed()
    image.thumbnails = thumbnails
    return image


# Related products


@transaction.atomic
def product_relations_replace(*, product_id: int, related: list[tuple[int, int]], kind: str) -> None:
    """Replace a product's related list with `(related_id, score)` pairs, best first."""
    ProductRelation.objects.filter(product_id=product_id).delete()
    ProductRelation.objects.bulk_create(
        ProductRelation(product_id=product_id, related_id=related_id, kind=kind, score=score, position=position)
        for position, (related_id, score) in enumerate(related[:RELATED_LIMIT])
        if related_id != product_id
    )


def product_relations_refresh(*, after_id: int = 0) -> int | None:
    """Refresh the related lists of one batch of published products; return the last id
    when more remain. Products with no "bought together" list get their category's best
    sellers; the orders app replaces those with co-purchases as orders come in."""
    batch = list(
        Product.objects.published()
        .filter(pk__gt=after_id)
        .exclude(relations__kind=ProductRelation.Kind.BOUGHT_TOGETHER)
        .order_by("pk")
        .values_list("pk", "category_id")[:RELATIONS_BATCH]
    )
    for product_id, category_id in batch:
        best_sellers = (
            Product.objects.published()
            .filter(category_id=category_id, in_stock=True)
            .exclude(pk=product_id)
            .order_by("-sales_count", "-published_at")
            .values_list("pk", "sales_count")[:RELATED_LIMIT]
        )
        product_relations_replace(
            product_id=product_id, related=list(best_sellers), kind=ProductRelation.Kind.SAME_CATEGORY
        )
    return batch[-1][0] if len(batch) == RELATIONS_BATCH else None

