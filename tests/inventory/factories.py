import factory
from factory.django import DjangoModelFactory

from inventory.models import Warehouse


class WarehouseFactory(DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ["code"]

    code = "cd-sp"
    name = "Centro de distribuição SP"
    kind = Warehouse.Kind.DISTRIBUTION_CENTRE
    sells_online = True

    class Params:
        shop = factory.Trait(
            code="loja-centro", name="Loja Centro", kind=Warehouse.Kind.SHOP, sells_online=False
        )
