"""Catalog test data, built through the catalog services so that derived fields (tree paths,
price_from, in_stock, search_text, main_image) are what the store itself would compute."""

import io
import struct
import zlib
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory
from PIL import Image

from storefront.catalog import services
from storefront.catalog.models import (
    Attribute,
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductImage,
    Variant,
)


class CategoryFactory(DjangoModelFactory):
    """`CategoryFactory(parent=root)` saves through `category_save`, so path and depth are right."""

    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Categoria {n}")
    slug = factory.Sequence(lambda n: f"categoria-{n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Category:
        return services.category_save(category=model_class(*args, **kwargs))


class BrandFactory(DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Marca {n}")
    slug = factory.Sequence(lambda n: f"marca-{n}")


class AttributeFactory(DjangoModelFactory):
    class Meta:
        model = Attribute
        django_get_or_create = ["slug"]

    name = "Tamanho"
    slug = "tamanho"


class AttributeValueFactory(DjangoModelFactory):
    class Meta:
        model = AttributeValue
        django_get_or_create = ["attribute", "slug"]

    attribute = factory.SubFactory(AttributeFactory)
    value = factory.Sequence(lambda n: f"Valor {n}")
    slug = factory.Sequence(lambda n: f"valor-{n}")


class VariantFactory(DjangoModelFactory):
    """Saved through `variant_save`; `stock` goes through `variant_set_stock_online`, as the
    inventory would do it. The product row is refreshed; a product instance you hold is not."""

    class Meta:
        model = Variant

    product = factory.SubFactory("tests.catalog.factories.ProductFactory", variant=None)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    price = Decimal("99.90")
    stock = 10

    @classmethod
    def _create(cls, model_class, *args, stock=0, attribute_values=None, **kwargs) -> Variant:
        variant = services.variant_save(
            variant=model_class(*args, **kwargs), attribute_values=attribute_values
        )
        if stock:
            services.variant_set_stock_online(variant_id=variant.pk, quantity=stock)
            variant.refresh_from_db(fields=["stock_online"])
        return variant

    @classmethod
    def _build(cls, model_class, *args, stock=0, attribute_values=None, **kwargs) -> Variant:
        return model_class(*args, stock_online=stock, **kwargs)


class ProductFactory(DjangoModelFactory):
    """A published product saved through `product_save`, with one variant priced `price`
    (R$ 99,90) and `stock` units online, so that listings show a price and "in stock".

    `ProductFactory(variant=None)` builds a product without variants.
    """

    class Meta:
        model = Product
        skip_postgeneration_save = True

    class Params:
        price = Decimal("99.90")
        compare_at_price = None
        stock = 10

    category = factory.SubFactory(CategoryFactory)
    brand = None
    name = factory.Sequence(lambda n: f"Produto {n}")
    slug = factory.Sequence(lambda n: f"produto-{n}")
    description = "<p>Um produto de teste.</p>"
    is_published = True
    is_featured = False

    variant = factory.RelatedFactory(
        VariantFactory,
        factory_related_name="product",
        price=factory.SelfAttribute("..price"),
        compare_at_price=factory.SelfAttribute("..compare_at_price"),
        stock=factory.SelfAttribute("..stock"),
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Product:
        return services.product_save(product=model_class(*args, **kwargs))

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None) -> None:
        if create:
            instance.refresh_from_db()


def product_with_variants(*variants: dict, **product_fields) -> Product:
    """A product whose variants are given as VariantFactory arguments, e.g.
    `product_with_variants({"price": Decimal("10.00"), "stock": 0}, {"price": Decimal("8.00")})`.
    Returns the product as the services left it."""
    product = ProductFactory(variant=None, **product_fields)
    for variant in variants:
        VariantFactory(product=product, **variant)
    product.refresh_from_db()
    return product


# Pictures


def image_bytes(
    width: int = 800, height: int = 600, image_format: str = "JPEG", color=(200, 40, 40)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format=image_format)
    return buffer.getvalue()


def image_file(
    width: int = 800, height: int = 600, image_format: str = "JPEG", name: str | None = None
) -> SimpleUploadedFile:
    """A real picture as staff would upload it."""
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}[image_format]
    return SimpleUploadedFile(
        name or f"foto.{extension}",
        image_bytes(width, height, image_format),
        content_type=f"image/{extension}",
    )


def png_declaring_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` by `height` pixels: what a decompression bomb
    looks like to a decoder, without allocating the pixels here."""
    data = image_bytes(1, 1, "PNG")
    # Signature (8 bytes), then the IHDR chunk: length (4), type (4), width, height, ...
    ihdr_start = 8 + 4
    ihdr_end = ihdr_start + 4 + 13
    ihdr = bytearray(data[ihdr_start:ihdr_end])
    ihdr[4:12] = struct.pack(">II", width, height)
    crc = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return data[:ihdr_start] + bytes(ihdr) + crc + data[ihdr_end + 4 :]


def product_image(product: Product, **kwargs) -> ProductImage:
    """A picture added through `product_image_add` (thumbnails are left to the caller)."""
    kwargs.setdefault("file", image_file())
    return services.product_image_add(product=product, **kwargs)
