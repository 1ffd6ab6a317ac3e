"""The analysis after payment: every rule's result stored, and the order validated, held or rejected."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.actor import Actor
from inventory.models import Lot, Reservation, StockQuant
from inventory.services import stock_receive, stock_reserve
from orders.exceptions import OrderStillShort
from orders.models import BlockedAddress, Order, Payment, RiskAnalysis, RiskPolicy, RiskRule
from orders.services.payments import payment_start
from orders.services.review import order_approve
from orders.services.risk import order_analyse, orders_analyse_reconcile, orders_stock_recheck
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import OrderFactory
from tests.orders.test_payment_start import card, pay_by_card

pytestmark = pytest.mark.django_db

JOB = Actor.job("test")
CLEAN = {
    "full_name": "Ana Souza",
    "email": "ana@example.com.br",
    "cpf": "52998224725",  # issued in ES/RJ
    "cep": "20040020",
    "state": "RJ",
    "city": "Rio de Janeiro",
    "phone": "21987654321",
}


def paid_by_card(number="4111111111111111", quantity=1, holder="Ana Souza", **fields):
    """An order of `quantity` units, paid by card, with the analysis run after commit."""
    variant = ProductFactory(stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=10, actor=JOB)
    order = OrderFactory(**{**CLEAN, **fields})
    order.lines.create(
        variant=variant, product_name="x", sku=variant.sku, unit_price=100, quantity=quantity, line_total=100
    )
    stock_reserve(lines=[(variant.pk, quantity)], reference=f"order:{order.pk}", actor=JOB)
    return order, pay_by_card(order, number=number, installments=1, holder=holder)


def analysed(capture, **kwargs):
    with capture(execute=True):
        order, payment = paid_by_card(**kwargs)
    order.refresh_from_db()
    payment.refresh_from_db()
    return order, payment


def test_a_clean_order_is_validated_and_its_card_captured(django_capture_on_commit_callbacks):
    order, payment = analysed(django_capture_on_commit_callbacks)
    assert order.status == Order.Status.VALIDATED
    assert payment.status == Payment.Status.PAID
    analysis = order.analyses.get()
    assert (analysis.score, analysis.decision) == (10, RiskAnalysis.Decision.APPROVE)  # first purchase only
    assert analysis.checks.count() == len(RiskRule.Code) + 5
    assert list(analysis.checks.filter(hit=True).values_list("code", flat=True)) == ["first_purchase"]


def test_a_company_is_checked_by_its_cnpj_and_known_by_its_earlier_orders(django_capture_on_commit_callbacks):
    company = {"cnpj": "12ABC34501DE35", "company_name": "Ateliê Aurora Ltda", "state_registration": "ISENTO"}
    OrderFactory(**company, email="compras@atelie.example", cpf="11144477735", status=Order.Status.COMPLETED)

    order, _payment = analysed(django_capture_on_commit_callbacks, **company)

    analysis = order.analyses.get()
    assert order.status == Order.Status.VALIDATED
    assert analysis.checks.get(code="cnpj").hit is False
    assert not analysis.checks.filter(code="first_purchase", hit=True).exists()


def test_a_card_the_provider_flags_waits_for_fraud_review(django_capture_on_commit_callbacks):
    order, payment = analysed(django_capture_on_commit_callbacks, number="4000000000009995")
    assert (order.status, order.hold_reason) == (Order.Status.ON_HOLD, Order.HoldReason.FRAUD)
    assert payment.status == Payment.Status.AUTHORISED  # not captured while held


def test_a_high_score_rejects_voids_frees_the_stock_and_tells_the_customer(
    django_capture_on_commit_callbacks,
):
    BlockedAddress.objects.create(cep=CLEAN["cep"], street_number="1000", reason="chargebacks")
    order, payment = analysed(django_capture_on_commit_callbacks, number="4000000000009995")
    assert order.status == Order.Status.CANCELLED
    assert payment.status == Payment.Status.VOIDED
    assert not Reservation.objects.filter(status__in=["active", "allocated"]).exists()
    assert [message.subject for message in mail.outbox][-1] == f"Pedido {order.number} foi cancelado"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"phone": "0012345678"}, Order.HoldReason.REGISTRATION_DATA),
        ({"full_name": "Ana"}, Order.HoldReason.REGISTRATION_DATA),
        ({"cep": "01310100"}, Order.HoldReason.ADDRESS),  # a São Paulo CEP for an address in RJ
        ({"cnpj": "12ABC34501DE36", "company_name": "Ateliê Ltda"}, Order.HoldReason.REGISTRATION_DATA),
    ],
)
def test_registration_and_address_problems_hold_the_order_with_their_reason(
    django_capture_on_commit_callbacks, fields, reason
):
    order, _payment = analysed(django_capture_on_commit_callbacks, **fields)
    assert (order.status, order.hold_reason) == (Order.Status.ON_HOLD, reason)


def test_an_order_short_of_sellable_stock_waits_for_stock(django_capture_on_commit_callbacks):
    variant = ProductFactory(stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=1, actor=JOB)
    order = OrderFactory(**CLEAN)
    stock_reserve(lines=[(variant.pk, 1)], reference=f"order:{order.pk}", actor=JOB)
    # The unit's lot expired between checkout and payment: no sellable bin or lot is left.
    expired = Lot.objects.create(
        variant=variant, code="L1", expires_on=timezone.localdate() - timedelta(days=1)
    )
    StockQuant.objects.filter(level__variant=variant).update(lot=expired)
    with django_capture_on_commit_callbacks(execute=True):
        payment_start(order_id=order.pk, method=Payment.Method.CARD, card_token=pay_token(), installments=1)
    order.refresh_from_db()
    assert (order.units_short, order.hold_reason) == (1, Order.HoldReason.STOCK)

    analyst = Actor.job("analyst")
    with pytest.raises(OrderStillShort):
        order_approve(order_id=order.pk, actor=analyst, seen=order.updated_at)
    assert orders_stock_recheck() == 0  # nothing came in yet

    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=1, actor=JOB)
    assert orders_stock_recheck() == 1
    order.refresh_from_db()
    assert (order.status, order.units_short) == (Order.Status.VALIDATED, 0)


def pay_token():
    return card(holder="Ana Souza").token


def test_managers_thresholds_decide(django_capture_on_commit_callbacks):
    RiskPolicy.objects.all().delete()
    RiskPolicy.objects.create(review_at=5, reject_at=90)
    order, _payment = analysed(django_capture_on_commit_callbacks)
    assert (order.status, order.hold_reason) == (Order.Status.ON_HOLD, Order.HoldReason.FRAUD)


def test_analysing_twice_changes_nothing_the_second_time(django_capture_on_commit_callbacks):
    order, _payment = analysed(django_capture_on_commit_callbacks)
    assert order_analyse(order_id=order.pk) is None
    assert order.analyses.count() == 1


def test_paid_orders_whose_analysis_was_lost_are_enqueued_again():
    order, _payment = paid_by_card()  # no commit: the analysis task never ran
    Order.objects.filter(pk=order.pk).update(updated_at=timezone.now() - timedelta(minutes=15))
    assert orders_analyse_reconcile() == 1  # eager in tests: it runs now
    order.refresh_from_db()
    assert order.status == Order.Status.VALIDATED
