"""Product pictures and their thumbnails."""

from collections.abc import Iterable

from django.core.files import File
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from storefront.catalog.cache import catalog_changed
from storefront.catalog.images import THUMBNAIL_SIZES, render_thumbnails, validate_product_image
from storefront.catalog.models import (
    Product,
    ProductImage,
)
from storefront.catalog.tasks import product_image_make_thumbnails as product_image_make_thumbnails_task

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
