"""Sales recovery with a real worker delivering the reminders, the clock frozen where the
reminder job runs: a cart's three reminders go on time and none after the purchase, an
opt-out stops everything, and an expired Pix comes back through its link and is counted."""

import email
from datetime import timedelta
from email import policy

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, RecoveryOpportunity
from orders.services.payments import payments_expire
from support.notifications.models import Notification
from support.recovery.models import RecoveryMessage
from support.recovery.selectors import recovery_report
from support.recovery.services import recovery_reminders_send_due
from tests.checkout.test_checkout_views import place, to_review
from tests.logistics.factories import service_and_box
from tests.orders.factories import OrderFactory
from tests.recovery.factories import lost_cart, variant_in_stock
from tests.worker.test_welcome_email import EMAIL_END, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

Status = RecoveryOpportunity.Status


def reminders_at(moment) -> None:
    with time_machine.travel(moment, tick=False), transaction.atomic():  # delivered by the worker on commit
        recovery_reminders_send_due()


def sent_emails(outbox, count: int) -> list[email.message.EmailMessage]:
    """The first `count` messages the worker wrote, parsed, once it wrote them whole."""

    def written():
        texts = [path.read_text() for path in sorted(outbox.iterdir())]
        messages = [part for text in texts for part in text.split(EMAIL_END) if part.strip()]
        return messages if len(messages) >= count and all(EMAIL_END in text for text in texts) else None

    return [email.message_from_string(text.strip(), policy=policy.default) for text in wait_for(written)]


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def wait_sent(count: int) -> None:
    wait_for(lambda: Notification.objects.filter(status=Notification.Status.SENT).count() >= count)


def test_a_cart_gets_its_three_reminders_on_time_and_none_after_the_purchase(
    celery_worker, migrated_defaults
):
    lost_at = timezone.now() - timedelta(days=10)
    lost_cart(lost_at=lost_at, email="rita@example.com.br")
    outbox = celery_worker.start().outbox

    reminders_at(lost_at + timedelta(minutes=59))
    reminders_at(lost_at + timedelta(hours=1))
    wait_sent(1)
    reminders_at(lost_at + timedelta(hours=24))
    wait_sent(2)
    reminders_at(lost_at + timedelta(hours=72))
    wait_sent(3)

    subjects = {message["Subject"] for message in sent_emails(outbox, 3)}
    assert subjects == {
        "Você esqueceu algo no carrinho",
        "Seus itens ainda estão disponíveis",
        "Última lembrança do seu carrinho",
    }
    assert list(RecoveryMessage.objects.order_by("created_at").values_list("step", flat=True)) == [1, 2, 3]


def test_nothing_goes_after_the_purchase(celery_worker, migrated_defaults):
    lost_at = timezone.now() - timedelta(days=10)
    lost_cart(lost_at=lost_at, email="rita@example.com.br")
    outbox = celery_worker.start().outbox
    reminders_at(lost_at + timedelta(hours=1))
    wait_sent(1)

    OrderFactory(email="rita@example.com.br", placed_at=lost_at + timedelta(hours=5))
    reminders_at(lost_at + timedelta(hours=24))
    reminders_at(lost_at + timedelta(hours=72))

    opportunity = RecoveryOpportunity.objects.get()
    assert (opportunity.status, opportunity.close_reason) == (Status.CLOSED, "purchased")
    assert RecoveryMessage.objects.count() == 1
    assert len(sent_emails(outbox, 1)) == 1


def test_an_opt_out_from_the_reminder_stops_everything(celery_worker, client, migrated_defaults):
    lost_at = timezone.now() - timedelta(days=10)
    lost_cart(lost_at=lost_at, email="rita@example.com.br")
    outbox = celery_worker.start().outbox
    reminders_at(lost_at + timedelta(hours=1))
    [first] = sent_emails(outbox, 1)
    assert str(first["List-Unsubscribe"]).strip().startswith("<http")

    unsubscribe = next(word for word in body_of(first).split() if "/lembretes/sair/" in word)
    assert client.get(unsubscribe.removeprefix("http://testserver")).status_code == 200
    reminders_at(lost_at + timedelta(hours=24))
    reminders_at(lost_at + timedelta(hours=72))

    assert RecoveryOpportunity.objects.get().close_reason == "opted_out"
    assert RecoveryMessage.objects.count() == 1


def test_an_expired_pix_is_recovered_through_its_link_and_counted(celery_worker, client, migrated_defaults):
    service_and_box()
    variant = variant_in_stock(price="70.00")
    celery_worker.start()
    client.get(reverse("cart:cart-detail"))
    client.post(reverse("cart:cart-add"), {"variant": variant.pk, "quantity": 1})
    to_review(client, payment={"delivery": "sedex"})
    place(client)
    lost = Order.objects.get()
    expired_at = lost.payments.get().expires_at + timedelta(minutes=1)
    with time_machine.travel(expired_at, tick=False):
        assert payments_expire() == 1
    opportunity = RecoveryOpportunity.objects.get(order=lost)
    assert opportunity.kind == RecoveryOpportunity.Kind.EXPIRED_PAYMENT

    reminders_at(opportunity.lost_at + timedelta(hours=1))
    message = wait_for(lambda: RecoveryMessage.objects.filter(notification__status="sent").first())
    link = next(word for word in message.notification.body_text.split() if "/carrinho/voltar/" in word)

    client.get(link.removeprefix("http://testserver"))
    to_review(client, payment={"delivery": "sedex"})
    place(client)

    opportunity.refresh_from_db()
    again = Order.objects.exclude(pk=lost.pk).get()
    assert (opportunity.status, opportunity.recovered_order, opportunity.recovered_step) == (
        Status.RECOVERED,
        again,
        1,
    )
    [kind] = [
        kind
        for kind in recovery_report(since=opportunity.lost_at, until=opportunity.lost_at + timedelta(days=1))
        if kind.kind == RecoveryOpportunity.Kind.EXPIRED_PAYMENT
    ]
    assert (kind.steps[0].sent, kind.steps[0].clicks, kind.orders, kind.revenue) == (
        1,
        1,
        1,
        again.grand_total,
    )
