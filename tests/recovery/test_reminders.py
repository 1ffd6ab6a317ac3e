"""Reminders of lost sales: on time, on the channel the customer agreed to, and never after
the person bought, asked for no more, or the items are gone; never more than the weekly limit."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from core.actor import Actor
from orders.models import Order, Payment, RecoveryOpportunity
from orders.services.cancellation import order_cancel, order_cancel_by_staff
from support.notifications.models import Notification
from support.notifications.services import whatsapp_consent_set
from support.recovery.models import RecoveryMessage, RecoveryOptOut, RecoveryPolicy, RecoveryStep
from support.recovery.services import recovery_opt_out, recovery_reminders_send_due
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory
from tests.recovery.factories import lost_cart, lost_order, variant_in_stock

pytestmark = pytest.mark.django_db

LOST = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))
Kind, Reason, Status = RecoveryOpportunity.Kind, RecoveryOpportunity.CloseReason, RecoveryOpportunity.Status


def run_at(moment: datetime, capture) -> int:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return recovery_reminders_send_due()


def reminders() -> list[tuple[int, str]]:
    return list(RecoveryMessage.objects.order_by("step").values_list("step", "notification__channel"))


def test_a_customers_cart_is_recorded_with_its_items_phone_and_language():
    customer = UserFactory(full_name="Rita Alves", language="en")
    variant = variant_in_stock(price="50.00")

    opportunity = lost_cart(lost_at=LOST, customer=customer, variant=variant, quantity=2)

    assert opportunity.kind == Kind.ABANDONED_CART
    assert (opportunity.email, opportunity.name, opportunity.language) == (customer.email, "Rita Alves", "en")
    assert opportunity.lines == [[variant.pk, 2]] and opportunity.value == 100
    assert opportunity.lost_at == LOST and opportunity.status == Status.OPEN


def test_a_guests_cart_counts_once_they_typed_their_email_and_an_anonymous_one_never():
    opportunity = lost_cart(lost_at=LOST, email="guest@example.com.br", phone="21999990000")
    assert (opportunity.email, opportunity.phone, opportunity.customer) == (
        "guest@example.com.br",
        "21999990000",
        None,
    )


def test_the_three_reminders_of_a_cart_go_on_time_then_it_runs_out(django_capture_on_commit_callbacks):
    lost_cart(lost_at=LOST, email="rita@example.com.br")
    capture = django_capture_on_commit_callbacks

    run_at(LOST + timedelta(minutes=59), capture)
    assert reminders() == []
    run_at(LOST + timedelta(hours=1), capture)
    assert reminders() == [(1, "email")]
    run_at(LOST + timedelta(hours=23), capture)
    assert len(reminders()) == 1
    run_at(LOST + timedelta(hours=24), capture)
    run_at(LOST + timedelta(hours=72), capture)
    assert reminders() == [(1, "email"), (2, "email"), (3, "email")]  # no WhatsApp consent: email

    [first, *_rest] = mail.outbox
    assert first.to == ["rita@example.com.br"]
    assert first.subject == "Você esqueceu algo no carrinho"
    assert (
        "Oi, Rita!" in first.body and "/carrinho/voltar/" in first.body and "/lembretes/sair/" in first.body
    )
    assert first.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    run_at(LOST + timedelta(days=7), capture)
    opportunity = RecoveryOpportunity.objects.get()
    assert (opportunity.status, opportunity.close_reason) == (Status.CLOSED, Reason.RAN_OUT)
    assert len(mail.outbox) == 3


def test_a_late_run_sends_only_the_latest_reminder_due(django_capture_on_commit_callbacks):
    lost_cart(lost_at=LOST, email="rita@example.com.br")
    run_at(LOST + timedelta(hours=30), django_capture_on_commit_callbacks)
    assert reminders() == [(2, "email")]


def test_a_customer_who_agreed_to_whatsapp_gets_the_whatsapp_step_there(django_capture_on_commit_callbacks):
    customer = UserFactory(full_name="Rita Alves")
    whatsapp_consent_set(user=customer, phone="5511987654321", consent=True)
    lost_cart(lost_at=LOST, customer=customer)

    run_at(LOST + timedelta(hours=24), django_capture_on_commit_callbacks)

    notification = RecoveryMessage.objects.get().notification
    assert (notification.channel, notification.to_address, notification.template) == (
        Notification.Channel.WHATSAPP,
        "5511987654321",
        "sales_recovery",
    )
    assert (
        "Rita, guardamos o seu carrinho" in notification.body_text
        and "/carrinho/voltar/" in notification.body_text
    )


def test_english_customers_read_the_english_words(django_capture_on_commit_callbacks):
    lost_cart(lost_at=LOST, customer=UserFactory(full_name="Rita Alves", language="en"))
    run_at(LOST + timedelta(hours=1), django_capture_on_commit_callbacks)
    assert mail.outbox[0].subject == "You left something in your cart"
    assert "Hi Rita!" in mail.outbox[0].body


def test_nothing_goes_after_the_person_bought(django_capture_on_commit_callbacks):
    lost_cart(lost_at=LOST, email="rita@example.com.br")
    run_at(LOST + timedelta(hours=1), django_capture_on_commit_callbacks)
    OrderFactory(email="rita@example.com.br", placed_at=LOST + timedelta(hours=2))

    run_at(LOST + timedelta(hours=24), django_capture_on_commit_callbacks)

    opportunity = RecoveryOpportunity.objects.get()
    assert (opportunity.status, opportunity.close_reason) == (Status.CLOSED, Reason.PURCHASED)
    assert reminders() == [(1, "email")]


def test_nothing_goes_once_the_items_are_gone(django_capture_on_commit_callbacks):
    variant = variant_in_stock()
    lost_cart(lost_at=LOST, email="rita@example.com.br", variant=variant)
    variant.is_active = False
    variant.save(update_fields=["is_active"])

    run_at(LOST + timedelta(hours=1), django_capture_on_commit_callbacks)

    assert RecoveryOpportunity.objects.get().close_reason == Reason.ITEMS_GONE
    assert reminders() == []


def test_an_opt_out_stops_every_lost_sale_of_the_person_and_is_kept(django_capture_on_commit_callbacks):
    lost_cart(lost_at=LOST, email="rita@example.com.br")
    lost_order(order=OrderFactory(email="rita@example.com.br"))

    with time_machine.travel(LOST + timedelta(minutes=40), tick=False):
        recovery_opt_out(email="Rita@Example.com.br", source=RecoveryOptOut.Source.LINK)
    run_at(LOST + timedelta(days=3), django_capture_on_commit_callbacks)

    assert set(RecoveryOpportunity.objects.values_list("status", "close_reason")) == {
        (Status.CLOSED, Reason.OPTED_OUT)
    }
    assert reminders() == []
    opt_out = RecoveryOptOut.objects.get()
    assert (opt_out.email, opt_out.source, opt_out.is_in_force) == ("rita@example.com.br", "link", True)


def test_an_opt_out_of_an_address_never_reminded_records_nothing():
    assert recovery_opt_out(email="nobody@example.com.br", source=RecoveryOptOut.Source.LINK) is None
    assert not RecoveryOptOut.objects.exists()


def test_the_weekly_limit_holds_reminders_back_until_one_leaves_the_window(
    django_capture_on_commit_callbacks,
):
    RecoveryPolicy.objects.update(weekly_limit=2)
    for hours in (0, 1):  # two carts of the same person, lost an hour apart
        lost_cart(lost_at=LOST + timedelta(hours=hours), email="rita@example.com.br")
    lost_cart(lost_at=LOST + timedelta(hours=2), email="rita@example.com.br")

    run_at(LOST + timedelta(hours=3, minutes=30), django_capture_on_commit_callbacks)

    assert RecoveryMessage.objects.count() == 2
    held = RecoveryOpportunity.objects.get(messages__isnull=True)
    assert held.next_message_at == RecoveryMessage.objects.order_by(
        "created_at"
    ).first().created_at + timedelta(days=7)


def test_running_twice_sends_nothing_more(django_capture_on_commit_callbacks):
    lost_cart(lost_at=LOST, email="rita@example.com.br")
    run_at(LOST + timedelta(hours=1), django_capture_on_commit_callbacks)
    run_at(LOST + timedelta(hours=1, minutes=5), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_a_manager_changes_steps_and_texts(django_capture_on_commit_callbacks):
    step = RecoveryStep.objects.get(sequence__kind=Kind.ABANDONED_CART, position=1)
    step.delay, step.subject, step.message = timedelta(minutes=45), "Volte logo", "{name}, volte!"
    step.save()
    lost_cart(lost_at=LOST, email="rita@example.com.br")
    run_at(LOST + timedelta(minutes=45), django_capture_on_commit_callbacks)
    assert mail.outbox[0].subject == "Volte logo" and "Rita, volte!" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("reason", "declined", "kind"),
    [
        (Order.CancelReason.PAYMENT_EXPIRED, False, Kind.EXPIRED_PAYMENT),
        (Order.CancelReason.NOT_PAID, True, Kind.CARD_DECLINED),
        (Order.CancelReason.CUSTOMER, False, Kind.CANCELLED_ORDER),
    ],
)
def test_unpaid_declined_and_customer_cancelled_orders_are_lost_sales(reason, declined, kind):
    order = OrderFactory()
    if declined:
        Payment.objects.create(
            order=order,
            method=Payment.Method.CARD,
            amount=order.grand_total,
            gateway="sandbox",
            status=Payment.Status.FAILED,
        )
    opportunity = lost_order(order=order, reason=reason)
    assert (opportunity.kind, opportunity.phone, opportunity.name) == (kind, order.phone, order.full_name)


def test_orders_cancelled_by_staff_or_the_risk_analysis_are_not_lost_sales(make_staff):
    from backoffice.roles import Role

    staff = make_staff(Role.ORDER_ANALYST)
    with transaction.atomic():
        order_cancel_by_staff(order_id=OrderFactory().pk, actor=Actor.staff(staff), note="duplicado")
        order_cancel(order_id=OrderFactory().pk, actor=Actor.job("test"), reason=Order.CancelReason.RISK)
    assert not RecoveryOpportunity.objects.exists()
