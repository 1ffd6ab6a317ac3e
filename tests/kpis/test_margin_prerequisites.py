"""What the margin needs from the orders: the cost copied on each line at placement, the
reason kept on hold events, and the payment fees managers set in the admin."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from backoffice.roles import Role
from core.actor import Actor
from inventory.services import stock_receive
from orders.models import Order, OrderEvent, PaymentFee
from orders.services import Delivery, order_place
from orders.services.risk import order_hold
from storefront.cart.services import cart_create
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import BUYER, OrderFactory

pytestmark = pytest.mark.django_db

JOB = Actor.job("test")


def stocked(price: str, cost: str | None):
    variant = ProductFactory(price=Decimal(price), stock=0).variants.get()
    variant.cost_price = None if cost is None else Decimal(cost)
    variant.save(update_fields=["cost_price"])
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=5, actor=JOB)
    return variant


def test_placing_an_order_copies_each_variants_cost_onto_its_line():
    kettle, mug = stocked("150.00", "90.00"), stocked("30.00", None)
    delivery = Delivery(service="pac", label="Correios PAC", price=Decimal("20.00"), days=6)
    with transaction.atomic():
        order = order_place(
            cart_token=cart_create().token,
            lines=[(kettle.pk, 2), (mug.pk, 1)],
            buyer=BUYER,
            delivery=delivery,
            actor=JOB,
        )
    kettle.cost_price = Decimal("120.00")  # a later change of cost does not rewrite the order
    kettle.save(update_fields=["cost_price"])
    costs = dict(order.lines.values_list("variant_id", "unit_cost"))
    assert costs == {kettle.pk: Decimal("90.00"), mug.pk: None}


def test_a_hold_event_keeps_its_reason_after_the_order_leaves_the_queue():
    order = OrderFactory(status=Order.Status.PAID)
    with transaction.atomic():
        order_hold(order_id=order.pk, reason=Order.HoldReason.ADDRESS, actor=JOB)
    event = OrderEvent.objects.get(order=order, to_status=Order.Status.ON_HOLD)
    assert event.hold_reason == Order.HoldReason.ADDRESS


def test_a_payment_fee_is_a_percentage_plus_a_fixed_amount_rounded_to_the_cent():
    fee = PaymentFee(method="card", percent=Decimal("3.49"), fixed=Decimal("0.39"))
    assert fee.fee_for(Decimal("99.90")) == Decimal("3.88")  # 3.48651 + 0.39 = 3.87651


def test_managers_set_payment_fees_in_the_admin(staff_client):
    client = staff_client(Role.MANAGER)
    response = client.post(
        reverse("admin:orders_paymentfee_add"), {"method": "pix", "percent": "0.99", "fixed": "0.00"}
    )
    assert response.status_code == 302
    assert PaymentFee.objects.get(method="pix").percent == Decimal("0.99")


def test_other_roles_cannot_see_payment_fees(staff_client):
    client = staff_client(Role.WAREHOUSE)
    assert client.get(reverse("admin:orders_paymentfee_changelist")).status_code == 403
