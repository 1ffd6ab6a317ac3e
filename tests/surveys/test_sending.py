"""The survey after delivery: sent by the periodic job once the policy's days have passed,
once per order, in the customer's language, by email or on WhatsApp by consent."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from support.notifications.models import ContactPreference, Notification, SandboxWhatsAppMessage
from support.surveys import services
from support.surveys.models import Survey, SurveyPolicy
from support.surveys.selectors import survey_get_for_link
from support.surveys.services import order_survey_send, surveys_send_due
from support.surveys.tasks import surveys_send_due as surveys_send_due_task
from tests.accounts.factories import UserFactory
from tests.returns.factories import delivered_order
from tests.surveys.factories import surveyed_order

pytestmark = pytest.mark.django_db

SCORE_LINK = re.compile(r'href="http://testserver(/ajuda/pesquisa/[^"/]+/)"')


def test_the_survey_goes_out_the_policy_days_after_delivery_and_not_before(
    django_capture_on_commit_callbacks,
):
    # given an order delivered now, and the default policy (7 days)
    order = delivered_order(django_capture_on_commit_callbacks)
    delivered_at = timezone.now()
    # when the job runs a minute short of seven days later
    with (
        time_machine.travel(delivered_at + timedelta(days=7) - timedelta(minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert surveys_send_due() == 0
    # then nothing was asked
    assert not Survey.objects.exists()
    # when it runs once seven days have passed
    mail.outbox.clear()
    with (
        time_machine.travel(delivered_at + timedelta(days=7, minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert surveys_send_due() == 1
    # then the customer has the survey by email, the scale as eleven one-click links
    survey = Survey.objects.get(order=order)
    assert survey.kind == Survey.Kind.NPS
    assert survey.channel == Survey.Channel.EMAIL
    assert survey.carrier == "Correios"
    assert survey.notification.kind == Notification.Kind.SATISFACTION_SURVEY
    [message] = mail.outbox
    assert message.to == [order.email]
    html = message.alternatives[0][0]
    links = SCORE_LINK.findall(html)
    assert len(links) == 11
    scores = [survey_get_for_link(token=link.rstrip("/").rsplit("/", 1)[-1])[1] for link in links]
    assert scores == list(range(11))


def test_a_manager_sets_how_many_days_after_delivery(django_capture_on_commit_callbacks):
    SurveyPolicy.objects.update_or_create(pk=1, defaults={"days_after_delivery": 3})
    order = delivered_order(django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        surveys_send_due()
    assert Survey.objects.filter(order=order).count() == 1


def test_surveys_turned_off_send_nothing(django_capture_on_commit_callbacks):
    SurveyPolicy.objects.update_or_create(pk=1, defaults={"nps_enabled": False})
    delivered_order(django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert surveys_send_due() == 0
    assert not Survey.objects.exists()


def test_an_order_is_asked_once_however_often_the_job_runs(django_capture_on_commit_callbacks):
    # given an order whose survey went out
    order, survey = surveyed_order(django_capture_on_commit_callbacks)
    sent = Notification.objects.count()
    # when the job runs again, and the service is called for the order again
    with django_capture_on_commit_callbacks(execute=True):
        assert surveys_send_due() == 0
        assert order_survey_send(order_id=order.pk) == survey
    # then there is still one survey and one message
    assert Survey.objects.filter(order=order).count() == 1
    assert Notification.objects.count() == sent
    # and the database refuses a second survey of the order
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.create(kind=Survey.Kind.NPS, order=order, channel="email", language="pt-br")


def test_an_order_delivered_long_before_the_job_ran_is_not_asked(django_capture_on_commit_callbacks):
    delivered_order(django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=7 + 31)):
        assert surveys_send_due() == 0
    assert not Survey.objects.exists()


def test_the_job_enqueues_itself_again_while_a_whole_batch_was_sent(
    django_capture_on_commit_callbacks, monkeypatch
):
    # given two orders due and batches of one
    first = delivered_order(django_capture_on_commit_callbacks)
    second = delivered_order(django_capture_on_commit_callbacks)
    monkeypatch.setattr(services, "SEND_BATCH", 1)
    # when the periodic task runs once (eagerly: the next run follows at once)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        surveys_send_due_task.delay()
    # then both were asked
    assert set(Survey.objects.values_list("order_id", flat=True)) == {first.pk, second.pk}


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_the_survey_speaks_the_customers_language(django_capture_on_commit_callbacks, language):
    order, survey = surveyed_order(django_capture_on_commit_callbacks, language=language)
    with translation.override(language):
        subject = gettext("How was your order %(number)s?") % {"number": order.number}
        greeting = gettext("Hello, %(first_name)s!") % {"first_name": "Ana"}
    assert survey.language == language
    assert survey.notification.language == language
    assert survey.notification.subject == subject
    assert greeting in survey.notification.body_text


def test_a_customer_who_chose_whatsapp_gets_the_approved_template_there(django_capture_on_commit_callbacks):
    # given a customer who consented to WhatsApp
    customer = UserFactory(full_name="Ana Souza")
    ContactPreference.objects.create(
        user=customer, whatsapp_phone="5511987650001", whatsapp_consent_at=timezone.now()
    )
    mail.outbox.clear()
    # when their order's survey goes out
    order, survey = surveyed_order(django_capture_on_commit_callbacks, customer=customer)
    # then it went on WhatsApp, as the approved template with the page of the scale
    assert survey.channel == Survey.Channel.WHATSAPP
    notification = survey.notification
    assert notification.channel == Notification.Channel.WHATSAPP
    assert notification.template == "satisfaction_survey"
    assert notification.to_address == "5511987650001"
    assert notification.template_parameters[:2] == ["Ana", order.number]
    assert notification.status == Notification.Status.SENT
    sent = SandboxWhatsAppMessage.objects.get(phone="5511987650001", template="satisfaction_survey")
    assert notification.template_parameters[2] in sent.body
    assert not [message for message in mail.outbox if message.to == [order.email]]


def test_a_customer_who_withdrew_consent_gets_the_survey_by_email(django_capture_on_commit_callbacks):
    customer = UserFactory()
    ContactPreference.objects.create(
        user=customer,
        whatsapp_phone="5511987650001",
        whatsapp_consent_at=timezone.now() - timedelta(days=30),
        whatsapp_withdrawn_at=timezone.now() - timedelta(days=1),
    )
    _order, survey = surveyed_order(django_capture_on_commit_callbacks, customer=customer)
    assert survey.channel == Survey.Channel.EMAIL
    assert survey.notification.channel == Notification.Channel.EMAIL
    assert not SandboxWhatsAppMessage.objects.filter(template="satisfaction_survey").exists()
