"""CSAT when a ticket is resolved, once per ticket; a detractor's NPS or a low CSAT opens a
follow-up ticket, once per survey."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from backoffice.roles import Role
from core.actor import Actor
from support.models import Channel, Message, Priority, Ticket
from support.notifications.models import Notification
from support.services import Contact, Incoming, ticket_move, ticket_open
from support.surveys.exceptions import SurveyAlreadyAnswered
from support.surveys.models import Survey
from support.surveys.services import (
    survey_answer,
    survey_details_add,
    ticket_survey_send,
    ticket_surveys_reconcile,
)
from tests.accounts.factories import UserFactory
from tests.support.factories import open_ticket
from tests.surveys.factories import JOB, resolved_ticket, surveyed_order

pytestmark = pytest.mark.django_db


def _notes(ticket: Ticket) -> list[str]:
    return list(
        Message.objects.filter(ticket=ticket, direction=Message.Direction.NOTE)
        .order_by("pk")
        .values_list("body_text", flat=True)
    )


def test_a_detractor_opens_a_high_priority_ticket_on_the_order_once(django_capture_on_commit_callbacks):
    # given an order's survey
    order, survey = surveyed_order(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    # when the customer gives 3, then a comment
    with django_capture_on_commit_callbacks(execute=True):
        survey_answer(survey_id=survey.pk, score=3)
        survey_details_add(survey_id=survey.pk, comment="Veio amassado.", packaging_score=1)
    # then a high-priority ticket on the order waits for an agent, with the score and the comment
    survey.refresh_from_db()
    ticket = survey.follow_up_ticket
    assert ticket.order == order
    assert ticket.priority == Priority.HIGH
    assert ticket.channel == Channel.INTERNAL
    assert ticket.status == Ticket.Status.NEW
    first, second = _notes(ticket)
    assert order.number in first
    assert "3" in first
    assert "Veio amassado." in second
    assert "1/5" in second
    # and the customer was not sent a protocol for a conversation they did not start
    assert not Notification.objects.filter(kind=Notification.Kind.TICKET_RECEIVED).exists()
    # when the survey is answered again
    with pytest.raises(SurveyAlreadyAnswered):
        survey_answer(survey_id=survey.pk, score=0)
    # then there is still one follow-up
    assert Ticket.objects.filter(order=order, channel=Channel.INTERNAL).count() == 1


@pytest.mark.parametrize("score", [7, 8, 9, 10])
def test_passives_and_promoters_open_no_ticket(django_capture_on_commit_callbacks, score):
    _order, survey = surveyed_order(django_capture_on_commit_callbacks)
    survey_answer(survey_id=survey.pk, score=score)
    assert Survey.objects.get(pk=survey.pk).follow_up_ticket is None
    assert not Ticket.objects.filter(channel=Channel.INTERNAL).exists()


def test_a_resolved_ticket_asks_its_customer_once(django_capture_on_commit_callbacks, make_staff):
    # given a ticket an agent worked, resolved
    agent = make_staff(Role.SUPPORT_AGENT)
    mail.outbox.clear()
    ticket = resolved_ticket(django_capture_on_commit_callbacks, assignee=agent)
    # then its customer was asked by email, the agent kept for the results
    survey = Survey.objects.get(ticket=ticket)
    assert survey.kind == Survey.Kind.CSAT
    assert survey.agent == agent
    assert survey.notification.kind == Notification.Kind.TICKET_SURVEY
    assert [message.to for message in mail.outbox if ticket.protocol in message.subject] == [
        [ticket.customer.email]
    ]
    # when the ticket is reopened and resolved again, and the task runs again
    with django_capture_on_commit_callbacks(execute=True):
        ticket_move(ticket_id=ticket.pk, to=Ticket.Status.OPEN, actor=JOB)
        ticket_move(ticket_id=ticket.pk, to=Ticket.Status.RESOLVED, actor=JOB)
        ticket_survey_send(ticket_id=ticket.pk)
    # then nothing more was asked
    assert Survey.objects.filter(ticket=ticket).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.TICKET_SURVEY).count() == 1


def test_resolving_schedules_the_survey_after_commit_only(django_capture_on_commit_callbacks):
    ticket = open_ticket()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket_move(ticket_id=ticket.pk, to=Ticket.Status.RESOLVED, actor=JOB)
    assert not Survey.objects.exists()
    assert callbacks


def test_a_whatsapp_ticket_is_asked_on_whatsapp(django_capture_on_commit_callbacks):
    ticket = ticket_open(
        contact=Contact(name="Rita Lima", phone="5511987650002"),
        subject="Pedido",
        incoming=Incoming(channel=Channel.WHATSAPP, body_text="Oi, cadê meu pedido?"),
        actor=Actor.customer(None),
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket_move(ticket_id=ticket.pk, to=Ticket.Status.RESOLVED, actor=JOB)
    survey = Survey.objects.get(ticket=ticket)
    assert survey.channel == Survey.Channel.WHATSAPP
    assert survey.notification.template == "ticket_survey"
    assert survey.notification.to_address == "5511987650002"
    assert survey.notification.template_parameters[:2] == ["Rita", ticket.protocol]


def test_tickets_the_store_opened_are_not_surveyed(django_capture_on_commit_callbacks):
    ticket = resolved_ticket(django_capture_on_commit_callbacks, channel=Channel.INTERNAL)
    assert not Survey.objects.filter(ticket=ticket).exists()


def test_a_low_csat_opens_a_follow_up_linked_to_the_first_ticket(
    django_capture_on_commit_callbacks, make_staff
):
    # given a resolved ticket's survey
    agent = make_staff(Role.SUPPORT_AGENT)
    first = resolved_ticket(django_capture_on_commit_callbacks, assignee=agent)
    survey = Survey.objects.get(ticket=first)
    # when the customer gives 1
    survey_answer(survey_id=survey.pk, score=1)
    # then a follow-up ticket is opened, the first ticket kept on the survey and named in its note
    survey.refresh_from_db()
    follow_up = survey.follow_up_ticket
    assert follow_up is not None and follow_up != first
    assert survey.ticket == first
    assert follow_up.priority == Priority.HIGH
    assert follow_up.customer == first.customer
    [note] = _notes(follow_up)
    assert first.protocol in note
    assert f"/backoffice/support/{first.protocol}/" in note
    # and resolving the follow-up asks nothing more
    with django_capture_on_commit_callbacks(execute=True):
        ticket_move(ticket_id=follow_up.pk, to=Ticket.Status.RESOLVED, actor=Actor.staff(agent))
    assert not Survey.objects.filter(ticket=follow_up).exists()


@pytest.mark.parametrize("score", [3, 4, 5])
def test_a_fair_csat_opens_no_ticket(django_capture_on_commit_callbacks, score):
    first = resolved_ticket(django_capture_on_commit_callbacks)
    survey = Survey.objects.get(ticket=first)
    survey_answer(survey_id=survey.pk, score=score)
    assert Survey.objects.get(pk=survey.pk).follow_up_ticket is None


def test_the_reconciler_asks_resolved_tickets_whose_task_was_lost(django_capture_on_commit_callbacks):
    # given a ticket resolved without its survey task running
    ticket = open_ticket(customer=UserFactory())
    ticket_move(ticket_id=ticket.pk, to=Ticket.Status.RESOLVED, actor=JOB)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - timedelta(minutes=30))
    # when the reconciler runs
    with django_capture_on_commit_callbacks(execute=True):
        assert ticket_surveys_reconcile() == 1
        assert ticket_surveys_reconcile() == 0
    # then it was asked, once
    assert Survey.objects.filter(ticket=ticket).count() == 1
