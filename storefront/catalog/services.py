from decimal import Decimal

from django.db import transaction

from storefront.catalog.models import Category, Product


@transaction.atomic
def category_upsert(*, slug: str, name: str, position: int = 0, icon: str = "") -> Category:
    """Create the category with this slug, or bring the existing one up to date."""
    category = Category.objects.filter(slug=slug).first() or Category(slug=slug)
    category.name, category.position, category.icon = name, position, icon
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def product_upsert(
    *,
    slug: str,
    category: Category,
    name: str,
    price: Decimal,
    description: str = "",
    is_published: bool = True,
    is_featured: bool = False,
) -> Product:
    """Create the product with this slug, or bring the existing one up to date."""
    product = Product.objects.filter(slug=slug).first() or Product(slug=slug)
    product.category = category
    product.name, product.price, product.description = name, price, description
    product.is_published, product.is_featured = is_published, is_featured
    product.full_clean()
    product.save()
    return product
