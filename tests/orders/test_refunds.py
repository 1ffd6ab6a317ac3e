"""Refunds are asked once per reason and made exactly once: back to the card or Pix, by
transfer for a boleto, or as store credit only the order's CPF can use."""

from datetime import timedelta
from decimal import Decimal
from itertools import product

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from core.actor import Actor, PermissionMissing
from orders.adapters.base import RefundRefused
from orders.adapters.sandbox import SandboxGateway
from orders.exceptions import (
    BankAccountInvalid,
    BoletoNotRefundable,
    PixKeyInvalid,
    RefundAboveRefundable,
    RefundAmountInvalid,
    RefundDestinationMissing,
    RefundSourceTaken,
    RefundTransitionNotAllowed,
)
from orders.models import REFUND_TRANSITIONS, OrderEvent, Payment, Refund, SandboxCharge, SandboxRefund
from orders.selectors import order_get_for_customer, refund_list_for_order
from orders.services import (
    bank_account_clean,
    payment_capture,
    payment_start,
    pix_key_clean,
    refund_execute,
    refund_request,
    refund_retry,
    refund_transition,
    refunds_reconcile,
)
from orders.services.notices import PAID, sandbox_notice_deliver
from orders.services.refunds import RECONCILE_AFTER, refund_idempotency_key
from orders.tasks import refund_execute as refund_execute_task
from storefront.promotions.models import Voucher
from support.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory
from tests.orders.test_payment_start import pay_by_card

pytestmark = pytest.mark.django_db

STAFF = Actor.job("returns")
CPF = "52998224725"
PIX_KEY = {"pix_key": "ana@example.com.br"}
ACCOUNT = {"bank": "341", "branch": "0123", "account": "45678-9", "holder_cpf": "529.982.247-25"}


@pytest.fixture(autouse=True)
def in_english():
    """Messages and notes as written in the code, whatever the translations say."""
    with translation.override("en"):
        yield


def paid_order(capture, method=Payment.Method.CARD, **fields):
    """An order of R$ 120,00 paid through the payment services: a card authorised and
    captured, or a Pix or boleto whose provider notice arrived."""
    order = OrderFactory(cpf=CPF, **fields)
    if method == Payment.Method.CARD:
        payment_capture(payment_id=pay_by_card(order).pk)
    else:
        payment = payment_start(order_id=order.pk, method=method)
        with capture(execute=True):
            sandbox_notice_deliver(payment=payment, kind=PAID)
    payment = order.payments.get(status=Payment.Status.PAID)
    assert payment.amount == Decimal("120.00")
    return order, payment


def ask(capture, order, amount, *, method=Refund.Method.ORIGINAL, source="return:1", execute=True, **kwargs):
    """Ask for a refund in a transaction of its own; the task runs after commit unless told."""
    with capture(execute=execute), transaction.atomic():
        return refund_request(
            order_id=order.pk, amount=Decimal(amount), method=method, source=source, actor=STAFF, **kwargs
        )


def notes(order) -> list[str]:
    return list(OrderEvent.objects.filter(order=order, to_status="").values_list("note", flat=True))


# Asking


def test_asking_again_for_the_same_reason_returns_the_first_refund_unchanged(
    django_capture_on_commit_callbacks,
):
    order, _payment = paid_order(django_capture_on_commit_callbacks)
    first = ask(django_capture_on_commit_callbacks, order, "30.00", execute=False)

    again = ask(django_capture_on_commit_callbacks, order, "50.00", method=Refund.Method.STORE_CREDIT)

    assert again.pk == first.pk
    assert (again.amount, again.method, again.status) == (
        Decimal("30.00"),
        Refund.Method.ORIGINAL,
        Refund.Status.PENDING,
    )
    assert Refund.objects.count() == 1


def test_a_reason_already_used_for_another_order_is_refused(django_capture_on_commit_callbacks):
    order, _payment = paid_order(django_capture_on_commit_callbacks)
    other, _payment = paid_order(django_capture_on_commit_callbacks)
    ask(django_capture_on_commit_callbacks, order, "30.00", execute=False)
    with pytest.raises(RefundSourceTaken):
        ask(django_capture_on_commit_callbacks, other, "30.00")
    assert not other.refunds.exists()


def test_more_than_was_paid_is_refused_and_nothing_changes(django_capture_on_commit_callbacks):
    # given
    order, payment = paid_order(django_capture_on_commit_callbacks)
    events_before = notes(order)
    # when
    with pytest.raises(RefundAboveRefundable) as refused:
        ask(django_capture_on_commit_callbacks, order, "120.01")
    # then
    assert refused.value.message == "Only R$\xa0120.00 of this order can still be refunded."
    assert refused.value.code == "refund_above_refundable"
    assert not Refund.objects.exists()
    assert not SandboxRefund.objects.exists()
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.PAID, Decimal("0.00"))
    assert notes(order) == events_before


def test_refunds_not_yet_made_and_store_credit_count_against_what_is_left(django_capture_on_commit_callbacks):
    order, _payment = paid_order(django_capture_on_commit_callbacks)
    ask(django_capture_on_commit_callbacks, order, "70.00", source="return:1", execute=False)
    ask(
        django_capture_on_commit_callbacks,
        order,
        "30.00",
        method=Refund.Method.STORE_CREDIT,
        source="return:2",
    )

    with pytest.raises(RefundAboveRefundable) as refused:
        ask(django_capture_on_commit_callbacks, order, "20.01", source="return:3")

    assert refused.value.message == "Only R$\xa020.00 of this order can still be refunded."
    assert ask(django_capture_on_commit_callbacks, order, "20.00", source="return:3", execute=False).pk


@pytest.mark.parametrize("amount", ["0", "-5.00", "10.001"])
def test_an_amount_that_is_not_positive_reais_and_centavos_is_refused(
    django_capture_on_commit_callbacks, amount
):
    order, _payment = paid_order(django_capture_on_commit_callbacks)
    with pytest.raises(RefundAmountInvalid):
        ask(django_capture_on_commit_callbacks, order, amount)
    assert not Refund.objects.exists()


def test_an_authorised_card_not_yet_captured_has_nothing_to_refund():
    order = OrderFactory()
    pay_by_card(order)
    with pytest.raises(RefundAboveRefundable) as refused, transaction.atomic():
        refund_request(order_id=order.pk, amount=Decimal("10.00"), method="original", source="x", actor=STAFF)
    assert refused.value.message == "Only R$\xa00.00 of this order can still be refunded."


# Back to the card or Pix


def test_a_card_is_refunded_in_part_then_in_full(django_capture_on_commit_callbacks):
    # given
    order, payment = paid_order(django_capture_on_commit_callbacks)
    # when part of it goes back
    first = ask(django_capture_on_commit_callbacks, order, "50.00", source="return:1")
    # then
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.PARTIALLY_REFUNDED, Decimal("50.00"))
    first.refresh_from_db()
    assert (first.status, first.attempts, first.payment_id) == (Refund.Status.DONE, 1, payment.pk)
    assert first.done_at is not None and first.provider_reference.startswith("rfd_")
    # when the rest goes back
    second = ask(django_capture_on_commit_callbacks, order, "70.00", source="return:2")
    # then
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.REFUNDED, Decimal("120.00"))
    assert Refund.objects.get(pk=second.pk).status == Refund.Status.DONE
    assert list(SandboxRefund.objects.values_list("idempotency_key", "amount", "requests")) == [
        (refund_idempotency_key(first), Decimal("50.00"), 1),
        (refund_idempotency_key(second), Decimal("70.00"), 1),
    ]
    made = [note for note in notes(order) if "made" in note]
    assert made == [
        f"Refund of R$\xa050.00 made: Back to the card or Pix it was paid with, "
        f"{first.provider_reference} (return:1).",
        f"Refund of R$\xa070.00 made: Back to the card or Pix it was paid with, "
        f"{Refund.objects.get(pk=second.pk).provider_reference} (return:2).",
    ]
    # and nothing is left to refund
    with pytest.raises(RefundAboveRefundable):
        ask(django_capture_on_commit_callbacks, order, "0.01", source="return:3")


def test_a_pix_is_refunded_to_the_account_that_paid(django_capture_on_commit_callbacks):
    order, payment = paid_order(django_capture_on_commit_callbacks, method=Payment.Method.PIX)

    refund = ask(django_capture_on_commit_callbacks, order, "120.00")

    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.REFUNDED, Decimal("120.00"))
    assert payment.refunded_at is not None
    book = SandboxRefund.objects.get()
    assert (book.reference, book.amount) == (payment.gateway_reference, Decimal("120.00"))
    assert SandboxCharge.objects.get(reference=payment.gateway_reference).refunded_amount == Decimal("120.00")
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.DONE


# Boletos: by transfer


def test_a_boleto_cannot_be_refunded_to_its_payer(django_capture_on_commit_callbacks):
    order, _payment = paid_order(django_capture_on_commit_callbacks, method=Payment.Method.BOLETO)

    with pytest.raises(BoletoNotRefundable) as refused:
        ask(django_capture_on_commit_callbacks, order, "120.00")

    assert refused.value.message == (
        "A boleto cannot be paid back to whoever paid it: give a Pix key or a bank account to "
        "transfer the money to."
    )
    with pytest.raises(RefundDestinationMissing):
        ask(django_capture_on_commit_callbacks, order, "120.00", method=Refund.Method.BANK_TRANSFER)
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("destination", "cleaned"),
    [
        (PIX_KEY, {"pix_key": "ana@example.com.br", "key_type": "email"}),
        (ACCOUNT, {"bank": "341", "branch": "0123", "account": "45678-9", "holder_cpf": CPF}),
    ],
)
def test_a_boleto_is_refunded_by_transfer_to_a_pix_key_or_bank_account(
    django_capture_on_commit_callbacks, destination, cleaned
):
    order, payment = paid_order(django_capture_on_commit_callbacks, method=Payment.Method.BOLETO)

    refund = ask(
        django_capture_on_commit_callbacks,
        order,
        "100.00",
        method=Refund.Method.BANK_TRANSFER,
        destination=destination,
    )

    refund.refresh_from_db()
    assert (refund.status, refund.destination, refund.payment_id) == (Refund.Status.DONE, cleaned, payment.pk)
    assert refund.provider_reference.startswith("pay_")
    book = SandboxRefund.objects.get()
    assert (book.destination, book.amount, book.reference) == (cleaned, Decimal("100.00"), "")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.PARTIALLY_REFUNDED, Decimal("100.00"))


@pytest.mark.parametrize(
    ("key", "cleaned"),
    [
        ("529.982.247-25", {"pix_key": "52998224725", "key_type": "cpf"}),
        ("11.222.333/0001-81", {"pix_key": "11222333000181", "key_type": "cnpj"}),
        ("12.abc.345/01de-35", {"pix_key": "12ABC34501DE35", "key_type": "cnpj"}),
        (" Ana.Souza@Example.com.br ", {"pix_key": "ana.souza@example.com.br", "key_type": "email"}),
        ("+55 (11) 98765-4321", {"pix_key": "+5511987654321", "key_type": "phone"}),
        ("+551133334444", {"pix_key": "+551133334444", "key_type": "phone"}),
        (
            "123E4567-E89B-42D3-A456-426614174000",
            {"pix_key": "123e4567-e89b-42d3-a456-426614174000", "key_type": "evp"},
        ),
    ],
)
def test_good_pix_keys_are_accepted_in_the_directorys_form(key, cleaned):
    assert pix_key_clean(key) == cleaned


@pytest.mark.parametrize(
    "key",
    [
        "",
        "52998224724",  # CPF with a wrong check digit
        "11222333000180",  # CNPJ with a wrong check digit
        "11111111111",  # all the same digit
        "11987654321",  # a phone must start with +55
        "+1 212 555 0100",  # not Brazilian
        "+55 11 8765",  # too short
        "ana@",
        "ana@example",
        "123e4567-e89b-42d3-a456-42661417400",  # one digit short
        "chave-qualquer",
    ],
)
def test_bad_pix_keys_are_refused(key):
    with pytest.raises(PixKeyInvalid) as refused:
        pix_key_clean(key)
    assert refused.value.message == (
        "This is not a valid Pix key. Give a CPF, a CNPJ, an email, a phone number starting "
        "with +55 or a random key."
    )


def test_a_bank_account_is_kept_in_its_usual_form():
    account = {"bank": "001", "branch": "12-3", "account": "0012.345-x", "holder_cpf": "529.982.247-25"}
    assert bank_account_clean(account) == {
        "bank": "001",
        "branch": "0012-3",
        "account": "0012345-X",
        "holder_cpf": CPF,
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"bank": "34"}, "bank"),
        ({"bank": "abc"}, "bank"),
        ({"branch": "12345"}, "branch"),
        ({"branch": ""}, "branch"),
        ({"account": "5"}, "account"),
        ({"account": "12a45-6"}, "account"),
        ({"holder_cpf": "52998224724"}, "holder_cpf"),
    ],
)
def test_a_bad_bank_account_names_the_wrong_field_and_no_refund_is_asked(
    django_capture_on_commit_callbacks, change, field
):
    order, _payment = paid_order(django_capture_on_commit_callbacks, method=Payment.Method.BOLETO)
    with pytest.raises(BankAccountInvalid) as refused:
        ask(
            django_capture_on_commit_callbacks,
            order,
            "10.00",
            method=Refund.Method.BANK_TRANSFER,
            destination={**ACCOUNT, **change},
        )
    assert refused.value.field == field
    assert not Refund.objects.exists()


# Store credit


def test_store_credit_is_a_voucher_for_the_orders_cpf_sent_to_the_customer_once(
    django_capture_on_commit_callbacks,
):
    # given
    order, payment = paid_order(django_capture_on_commit_callbacks, language="en")
    mail.outbox.clear()
    # when
    refund = ask(django_capture_on_commit_callbacks, order, "45.50", method=Refund.Method.STORE_CREDIT)
    refund_execute(refund_id=refund.pk)  # again: nothing more
    # then
    refund.refresh_from_db()
    voucher = Voucher.objects.get()
    assert refund.voucher == voucher
    assert (refund.status, refund.provider_reference, refund.attempts) == (
        Refund.Status.DONE,
        voucher.code,
        1,
    )
    assert voucher.code.startswith("CRED-") and len(voucher.code) == 13
    assert (voucher.kind, voucher.value, voucher.holder_cpf) == (Voucher.Kind.FIXED, Decimal("45.50"), CPF)
    assert (voucher.max_uses, voucher.max_uses_per_customer) == (1, 1)
    assert timedelta(days=364) < voucher.ends_at - timezone.now() <= timedelta(days=366)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.PAID, Decimal("0.00"))
    assert not SandboxRefund.objects.exists()
    notification = Notification.objects.get(kind=Notification.Kind.STORE_CREDIT)
    assert notification.subject == f"Order {order.number}: R$ 45.50 in store credit for you"
    assert voucher.code in notification.body_text and voucher.code in notification.body_html
    [email] = mail.outbox
    assert email.to == [order.email]


def test_store_credit_cannot_be_given_past_what_was_paid(django_capture_on_commit_callbacks):
    order, _payment = paid_order(django_capture_on_commit_callbacks)
    ask(django_capture_on_commit_callbacks, order, "120.00", method=Refund.Method.STORE_CREDIT)
    with pytest.raises(RefundAboveRefundable):
        ask(django_capture_on_commit_callbacks, order, "1.00", source="return:2")


# Exactly once


def test_running_again_after_a_crash_asks_the_provider_with_the_same_key_and_pays_once(
    django_capture_on_commit_callbacks, monkeypatch
):
    # given: a run that died after the provider paid, before the refund was recorded
    order, payment = paid_order(django_capture_on_commit_callbacks)
    refund = ask(django_capture_on_commit_callbacks, order, "40.00", execute=False)
    with monkeypatch.context() as patch:
        patch.setattr("orders.services.refunds._refund_done", lambda **kwargs: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            refund_execute(refund_id=refund.pk)
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("0.00")
    # when it runs again, and once more after it is made
    refund_execute(refund_id=refund.pk)
    refund_execute(refund_id=refund.pk)
    # then
    book = SandboxRefund.objects.get()
    assert (book.idempotency_key, book.amount, book.requests) == (
        refund_idempotency_key(refund),
        Decimal("40.00"),
        2,
    )
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.PARTIALLY_REFUNDED, Decimal("40.00"))
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (Refund.Status.DONE, 2)
    assert len([note for note in notes(order) if "made" in note]) == 1


def test_the_reconciler_enqueues_a_refund_whose_task_was_lost(django_capture_on_commit_callbacks):
    # given: asked, its task never ran (the broker was down)
    order, payment = paid_order(django_capture_on_commit_callbacks)
    refund = ask(django_capture_on_commit_callbacks, order, "120.00", execute=False)
    # when
    assert refunds_reconcile() == 0  # not stuck yet
    later = timezone.now() + RECONCILE_AFTER + timedelta(seconds=1)
    assert refunds_reconcile(now=later) == 1
    # then
    refund.refresh_from_db()
    assert refund.status == Refund.Status.DONE
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert refunds_reconcile(now=later + RECONCILE_AFTER * 2) == 0  # made: nothing to do


def test_a_provider_down_through_every_retry_fails_the_refund_and_a_person_retries_it(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    # given: the provider answers the first 9 requests of each refund with an outage
    settings.STORE_SANDBOX_REFUND_FAILURES = refund_execute_task.max_retries + 1
    monkeypatch.setitem(refund_execute_task.app.conf, "task_eager_propagates", False)
    order, payment = paid_order(django_capture_on_commit_callbacks)
    refund = ask(django_capture_on_commit_callbacks, order, "60.00", execute=False)
    # when the task gives up
    result = refund_execute_task.apply(kwargs={"refund_id": refund.pk})
    # then
    assert result.failed()
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (Refund.Status.FAILED, refund_execute_task.max_retries + 1)
    assert refund.last_error == "GatewayUnavailable: sandbox asked to fail"
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.PAID, Decimal("0.00"))
    assert "Refund of R$\xa060.00 failed and waits for a person" in notes(order)[-1]
    # when someone without the permission retries: refused
    with pytest.raises(PermissionMissing):
        refund_retry(refund_id=refund.pk, actor=Actor.staff(UserFactory(is_staff=True)))
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.FAILED
    # when a person allowed to retries it, the provider being back
    person = UserFactory(is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="retry_refund"))
    with django_capture_on_commit_callbacks(execute=True):
        refund_retry(refund_id=refund.pk, actor=Actor.staff(person))
    # then
    refund.refresh_from_db()
    assert (refund.status, refund.last_error) == (Refund.Status.DONE, "")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.PARTIALLY_REFUNDED, Decimal("60.00"))
    book = SandboxRefund.objects.get()
    assert book.requests == refund_execute_task.max_retries + 2


def test_a_refund_the_payment_has_no_room_for_fails_without_calling_the_provider(
    django_capture_on_commit_callbacks, monkeypatch
):
    # given: a refund asked, then the whole payment given back another way (a cancellation)
    monkeypatch.setitem(refund_execute_task.app.conf, "task_eager_propagates", False)
    order, payment = paid_order(django_capture_on_commit_callbacks)
    refund = ask(django_capture_on_commit_callbacks, order, "60.00", execute=False)
    Payment.objects.filter(pk=payment.pk).update(refunded_amount=Decimal("100.00"))
    # when
    refund_execute_task.apply(kwargs={"refund_id": refund.pk})
    # then
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert refund.last_error.startswith("RefundExceedsPayment")
    assert not SandboxRefund.objects.exists()


@pytest.mark.parametrize(("source", "target"), list(product(Refund.Status.values, repeat=2)))
def test_refund_transitions_follow_the_table_exactly(django_capture_on_commit_callbacks, source, target):
    order, _payment = paid_order(django_capture_on_commit_callbacks)
    refund = ask(django_capture_on_commit_callbacks, order, "10.00", execute=False)
    Refund.objects.filter(pk=refund.pk).update(status=source)
    refund.refresh_from_db()
    if target in REFUND_TRANSITIONS[source]:
        refund_transition(refund=refund, to=target)
        assert Refund.objects.get(pk=refund.pk).status == target
    else:
        with pytest.raises(RefundTransitionNotAllowed):
            refund_transition(refund=refund, to=target)
        assert Refund.objects.get(pk=refund.pk).status == source


# The sandbox provider's book


def test_the_sandbox_refuses_to_give_back_more_than_was_paid(django_capture_on_commit_callbacks):
    _order, payment = paid_order(django_capture_on_commit_callbacks)
    gateway = SandboxGateway()
    reference = gateway.refund(
        reference=payment.gateway_reference, amount=Decimal("100.00"), idempotency_key="a"
    )
    assert gateway.refund(
        reference=payment.gateway_reference, amount=Decimal("100.00"), idempotency_key="a"
    ) == (reference)
    with pytest.raises(RefundRefused):
        gateway.refund(reference=payment.gateway_reference, amount=Decimal("20.01"), idempotency_key="b")
    assert list(SandboxRefund.objects.values_list("idempotency_key", "requests")) == [("a", 2)]
    assert SandboxCharge.objects.get(reference=payment.gateway_reference).refunded_amount == Decimal("100.00")


# Reading


def test_the_order_page_data_carries_its_refunds_and_their_vouchers(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    customer = UserFactory()
    order, _payment = paid_order(django_capture_on_commit_callbacks, customer=customer)
    ask(django_capture_on_commit_callbacks, order, "20.00", method=Refund.Method.STORE_CREDIT, source="a")
    ask(django_capture_on_commit_callbacks, order, "30.00", source="b")

    page = order_get_for_customer(customer=customer, number=order.number)

    with django_assert_num_queries(0):
        assert [(refund.source, bool(refund.voucher)) for refund in page.refund_list] == [
            ("a", True),
            ("b", False),
        ]
    assert [refund.source for refund in refund_list_for_order(order=order)] == ["a", "b"]


def test_refunds_run_on_the_payments_queue_and_are_reconciled_every_five_minutes(settings):
    assert settings.CELERY_TASK_ROUTES["orders.refund_execute"] == {"queue": "payments"}
    assert settings.CELERY_BEAT_SCHEDULE["orders-refunds-reconcile"] == {
        "task": "orders.refunds_reconcile",
        "schedule": 300.0,
    }


def test_refunds_and_the_sandbox_book_are_listed_read_only_in_the_admin(
    client, django_capture_on_commit_callbacks
):
    order, _payment = paid_order(django_capture_on_commit_callbacks)
    refund = ask(django_capture_on_commit_callbacks, order, "20.00")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listed = client.get(reverse("admin:orders_refund_changelist"))
    book = client.get(reverse("admin:orders_sandboxrefund_changelist"))

    assert listed.status_code == book.status_code == 200
    assert order.number in listed.content.decode()
    assert refund_idempotency_key(refund) in book.content.decode()
    assert client.get(reverse("admin:orders_refund_add")).status_code == 403
