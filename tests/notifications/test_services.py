import smtplib
from datetime import timedelta
from itertools import product
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from backoffice.roles import Role
from core.actor import Actor, PermissionMissing
from support.notifications.exceptions import NotificationDeliveryFailed, NotificationTransitionNotAllowed
from support.notifications.models import NOTIFICATION_TRANSITIONS, Notification
from support.notifications.services import (
    RECONCILE_AFTER,
    notification_deliver,
    notification_fail,
    notification_queue,
    notification_reconcile,
    notification_retry,
    notification_transition,
)
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def queue_welcome(user, **overrides):
    return notification_queue(
        kind=Notification.Kind.WELCOME,
        recipient=user,
        dedup_key=f"welcome:{user.pk}",
        context={"first_name": "Ana"},
        **overrides,
    )


def test_queue_renders_the_message_in_the_recipients_language(django_capture_on_commit_callbacks):
    user = UserFactory(language="pt-br")
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_welcome(user)
    notification.refresh_from_db()
    assert notification.subject == "Boas-vindas à Loja Aurora"
    assert "Olá, Ana!" in notification.body_text
    assert "Olá, Ana!" in notification.body_html
    assert notification.status == Notification.Status.SENT
    assert mail.outbox[0].alternatives[0].mimetype == "text/html"


def test_queuing_the_same_key_twice_sends_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_welcome(user)
        second = queue_welcome(user)
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_delivering_twice_sends_once():
    notification = NotificationFactory()
    notification_deliver(notification_id=notification.pk)
    notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_is_recorded_and_raised_for_retry():
    notification = NotificationFactory()
    with (
        mock.patch(
            "support.notifications.services.EmailMultiAlternatives.send",
            side_effect=smtplib.SMTPServerDisconnected("gone"),
        ),
        pytest.raises(NotificationDeliveryFailed),
    ):
        notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 1
    assert notification.last_error == "gone"
    assert notification.sent_at is None


@pytest.mark.parametrize(
    "refusal",
    [
        smtplib.SMTPRecipientsRefused({"x@example.com.br": (550, b"no such user")}),
        smtplib.SMTPDataError(554, "rejected as spam"),
    ],
)
def test_a_permanent_refusal_fails_the_message_at_once(refusal):
    notification = NotificationFactory()
    with mock.patch("support.notifications.services.EmailMultiAlternatives.send", side_effect=refusal):
        notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert notification.last_error


def test_fail_gives_up_on_a_pending_message_but_never_on_a_sent_one():
    pending, sent = NotificationFactory(), NotificationFactory()
    notification_deliver(notification_id=sent.pk)
    assert notification_fail(notification_id=pending.pk).status == Notification.Status.FAILED
    assert notification_fail(notification_id=sent.pk).status == Notification.Status.SENT


def test_staff_with_the_permission_send_a_failed_message_again(
    make_staff, django_capture_on_commit_callbacks
):
    notification = NotificationFactory(failed=True)
    with django_capture_on_commit_callbacks(execute=True):
        notification_retry(notification_id=notification.pk, actor=Actor.staff(make_staff(Role.SUPPORT_AGENT)))
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1


def test_retry_is_refused_without_the_permission_and_changes_nothing(make_staff):
    notification = NotificationFactory(failed=True)
    with pytest.raises(PermissionMissing):
        notification_retry(notification_id=notification.pk, actor=Actor.staff(make_staff(Role.WAREHOUSE)))
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED


def test_retry_of_a_message_that_did_not_fail_is_refused(make_staff):
    notification = NotificationFactory()
    with pytest.raises(NotificationTransitionNotAllowed):
        notification_retry(notification_id=notification.pk, actor=Actor.staff(make_staff(Role.MANAGER)))


@pytest.mark.parametrize(("source", "target"), list(product(Notification.Status.values, repeat=2)))
def test_transitions_follow_the_table_exactly(source, target):
    notification = NotificationFactory(status=source, sent_at=timezone.now())
    allowed = target in NOTIFICATION_TRANSITIONS[source]
    if allowed:
        notification_transition(notification=notification, to=target)
        notification.refresh_from_db()
        assert notification.status == target
    else:
        with pytest.raises(NotificationTransitionNotAllowed):
            notification_transition(notification=notification, to=target)


def test_reconcile_enqueues_only_messages_stuck_in_pending():
    stuck, _fresh = NotificationFactory(), NotificationFactory()
    given_up = NotificationFactory(failed=True)
    long_ago = timezone.now() - RECONCILE_AFTER - timedelta(minutes=1)
    Notification.objects.filter(pk__in=[stuck.pk, given_up.pk]).update(updated_at=long_ago)
    with mock.patch("support.notifications.services.notification_deliver_task.delay") as delay:
        assert notification_reconcile() is None
    delay.assert_called_once_with(notification_id=stuck.pk)


def test_reconcile_works_in_batches(monkeypatch):
    monkeypatch.setattr("support.notifications.services.RECONCILE_BATCH", 2)
    stuck = NotificationFactory.create_batch(3)
    Notification.objects.update(updated_at=timezone.now() - RECONCILE_AFTER - timedelta(minutes=1))
    with mock.patch("support.notifications.services.notification_deliver_task.delay") as delay:
        last_id = notification_reconcile()
        assert last_id == stuck[1].pk
        assert notification_reconcile(after_id=last_id) is None
    assert [call.kwargs["notification_id"] for call in delay.call_args_list] == [n.pk for n in stuck]
