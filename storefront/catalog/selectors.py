from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from storefront.catalog.models import Category, Product

FEATURED_LIMIT = 8


def category_list_for_navigation() -> QuerySet[Category]:
    return Category.objects.filter(parent__isnull=True)


def product_list_featured(*, limit: int = FEATURED_LIMIT) -> QuerySet[Product]:
    return (
        Product.objects.published()
        .filter(is_featured=True)
        .select_related("category")
        .order_by("-created_at")[:limit]
    )


def product_list_for_category(*, category: Category) -> QuerySet[Product]:
    return (
        Product.objects.published()
        .filter(category=category)
        .select_related("category")
        .order_by("name", "pk")
    )


def category_get(*, slug: str) -> Category:
    return get_object_or_404(Category, slug=slug)


def product_get_published(*, slug: str) -> Product:
    return get_object_or_404(Product.objects.published().select_related("category"), slug=slug)
