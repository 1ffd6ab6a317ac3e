from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from faker import Faker

from orders.models import Order, Payment
from orders.services import Buyer

BRAZIL = Faker("pt_BR")


class OrderFactory(DjangoModelFactory):
    """An order row as placement leaves it (placement itself is tested through its service)."""

    class Meta:
        model = Order

    # Far from the numbers placement draws (from 100001), so both can be made in one test.
    number = factory.Sequence(lambda n: f"{700000 + n}")
    email = factory.Sequence(lambda n: f"comprador{n}@example.com.br")
    full_name = factory.Faker("name", locale="pt_BR")
    phone = "11987654321"
    cep = "01310100"
    street = "Avenida Paulista"
    street_number = "1000"
    district = "Bela Vista"
    city = "São Paulo"
    state = "SP"
    delivery_service = "pac"
    delivery_label = "Correios PAC"
    delivery_days = 6
    items_total = Decimal("100.00")
    shipping_total = Decimal("20.00")
    grand_total = Decimal("120.00")
    placed_at = factory.LazyFunction(timezone.now)

    cpf = factory.LazyFunction(lambda: "".join(filter(str.isdigit, BRAZIL.cpf())))


# A buyer as the checkout forms leave it (delivery to Manaus, far from the São Paulo warehouse).
BUYER = Buyer(
    email="ana@example.com.br",
    full_name="Ana Souza",
    cpf="52998224725",
    phone="11987654321",
    cep="69005070",
    street="Avenida Eduardo Ribeiro",
    street_number="520",
    district="Centro",
    city="Manaus",
    state="AM",
)


def sandbox_pix(**order_fields) -> Payment:
    """A pending sandbox Pix of a new order, as payment start leaves it."""
    order = OrderFactory(**order_fields)
    return Payment.objects.create(
        order=order,
        method=Payment.Method.PIX,
        amount=order.grand_total,
        gateway="sandbox",
        gateway_reference=f"pix_{order.number}",
        pix_code="000201",
        expires_at=timezone.now() + timedelta(minutes=30),
    )
