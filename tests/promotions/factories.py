from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from storefront.promotions.models import Voucher


class VoucherFactory(DjangoModelFactory):
    """A 10% voucher valid since yesterday, once per customer, without a total limit."""

    class Meta:
        model = Voucher

    code = factory.Sequence(lambda n: f"CUPOM{n}")
    kind = Voucher.Kind.PERCENTAGE
    value = 10
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
