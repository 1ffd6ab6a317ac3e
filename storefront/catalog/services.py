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
    old_path, old_name = (
        Category.objects.filter(pk=category.pk).values_list("path", "name").first() if category.pk else None
    ) or (None, None)
    parent = category.parent
    if parent is not None and category.pk and (parent.pk == category.pk or f"/{category.pk}/" in parent.path):
        raise ValidationError(
            {"parent": _("A category cannot sit under itself or one of its subcategories.")}
        )
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
    if old_name is not None and old_name != category.name:
        product_refresh_search(product_ids=category.products.values_list("pk", flat=True))
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
    """Create the brand with this slug, or rename it (its products' search data follows)."""
    brand, created = Brand.objects.get_or_create(slug=slug, defaults={"name": name})
    if not created and brand.name != name:
        brand.name = name
        brand.save(update_fields=["name", "updated_at"])
        product_refresh_search(product_ids=brand.products.values_list("pk", flat=True))
        catalog_changed()
    return brand


@transaction.atomic
def attribute_value_upsert(
    *, attribute_slug: str, attribute_name: str, slug: str, value: str
) -> AttributeValue:
    attribute, _created = Attribute.objects.get_or_create(
        slug=attribute_slug, defaults={"name": attribute_name}
    )
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
    changed = (
        Variant.objects.filter(pk=variant_id).exclude(stock_online=quantity).update(stock_online=quantity)
    )
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
def product_image_update(*, image: ProductImage, file: File | None = None) -> ProductImage:
    """Save a new alternative text or position and, with `file`, a new picture (its
    thumbnails are made again after commit). Raises ValidationError for a bad file."""
    update_fields = ["alt_text", "position", "updated_at"]
    if file is not None:
        validate_product_image(file)
        image.image.save(file.name, file, save=False)
        image.thumbnails = {}
        update_fields += ["image", "width", "height", "thumbnails"]
        product_image_make_thumbnails_task.delay_on_commit(image_id=image.pk)
    image.full_clean()
    image.save(update_fields=update_fields)
    product_refresh_main_image(product_ids=[image.product_id])
    return image


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    product_id = image.product_id
    image.delete()
    product_refresh_main_image(product_ids=[product_id])


def product_refresh_main_image(*, product_ids: Iterable[int]) -> None:
    first_image = (
        ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "pk").values("pk")[:1]
    )
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
        ProductRelation(
            product_id=product_id, related_id=related_id, kind=kind, score=score, position=position
        )
        for position, (related_id, score) in enumerate(related[:RELATED_LIMIT])
        if related_id != product_id
    )


@transaction.atomic
def product_relations_set_bought_together(*, lists: dict[int, list[tuple[int, int]]]) -> None:
    """Store the "customers also bought" lists (product id -> `(related_id, times)` best
    first); products left out lose theirs and get category best sellers on the next refresh."""
    ProductRelation.objects.filter(kind=ProductRelation.Kind.BOUGHT_TOGETHER).exclude(
        product_id__in=list(lists)
    ).delete()
    for product_id, related in lists.items():
        product_relations_replace(
            product_id=product_id, related=related, kind=ProductRelation.Kind.BOUGHT_TOGETHER
        )
    catalog_changed()


@transaction.atomic
def product_sales_counts_set(*, counts: dict[int, int]) -> None:
    """Record the units sold per product, which the best-seller order reads; products not
    named sold none."""
    Product.objects.exclude(pk__in=list(counts)).exclude(sales_count=0).update(sales_count=0)
    Product.objects.bulk_update(
        [Product(pk=product_id, sales_count=units) for product_id, units in counts.items()],
        ["sales_count"],
        batch_size=1000,
    )
    catalog_changed()


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


# ---------------------------------------------------------------------------------------
# Catalog import
#
# Writes the rows that storefront.catalog.importing has checked (docs/catalog_csv.md),
# through the services above. Kept as its own section at the end of the module; its
# imports sit here so that the section stays self-contained.
# ---------------------------------------------------------------------------------------

from dataclasses import dataclass  # noqa: E402
from typing import TypeVar  # noqa: E402

from django.db import IntegrityError  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from storefront.catalog.exceptions import CatalogRowRejected  # noqa: E402
from storefront.catalog.importing import SKU_TAKEN, UNKNOWN_BRAND, CatalogRow, ProductData  # noqa: E402

# Import column -> Product field, for the product-level columns copied as they are.
IMPORT_PRODUCT_FIELDS = {
    "product_name": "name",
    "seo_title": "seo_title",
    "seo_description": "seo_description",
    "is_published": "is_published",
    "is_featured": "is_featured",
}
IMPORT_VARIANT_FIELDS = (
    "ean",
    "price",
    "compare_at_price",
    "cost_price",
    "weight_grams",
    "length_cm",
    "width_cm",
    "height_cm",
    "is_active",
)


@dataclass
class CatalogImportSummary:
    rows: int = 0
    products_created: int = 0
    products_updated: int = 0
    variants_created: int = 0
    variants_updated: int = 0


@transaction.atomic
def catalog_import(*, rows: Iterable[CatalogRow]) -> CatalogImportSummary:
    """Write checked catalog rows: products by slug, variants by SKU, creating the brands,
    attributes and attribute values that are missing.

    A column the file lacks leaves the existing products' and variants' values alone. A row
    that changes nothing writes nothing, so importing the same file twice changes nothing
    the second time. Variants not in the file are kept; new ones go after the product's
    existing variants, in file order.

    Raises CatalogRowRejected, with nothing written, when a row fails a model check: the
    database changed between the check and the write.
    """
    writer = _CatalogWriter()
    for row in rows:
        try:
            writer.write(row)
        except ValidationError as error:
            raise CatalogRowRejected(row=row.number, reason=" ".join(error.messages)) from error
        except IntegrityError as error:
            raise CatalogRowRejected(row=row.number, reason=str(error)) from error
    return writer.summary


class _CatalogWriter:
    """The state of one import: what it has written, and lookups it need not repeat."""

    def __init__(self) -> None:
        self.summary = CatalogImportSummary()
        self.products: dict[str, Product] = {}
        self.brands: dict[str, Brand] = {}
        self.attributes: list[Attribute] | None = None
        self.values: dict[int, list[AttributeValue]] = {}
        self.next_position: dict[int, int] = {}

    def write(self, row: CatalogRow) -> None:
        self.summary.rows += 1
        product = self.products.get(row.product.slug) or self._write_product(row.product)
        self._write_variant(row, product)

    def _write_product(self, data: ProductData) -> Product:
        product = Product.objects.filter(slug=data.slug).first()
        is_new = product is None
        if product is None:
            product = Product(slug=data.slug)
        before = _product_state(product)
        given = (
            data.given
            if not is_new
            else {"category_slug", "brand_slug", "description", *IMPORT_PRODUCT_FIELDS}
        )
        if "category_slug" in given:
            product.category = data.category
        if {"brand_slug", "brand_name"} & given:
            product.brand = self._brand(data)
        if "description" in given:
            product.description = clean_description(data.description)
        for column, field in IMPORT_PRODUCT_FIELDS.items():
            if column in given:
                setattr(product, field, getattr(data, field))
        if is_new or _product_state(product) != before:
            product_save(product=product)
            if is_new:
                self.summary.products_created += 1
            else:
                self.summary.products_updated += 1
        self.products[data.slug] = product
        return product

    def _brand(self, data: ProductData) -> Brand | None:
        if not data.brand_slug:
            return None
        brand = self.brands.get(data.brand_slug) or Brand.objects.filter(slug=data.brand_slug).first()
        if brand is None and not data.brand_name:
            raise ValidationError(UNKNOWN_BRAND % {"slug": data.brand_slug})
        if brand is None or (data.brand_name and brand.name != data.brand_name):
            brand = brand_upsert(slug=data.brand_slug, name=data.brand_name)
        self.brands[data.brand_slug] = brand
        return brand

    def _write_variant(self, row: CatalogRow, product: Product) -> None:
        variant = Variant.objects.filter(sku=row.sku).prefetch_related("attribute_values").first()
        is_new = variant is None
        if variant is None:
            variant = Variant(product=product, sku=row.sku, position=self._next_position(product))
        elif variant.product_id != product.pk:
            raise ValidationError(SKU_TAKEN % {"sku": row.sku, "product": variant.product.slug})
        given = row.given if not is_new else {"attributes", *IMPORT_VARIANT_FIELDS}
        before = [getattr(variant, field) for field in IMPORT_VARIANT_FIELDS]
        for field in IMPORT_VARIANT_FIELDS:
            if field in given:
                setattr(variant, field, getattr(row, field))
        attribute_values = None
        if "attributes" in given:
            wanted = [self._attribute_value(name, value) for name, value in row.attributes]
            current = set() if is_new else {value.pk for value in variant.attribute_values.all()}
            if is_new or {value.pk for value in wanted} != current:
                attribute_values = wanted
        changed = [getattr(variant, field) for field in IMPORT_VARIANT_FIELDS] != before
        if is_new or changed or attribute_values is not None:
            variant_save(variant=variant, attribute_values=attribute_values)
            if is_new:
                self.summary.variants_created += 1
            else:
                self.summary.variants_updated += 1

    def _next_position(self, product: Product) -> int:
        if product.pk not in self.next_position:
            last = product.variants.order_by("-position").values_list("position", flat=True).first()
            self.next_position[product.pk] = 0 if last is None else last + 1
        position = self.next_position[product.pk]
        self.next_position[product.pk] += 1
        return position

    def _attribute_value(self, name: str, value: str) -> AttributeValue:
        """The value of an attribute, matched by its name (as shown, in any case) or slug;
        created when missing. Existing names are never changed by an import."""
        if self.attributes is None:
            self.attributes = list(Attribute.objects.all())
        attribute = _match(self.attributes, "name", name)
        if attribute is not None:
            if attribute.pk not in self.values:
                self.values[attribute.pk] = list(attribute.values.all())
            found = _match(self.values[attribute.pk], "value", value)
            if found is not None:
                return found
        attribute_value = attribute_value_upsert(
            attribute_slug=attribute.slug if attribute else slugify(name),
            attribute_name=name,
            slug=slugify(value),
            value=value,
        )
        if attribute is None:
            self.attributes.append(attribute_value.attribute)
        self.values.setdefault(attribute_value.attribute_id, []).append(attribute_value)
        return attribute_value


def _product_state(product: Product) -> tuple:
    return (
        product.category_id,
        product.brand_id,
        product.name,
        product.description,
        product.seo_title,
        product.seo_description,
        product.is_published,
        product.is_featured,
    )


_Named = TypeVar("_Named", Attribute, AttributeValue)


def _match(rows: list[_Named], label: str, text: str) -> _Named | None:
    """The row whose label (name or value) is `text` in any case, else whose slug is
    `text`'s slug."""
    folded, slug = text.casefold(), slugify(text)
    by_label = next((row for row in rows if getattr(row, label).casefold() == folded), None)
    return by_label or next((row for row in rows if row.slug == slug), None)
