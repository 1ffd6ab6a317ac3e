"""Write the catalog as the CSV that storefront.catalog.importing reads (docs/catalog_csv.md),
one row per variant, so that an export imports back unchanged."""

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import TextIO

from django.db.models import Prefetch, QuerySet

from storefront.catalog.importing import COLUMN_NAMES
from storefront.catalog.models import AttributeValue, Variant

EXPORT_CHUNK = 500  # variants per query; their attribute values come in one more query per chunk


def variant_list_for_export() -> QuerySet[Variant]:
    """Every variant with its product, category, brand and attribute values, products in
    name order and each product's variants in their order. Iterate it with
    `.iterator(chunk_size=EXPORT_CHUNK)`: two queries per chunk whatever the catalog size."""
    return (
        Variant.objects.select_related("product__category", "product__brand")
        .prefetch_related(
            Prefetch("attribute_values", queryset=AttributeValue.objects.select_related("attribute"))
        )
        .order_by("product__name", "product_id", "position", "pk")
    )


def catalog_csv_write(stream: TextIO, variants: Iterable[Variant], *, excel: bool = False) -> int:
    """Write the header and one row per variant; return how many variants were written.

    `excel` writes what Brazilian Excel opens as it is: a UTF-8 byte order mark, semicolons
    and decimal commas.
    """
    if excel:
        stream.write("\N{BYTE ORDER MARK}")
    writer = csv.writer(stream, delimiter=";" if excel else ",")
    writer.writerow(COLUMN_NAMES)
    count = 0
    for variant in variants:
        cells = catalog_export_cells(variant, decimal_comma=excel)
        writer.writerow([cells[name] for name in COLUMN_NAMES])
        count += 1
    return count


def catalog_export_cells(variant: Variant, *, decimal_comma: bool = False) -> dict[str, str]:
    def number(value: Decimal | None, places: int) -> str:
        if value is None:
            return ""
        text = f"{value:.{places}f}"
        return text.replace(".", ",") if decimal_comma else text

    def yes_no(value: bool) -> str:
        return "1" if value else "0"

    product = variant.product
    return {
        "product_slug": product.slug,
        "product_name": product.name,
        "category_slug": product.category.slug,
        "brand_slug": product.brand.slug if product.brand else "",
        "brand_name": product.brand.name if product.brand else "",
        "description": product.description,
        "seo_title": product.seo_title,
        "seo_description": product.seo_description,
        "is_published": yes_no(product.is_published),
        "is_featured": yes_no(product.is_featured),
        "sku": variant.sku,
        "ean": variant.ean,
        "price": number(variant.price, 2),
        "compare_at_price": number(variant.compare_at_price, 2),
        "cost_price": number(variant.cost_price, 2),
        "weight_grams": str(variant.weight_grams),
        "length_cm": number(variant.length_cm, 1),
        "width_cm": number(variant.width_cm, 1),
        "height_cm": number(variant.height_cm, 1),
        "attributes": ";".join(
            f"{value.attribute.name}={value.value}" for value in variant.attribute_values.all()
        ),
        "is_active": yes_no(variant.is_active),
    }
