"""Writes the rows that storefront.catalog.importing has checked (docs/catalog_csv.md)."""

from collections.abc import Iterable

# Catalog import
#
# Writes the rows that storefront.catalog.importing has checked (docs/catalog_csv.md),
# through the services above. Kept as its own section at the end of the module; its
# imports sit here so that the section stays self-contained.
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from storefront.catalog.exceptions import CatalogRowRejected
from storefront.catalog.importing import SKU_TAKEN, UNKNOWN_BRAND, CatalogRow, ProductData
from storefront.catalog.models import (
    Attribute,
    AttributeValue,
    Brand,
    Product,
    Variant,
)
from storefront.catalog.services.categories import attribute_value_upsert, brand_upsert
from storefront.catalog.services.products import product_save, variant_save
from storefront.catalog.text import clean_description

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
