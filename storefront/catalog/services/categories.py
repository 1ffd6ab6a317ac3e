"""Categories, brands and attribute values."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from storefront.catalog.cache import catalog_changed
from storefront.catalog.models import (
    Attribute,
    AttributeValue,
    Brand,
    Category,
)
from storefront.catalog.services.products import product_refresh_search
from storefront.catalog.text import clean_description

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
    category.size_guide = clean_description(category.size_guide)
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
    *,
    slug: str,
    name: str,
    parent: Category | None = None,
    position: int = 0,
    icon: str = "",
    size_guide: str | None = None,
) -> Category:
    """Create the category with this slug, or bring the existing one up to date (its size
    guide only when one is given)."""
    category = Category.objects.filter(slug=slug).first() or Category(slug=slug)
    category.name, category.parent, category.position, category.icon = name, parent, position, icon
    if size_guide is not None:
        category.size_guide = size_guide
    return category_save(category=category)


# Brands and attributes


@transaction.atomic
def brand_save(*, brand: Brand) -> Brand:
    """Validate and save a brand; a new name reaches its products' search data and pages."""
    old_name = Brand.objects.filter(pk=brand.pk).values_list("name", flat=True).first() if brand.pk else None
    brand.full_clean()
    brand.save()
    if old_name is not None and old_name != brand.name:
        product_refresh_search(product_ids=brand.products.values_list("pk", flat=True))
    catalog_changed()
    return brand


def brand_upsert(*, slug: str, name: str) -> Brand:
    """Create the brand with this slug, or rename it."""
    brand = Brand.objects.filter(slug=slug).first() or Brand(slug=slug)
    if brand.pk and brand.name == name:
        return brand
    brand.name = name
    return brand_save(brand=brand)


@transaction.atomic
def attribute_value_upsert(
    *, attribute_slug: str, attribute_name: str, slug: str, value: str, position: int | None = None
) -> AttributeValue:
    """Create or update an attribute value; `position` orders values where the alphabet
    would not (sizes P, M, G, GG). Without it an existing value keeps its place."""
    attribute, _created = Attribute.objects.get_or_create(
        slug=attribute_slug, defaults={"name": attribute_name}
    )
    defaults = {"value": value} if position is None else {"value": value, "position": position}
    attribute_value, _created = AttributeValue.objects.update_or_create(
        attribute=attribute, slug=slug, defaults=defaults
    )
    catalog_changed()
    return attribute_value
