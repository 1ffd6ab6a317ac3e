import uuid
from dataclasses import asdict
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from backoffice.roles import Role
from backoffice.services import telesales_order_place
from core.actor import Actor, PermissionMissing
from core.cpf import format_cpf
from inventory.services import stock_receive
from logistics.models import CarrierService, ShippingRate
from orders.models import Order, Payment
from orders.services import Buyer
from storefront.accounts.models import User
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import BUYER

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant():
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC", position=1)
    ShippingRate.objects.create(service=pac, max_weight_grams=30000, price=Decimal("20.00"), days=8)
    variant = ProductFactory(price=Decimal("50.00"), stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=5, actor=Actor.job("test"))
    return variant


def form_data(variant, **changes):
    return {
        **asdict(BUYER),
        "cpf": format_cpf(BUYER.cpf),
        "email": "novo.cliente@example.com.br",
        "lines": f"{variant.sku} 2",
        "delivery": "pac",
        "method": "pix",
        "key": str(uuid.uuid4()),
        **changes,
    }


def test_an_agent_places_an_order_for_a_new_customer_who_gets_the_pix_by_email(
    staff_client, variant, django_capture_on_commit_callbacks
):
    client = staff_client(Role.TELESALES)
    data = form_data(variant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("backoffice:telesales-order"), data)
    order = Order.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/orders/{order.number}/")
    customer = User.objects.get(email="novo.cliente@example.com.br")
    assert not customer.has_usable_password()
    assert (order.channel, order.customer, order.grand_total) == (
        Order.Channel.TELESALES,
        customer,
        Decimal("120.00"),
    )
    assert order.sales_agent.groups.filter(name=Role.TELESALES).exists()
    assert order.events.get().actor.startswith("staff:")
    payment = order.payments.get()
    assert (payment.method, payment.status) == (Payment.Method.PIX, Payment.Status.PENDING)
    [email] = mail.outbox
    assert email.to == [customer.email] and payment.pix_code in email.body

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("backoffice:telesales-order"), data)  # the same form sent again
    assert Order.objects.count() == 1


def test_unknown_skus_and_short_stock_are_said_and_nothing_is_created(staff_client, variant):
    client = staff_client(Role.TELESALES)
    response = client.post(reverse("backoffice:telesales-order"), form_data(variant, lines="NOPE 1"))
    assert "NOPE" in " ".join(response.context["form"].non_field_errors())
    response = client.post(
        reverse("backoffice:telesales-order"), form_data(variant, lines=f"{variant.sku} 9")
    )
    assert response.context["form"].errors
    assert (
        not Order.objects.exists() and not User.objects.filter(email="novo.cliente@example.com.br").exists()
    )


def test_only_telesales_may_place_assisted_orders(make_staff, variant):
    with pytest.raises(PermissionMissing):
        telesales_order_place(
            agent=make_staff(Role.WAREHOUSE),
            buyer=Buyer(**asdict(BUYER)),
            lines=[(variant.sku, 1)],
            delivery_code="pac",
            method="pix",
            key=uuid.uuid4(),
        )
    assert not Order.objects.exists()
