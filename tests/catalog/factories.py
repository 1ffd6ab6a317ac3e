from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from storefront.catalog.models import Category, Product


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Categoria {n}")
    slug = factory.Sequence(lambda n: f"categoria-{n}")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Produto {n}")
    slug = factory.Sequence(lambda n: f"produto-{n}")
    price = Decimal("99.90")
    is_published = True
