from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext

from core.actor import Actor
from inventory.models import StockLevel
from inventory.services import stock_receive, stock_reserve
from orders.adapters.base import GatewayUnavailable
from orders.adapters.boleto import is_valid_digitable_line
from orders.adapters.brcode import is_valid_pix_payload
from orders.adapters.sandbox import UNAVAILABLE_HOLDER, SandboxGateway
from orders.exceptions import (
    InstallmentsNotAllowed,
    PaymentNotAllowed,
    PaymentProviderDown,
    PixDiscountNeedsPix,
)
from orders.models import Order, Payment
from orders.selectors import order_access_token, order_get_for_guest
from orders.services.payments import (
    UNPAID_GRACE,
    orders_unpaid_cancel,
    payment_capture,
    payment_start,
    payment_void,
)
from orders.tasks import payment_capture as payment_capture_task
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1


def card(number="4111111111111111", holder="Ana Souza"):
    return SandboxGateway().tokenise_card(
        number=number, holder=holder, expiry_month=12, expiry_year=NEXT_YEAR, cvv="123"
    )


def pay_by_card(order, number="4111111111111111", installments=3, holder="Ana Souza"):
    token = card(number, holder)
    return payment_start(
        order_id=order.pk,
        method=Payment.Method.CARD,
        card_token=token.token,
        card_brand=token.brand,
        card_last4=token.last4,
        installments=installments,
    )


def test_an_approved_card_is_authorised_with_only_brand_and_last_four_kept():
    payment = pay_by_card(OrderFactory())
    assert (payment.status, payment.card_brand, payment.card_last4, payment.installments) == (
        Payment.Status.AUTHORISED,
        "visa",
        "1111",
        3,
    )
    assert payment.gateway_reference.startswith("auth_")
    assert payment.provider_flag == ""


def test_a_declined_card_fails_and_the_order_still_waits_for_payment():
    order = OrderFactory()
    payment = pay_by_card(order, number="4000000000000002")
    assert payment.status == Payment.Status.FAILED
    assert Order.objects.get(pk=order.pk).status == Order.Status.AWAITING_PAYMENT
    assert pay_by_card(order).status == Payment.Status.AUTHORISED  # another card works


def test_a_high_risk_card_is_authorised_and_flagged_for_review():
    assert pay_by_card(OrderFactory(), number="4000000000009995").provider_flag == "high_risk"


def test_pix_gives_a_valid_code_that_expires_in_thirty_minutes():
    payment = payment_start(order_id=OrderFactory().pk, method=Payment.Method.PIX)
    assert is_valid_pix_payload(payment.pix_code)
    assert timedelta(minutes=29) < payment.expires_at - timezone.now() <= timedelta(minutes=30)


def test_a_boleto_gets_a_valid_line_due_on_a_business_day():
    payment = payment_start(order_id=OrderFactory().pk, method=Payment.Method.BOLETO)
    assert is_valid_digitable_line(payment.boleto_line)
    due_date = timezone.localtime(payment.expires_at - timedelta(days=1)).date()
    assert due_date.weekday() < 5  # Monday to Friday
    assert due_date > timezone.localdate()
    assert payment.status == Payment.Status.PENDING


def test_starting_twice_gives_the_same_payment():
    order = OrderFactory()
    first = payment_start(order_id=order.pk, method=Payment.Method.PIX)
    second = payment_start(order_id=order.pk, method=Payment.Method.PIX)
    assert first.pk == second.pk
    assert Payment.objects.count() == 1


def test_an_order_not_waiting_for_payment_takes_none():
    order = OrderFactory(status=Order.Status.CANCELLED)
    with pytest.raises(PaymentNotAllowed):
        payment_start(order_id=order.pk, method=Payment.Method.PIX)
    assert not Payment.objects.exists()


def test_a_provider_outage_keeps_the_attempt_to_retry_with_the_same_key(monkeypatch):
    order = OrderFactory(full_name=UNAVAILABLE_HOLDER)
    with pytest.raises(PaymentProviderDown):
        payment_start(order_id=order.pk, method=Payment.Method.BOLETO)
    attempt = Payment.objects.get()
    assert (attempt.status, attempt.gateway_reference) == (Payment.Status.PENDING, None)
    assert attempt.failure_reason.startswith("provider unavailable")
    assert order_get_for_guest(number=order.number, token=order_access_token(order=order)).can_pay_again

    keys = []
    create_boleto = SandboxGateway.create_boleto

    def recording(self, **kwargs):
        keys.append(kwargs["idempotency_key"])
        return create_boleto(self, **{**kwargs, "payer_name": "Ana Souza"})

    monkeypatch.setattr(SandboxGateway, "create_boleto", recording)
    retried = payment_start(order_id=order.pk, method=Payment.Method.BOLETO)
    assert retried.pk == attempt.pk and keys == [f"payment:{attempt.pk}"]
    assert retried.gateway_reference and retried.failure_reason == ""


def test_another_method_after_an_outage_gives_the_unanswered_attempt_up():
    order = OrderFactory(full_name=UNAVAILABLE_HOLDER)
    with pytest.raises(PaymentProviderDown):
        payment_start(order_id=order.pk, method=Payment.Method.BOLETO)
    pix = payment_start(order_id=order.pk, method=Payment.Method.PIX)
    assert dict(order.payments.values_list("method", "status")) == {
        Payment.Method.BOLETO: Payment.Status.FAILED,
        Payment.Method.PIX: Payment.Status.PENDING,
    }
    assert pix.pix_code


def test_instalments_beyond_what_the_total_allows_are_refused(settings):
    settings.STORE_MIN_INSTALLMENT = Decimal("50.00")
    with pytest.raises(InstallmentsNotAllowed):
        pay_by_card(OrderFactory(), installments=3)  # R$ 120,00 allows two
    assert not Payment.objects.exists()


def test_an_order_priced_with_the_pix_discount_is_paid_by_pix_only():
    order = OrderFactory(
        discount_total=Decimal("5.00"), pix_discount=Decimal("5.00"), grand_total=Decimal("115.00")
    )

    with pytest.raises(PixDiscountNeedsPix):
        payment_start(order_id=order.pk, method=Payment.Method.BOLETO)

    assert not order.payments.exists()
    assert payment_start(order_id=order.pk, method=Payment.Method.PIX).method == Payment.Method.PIX


def test_capture_and_void_never_both_settle_a_card():
    payment = pay_by_card(OrderFactory())
    Payment.objects.filter(pk=payment.pk).update(settlement="void")  # a void is under way
    with pytest.raises(PaymentNotAllowed):
        payment_capture(payment_id=payment.pk)
    assert payment_void(payment_id=payment.pk).status == Payment.Status.VOIDED


def test_pix_and_boletos_past_their_time_expire_and_free_the_order():
    from orders.services.payments import payments_expire

    late, on_time = OrderFactory(), OrderFactory()
    payment_start(order_id=late.pk, method=Payment.Method.PIX)
    payment_start(order_id=on_time.pk, method=Payment.Method.PIX)
    Payment.objects.filter(order=late).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert payments_expire() == 1

    assert Order.objects.get(pk=late.pk).status == Order.Status.CANCELLED
    assert Order.objects.get(pk=on_time.pk).status == Order.Status.AWAITING_PAYMENT
    assert payments_expire() == 0


def test_an_authorised_card_pays_the_order_which_keeps_its_stock_until_capture():
    order = OrderFactory()
    pay_by_card(order)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.events.get().note == gettext("Card authorised")


def test_capture_takes_the_money_once_even_when_run_again(monkeypatch):
    payment = pay_by_card(OrderFactory())
    calls = []
    monkeypatch.setattr(SandboxGateway, "capture_card", lambda self, **kwargs: calls.append(kwargs))
    captured = payment_capture_task.delay(payment_id=payment.pk)
    assert captured.successful()
    payment_capture(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.paid_at is not None
    assert calls == [
        {
            "reference": payment.gateway_reference,
            "amount": payment.amount,
            "idempotency_key": f"capture:{payment.pk}",
        }
    ]


def test_void_releases_an_authorised_card_and_never_a_captured_one():
    voided = payment_void(payment_id=pay_by_card(OrderFactory()).pk)
    assert voided.status == Payment.Status.VOIDED
    captured = payment_capture(payment_id=pay_by_card(OrderFactory()).pk)
    with pytest.raises(PaymentNotAllowed):
        payment_void(payment_id=captured.pk)


def test_a_provider_down_at_capture_leaves_the_card_authorised_for_a_retry(monkeypatch):
    payment = pay_by_card(OrderFactory())

    def down(self, **kwargs):
        raise GatewayUnavailable("timeout")

    monkeypatch.setattr(SandboxGateway, "capture_card", down)
    with pytest.raises(GatewayUnavailable):
        payment_capture(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.AUTHORISED


def test_an_order_whose_cards_all_failed_is_cancelled_after_the_grace_and_frees_its_stock(
    django_capture_on_commit_callbacks,
):
    variant = ProductFactory(stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=3, actor=Actor.job("test"))
    declined = OrderFactory(language="en", placed_at=timezone.now() - UNPAID_GRACE - timedelta(minutes=1))
    stock_reserve(lines=[(variant.pk, 2)], reference=f"order:{declined.pk}", actor=Actor.job("test"))
    pay_by_card(declined, number="4000000000000002")
    pending_pix = OrderFactory(placed_at=declined.placed_at)
    payment_start(order_id=pending_pix.pk, method=Payment.Method.PIX)
    recent = OrderFactory()
    pay_by_card(recent, number="4000000000000002")

    with django_capture_on_commit_callbacks(execute=True):
        assert orders_unpaid_cancel() == 1
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses[declined.pk] == Order.Status.CANCELLED
    assert statuses[pending_pix.pk] == statuses[recent.pk] == Order.Status.AWAITING_PAYMENT
    assert StockLevel.objects.get(variant=variant).reserved == 0
    expired = [email for email in mail.outbox if email.to == [declined.email]]
    assert len(expired) == 1 and "We did not receive a payment" in expired[0].body
    assert orders_unpaid_cancel() == 0
