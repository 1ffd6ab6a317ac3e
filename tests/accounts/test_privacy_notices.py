"""The customer is told, by email in their language, when their erasure request is carried out,
refused or put to wait; the notice of erasure leaves nothing of them in the message log."""

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.utils import translation

from backoffice.roles import Role
from core.actor import Actor
from orders.models import Order
from storefront.accounts.erasure import (
    customer_anonymise,
    erasure_request_carry_out,
    erasure_request_create,
    erasure_request_refuse,
    placeholder_email,
)
from storefront.accounts.exceptions import ErasureRefusalReasonMissing
from storefront.accounts.models import ErasureRequest, User
from support.notifications.exceptions import NotificationTransitionNotAllowed
from support.notifications.models import Notification
from support.notifications.services import notification_fail, notification_retry
from tests.accounts.factories import UserFactory
from tests.accounts.privacy_seed import EMAIL, PERSONAL, seeded_customer
from tests.accounts.test_privacy_erasure import personal_data_found
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture
def data_protection(make_staff):
    return make_staff(Role.DATA_PROTECTION)


def _customer(language: str = "en") -> User:
    return UserFactory(
        email="helena.prado@example.com.br", full_name="Helena Prado Quaresma", language=language
    )


def test_carrying_out_tells_the_old_address_and_the_log_forgets_it(
    django_capture_on_commit_callbacks, data_protection
):
    # given
    customer = _customer(language="en")
    request = erasure_request_create(user=customer)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        request = erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection))
    # then the email went to the address the person had, in their language
    assert request.status == ErasureRequest.Status.DONE
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["helena.prado@example.com.br"]
    assert sent.subject == "Your personal data at Loja Aurora was erased"
    assert f"As you asked (request #{request.pk}), we erased your personal data" in sent.body
    assert "Helena" not in sent.body and "Helena" not in sent.alternatives[0].content
    # and the log keeps that it went, not where
    notice = Notification.objects.get(kind=Kind.ERASURE_DONE)
    assert notice.status == Notification.Status.SENT
    assert notice.recipient_id == customer.pk and notice.language == "en"
    assert notice.to_address == placeholder_email(key=str(customer.pk))
    assert notice.dedup_key == f"erasure_done:{request.pk}"
    assert personal_data_found(("helena.prado@example.com.br", "Helena Prado Quaresma")) == []


def test_the_full_erasure_sends_its_notice_and_still_leaves_nothing_personal(
    django_capture_on_commit_callbacks, data_protection
):
    # given the customer the store knows everything about (WhatsApp updates chosen too)
    seeded = seeded_customer(django_capture_on_commit_callbacks, staff=data_protection)
    request = erasure_request_create(user=seeded.user)
    mail.outbox.clear()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection))
    # then the notice went by email to the old address, and nothing of the person is left
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    assert Notification.objects.get(kind=Kind.ERASURE_DONE).channel == Notification.Channel.EMAIL
    found = personal_data_found(PERSONAL)
    assert found == [], found


def test_a_notice_given_up_forgets_the_address_and_cannot_be_sent_again(
    django_capture_on_commit_callbacks, data_protection, make_staff
):
    # given a mail server that refuses the address for good
    customer = _customer()
    request = erasure_request_create(user=customer)
    refusal = smtplib.SMTPRecipientsRefused({"helena.prado@example.com.br": (550, b"no such user")})
    # when
    with (
        mock.patch("support.notifications.services.EmailMultiAlternatives.send", side_effect=refusal),
        django_capture_on_commit_callbacks(execute=True),
    ):
        erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection))
    # then
    notice = Notification.objects.get(kind=Kind.ERASURE_DONE)
    assert notice.status == Notification.Status.FAILED
    assert notice.to_address == placeholder_email(key=str(customer.pk))
    assert "helena.prado" not in notice.last_error and notice.last_error
    with pytest.raises(NotificationTransitionNotAllowed):
        notification_retry(notification_id=notice.pk, actor=Actor.staff(make_staff(Role.SUPPORT_AGENT)))
    assert personal_data_found(("helena.prado@example.com.br",)) == []


def test_a_notice_the_worker_gives_up_on_forgets_the_address(
    django_capture_on_commit_callbacks, data_protection
):
    # given the notice queued but never delivered (the worker's retries ran out)
    customer = _customer()
    request = erasure_request_create(user=customer)
    with django_capture_on_commit_callbacks(execute=False):
        erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection))
    notice = Notification.objects.get(kind=Kind.ERASURE_DONE)
    assert notice.to_address == "helena.prado@example.com.br"  # still needed to send it
    # when
    notification_fail(notification_id=notice.pk)
    # then
    notice.refresh_from_db()
    assert notice.status == Notification.Status.FAILED
    assert notice.to_address == placeholder_email(key=str(customer.pk))
    assert mail.outbox == []


def test_a_person_already_anonymised_is_not_written_to(django_capture_on_commit_callbacks, data_protection):
    customer = _customer()
    customer_anonymise(user_id=customer.pk)
    request = erasure_request_create(user=User.objects.get(pk=customer.pk))
    with django_capture_on_commit_callbacks(execute=True):
        done = erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection))
    assert done.status == ErasureRequest.Status.DONE
    assert not Notification.objects.filter(kind=Kind.ERASURE_DONE).exists()
    assert mail.outbox == []


def test_a_refusal_tells_the_customer_why_in_their_language(
    django_capture_on_commit_callbacks, data_protection
):
    # given an English-speaking customer
    customer = _customer(language="en")
    request = erasure_request_create(user=customer)
    # when staff working in Portuguese refuse it
    with translation.override("pt-br"), django_capture_on_commit_callbacks(execute=True):
        erasure_request_refuse(
            request_id=request.pk,
            actor=Actor.staff(data_protection),
            reason="Your identity could not be confirmed.\nPlease write from the account's email.",
        )
    # then
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["helena.prado@example.com.br"]
    assert sent.subject == "Your request to erase your data at Loja Aurora was refused"
    assert sent.body.startswith("Hello, Helena!")
    assert f"We cannot carry out your request #{request.pk} to erase your personal data" in sent.body
    assert "Your identity could not be confirmed.\nPlease write from the account's email." in sent.body
    assert "/account/privacidade/" in sent.body
    assert "Your identity could not be confirmed." in sent.alternatives[0].content
    notice = Notification.objects.get(kind=Kind.ERASURE_REFUSED)
    assert notice.language == "en" and notice.dedup_key == f"erasure_refused:{request.pk}"


def test_a_refusal_is_written_in_portuguese_to_a_portuguese_speaker(
    django_capture_on_commit_callbacks, data_protection
):
    customer = _customer(language="pt-br")
    request = erasure_request_create(user=customer)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        erasure_request_refuse(
            request_id=request.pk, actor=Actor.staff(data_protection), reason="Fraude em apuração."
        )
    notice = Notification.objects.get(kind=Kind.ERASURE_REFUSED)
    assert notice.language == "pt-br"
    assert notice.body_text.startswith("Olá, Helena!")
    assert "Fraude em apuração." in notice.body_text


def test_a_refusal_without_a_reason_sends_nothing(data_protection, django_capture_on_commit_callbacks):
    request = erasure_request_create(user=_customer())
    with pytest.raises(ErasureRefusalReasonMissing), django_capture_on_commit_callbacks(execute=True):
        erasure_request_refuse(request_id=request.pk, actor=Actor.staff(data_protection), reason=" ")
    assert not Notification.objects.exists() and mail.outbox == []


def test_waiting_tells_the_customer_what_holds_it_in_their_language(
    django_capture_on_commit_callbacks, data_protection
):
    # given a Portuguese-speaking customer with an order being picked
    customer = _customer(language="pt-br")
    order = OrderFactory(customer=customer, email=customer.email, status=Order.Status.PICKING)
    request = erasure_request_create(user=customer)
    # when staff working in English carry it out
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        request = erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection))
    # then staff read the reason in English, the customer in Portuguese
    assert request.status == ErasureRequest.Status.WAITING
    assert request.waiting_reason == f"Order {order.number} is not finished yet (Picking)."
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["helena.prado@example.com.br"]
    assert sent.body.startswith("Olá, Helena!")
    hold = next(line for line in sent.body.splitlines() if order.number in line)
    assert hold.startswith("- ") and hold.endswith("(Em separação).")  # the order's state, in Portuguese
    notice = Notification.objects.get(kind=Kind.ERASURE_WAITING)
    assert notice.language == "pt-br" and notice.status == Notification.Status.SENT


def test_waiting_again_for_the_same_reasons_tells_once_and_new_reasons_again(
    django_capture_on_commit_callbacks, data_protection
):
    customer = _customer(language="en")
    order = OrderFactory(customer=customer, email=customer.email, status=Order.Status.PAID)
    request = erasure_request_create(user=customer)
    actor = Actor.staff(data_protection)
    with django_capture_on_commit_callbacks(execute=True):
        erasure_request_carry_out(request_id=request.pk, actor=actor)
        erasure_request_carry_out(request_id=request.pk, actor=actor)
    assert len(mail.outbox) == 1
    # when the order moves on but still holds the request
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SHIPPED)
    with django_capture_on_commit_callbacks(execute=True):
        erasure_request_carry_out(request_id=request.pk, actor=actor)
    # then the customer hears what holds it now; and once it is delivered, that it was done
    assert len(mail.outbox) == 2
    assert f"Order {order.number} is not finished yet (Shipped)." in mail.outbox[1].body
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DELIVERED)
    with django_capture_on_commit_callbacks(execute=True):
        done = erasure_request_carry_out(request_id=request.pk, actor=actor)
    assert done.status == ErasureRequest.Status.DONE
    assert [message.subject for message in mail.outbox][2:] == [
        "Your personal data at Loja Aurora was erased"
    ]
    assert mail.outbox[2].to == ["helena.prado@example.com.br"]
    assert list(Notification.objects.order_by("pk").values_list("kind", flat=True)) == [
        Kind.ERASURE_WAITING,
        Kind.ERASURE_WAITING,
        Kind.ERASURE_DONE,
    ]
    # the waiting notices, sent before, were anonymised with the rest
    assert personal_data_found(("helena.prado@example.com.br", "Helena Prado Quaresma")) == []


def test_a_job_carrying_out_a_waiting_request_sends_one_notice(
    django_capture_on_commit_callbacks, data_protection
):
    from storefront.accounts.retention import erasure_requests_waiting_retry

    customer = _customer()
    order = OrderFactory(customer=customer, email=customer.email, status=Order.Status.PAID)
    request = erasure_request_create(user=customer)
    with django_capture_on_commit_callbacks(execute=True):
        erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection))
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        assert erasure_requests_waiting_retry() == 1
        assert erasure_requests_waiting_retry() == 0
    assert Notification.objects.filter(kind=Kind.ERASURE_DONE).count() == 1
    assert mail.outbox[-1].to == ["helena.prado@example.com.br"]
