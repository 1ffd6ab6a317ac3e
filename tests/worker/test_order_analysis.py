"""A real worker takes a paid card order through the risk analysis to validation and capture."""

import pytest
from django.contrib.auth.models import Permission

from core.actor import Actor
from inventory.services import stock_receive, stock_reserve
from orders.models import Order, Payment
from orders.services.review import order_approve
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import OrderFactory
from tests.orders.test_payment_start import pay_by_card
from tests.worker.test_welcome_email import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.postgres]


def card_order(number: str) -> Order:
    variant = ProductFactory(stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=3, actor=Actor.job("test"))
    order = OrderFactory(full_name="Ana Souza", cpf="52998224725", cep="20040020", state="RJ")
    stock_reserve(lines=[(variant.pk, 1)], reference=f"order:{order.pk}", actor=Actor.job("test"))
    pay_by_card(order, number=number, installments=1, holder="Ana Souza")
    return order


def test_a_low_risk_card_order_is_validated_and_captured_by_the_worker(celery_worker_process):
    order = card_order("4111111111111111")
    validated = wait_for(lambda: Order.objects.filter(pk=order.pk, status=Order.Status.VALIDATED).first())
    assert validated.analyses.get().decision == "approve"
    wait_for(lambda: Payment.objects.filter(order=order, status=Payment.Status.PAID).exists())


def test_a_flagged_card_order_waits_in_the_hold_queue(celery_worker_process):
    order = card_order("4000000000009995")
    held = wait_for(lambda: Order.objects.filter(pk=order.pk, status=Order.Status.ON_HOLD).first())
    assert held.hold_reason == Order.HoldReason.FRAUD
    assert Payment.objects.get(order=order).status == Payment.Status.AUTHORISED


def test_an_analyst_approving_a_held_order_has_the_worker_capture_the_card(celery_worker_process):
    order = card_order("4000000000009995")
    held = wait_for(lambda: Order.objects.filter(pk=order.pk, status=Order.Status.ON_HOLD).first())
    analyst = UserFactory(is_staff=True)  # transactional tests flush migrated groups: grant directly
    analyst.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="orders", codename__in=["validate_order", "cancel_order"]
        )
    )
    order_approve(order_id=order.pk, actor=Actor.staff(analyst), seen=held.updated_at)
    wait_for(lambda: Payment.objects.filter(order=order, status=Payment.Status.PAID).exists())
