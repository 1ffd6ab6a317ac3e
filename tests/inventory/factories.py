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


def purchase_order(*, quantity: int = 10):
    """An ordered purchase of a new variant for the online warehouse."""
    from datetime import timedelta

    from django.utils import timezone

    from inventory.models import PurchaseOrder, Supplier
    from tests.catalog.factories import ProductFactory

    supplier, _created = Supplier.objects.get_or_create(
        cnpj="11222333000181", defaults={"name": "Fornecedora"}
    )
    order = PurchaseOrder.objects.create(
        supplier=supplier, warehouse=WarehouseFactory(), expected_on=timezone.localdate() + timedelta(days=5)
    )
    order.lines.create(variant=ProductFactory(stock=0).variants.get(), quantity_ordered=quantity)
    return order
