"""A customer answers the survey after delivery from the link in its email, in a real
browser: one click keeps the score, the form takes a comment and the packaging's score, and
a detractor's answer opens a follow-up ticket an agent finds from the results page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.roles import Role
from support.models import Message, Priority, Ticket
from support.surveys.models import Survey
from support.surveys.services import surveys_send_due
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.screens import DESKTOP, shoot_widths
from tests.returns.factories import delivered_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def score_link(html: str, score: int) -> str:
    """The one-click link of a score in the survey email."""
    links = {int(value): url for url, value in re.findall(r'<a href="([^"]+)" title="(\d+)"', html)}
    assert sorted(links) == list(range(11))
    return links[score]


def test_a_customer_answers_from_the_email_and_a_detractor_score_opens_a_ticket(
    page, browser, live_server, migrated_defaults, settings, django_capture_on_commit_callbacks
):
    # given an order delivered eight days ago, whose survey the periodic job sends now
    settings.SITE_URL = live_server.url
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        order = delivered_order(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    surveys_send_due()
    [email] = [message for message in mail.outbox if order.number in message.subject]
    link = score_link(email.alternatives[0][0], 2)
    assert link.startswith(live_server.url)

    # the plain-text email (and WhatsApp) link opens the whole scale, keeping nothing yet
    page.goto(re.search(r"(http\S+/ajuda/pesquisa/\S+/)", email.body).group(1))
    expect(page.get_by_test_id("survey-scale").get_by_role("link")).to_have_count(11)
    shoot_widths(page, "survey-scale")
    assert Survey.objects.get(order=order).score is None

    # the customer clicks 2 in the email: the score is kept at once, and the form offered
    page.goto(link)
    expect(page.get_by_test_id("survey-score")).to_contain_text("2")
    survey = Survey.objects.get(order=order)
    assert (survey.status, survey.score) == (Survey.Status.ANSWERED, 2)
    follow_up = Ticket.objects.get(pk=survey.follow_up_ticket_id)
    assert (follow_up.order_id, follow_up.priority) == (order.pk, Priority.HIGH)
    shoot_widths(page, "survey-details")

    # they rate the packaging 1 and say what went wrong
    page.get_by_test_id("survey-details").locator("label[for=id_packaging_score_0]").click()
    page.get_by_test_id("survey-details").locator("textarea").fill("A caixa chegou rasgada.")
    page.get_by_test_id("survey-details").get_by_role("button").click()
    expect(page.get_by_test_id("survey-done")).to_be_visible()
    shoot_widths(page, "survey-done")
    survey.refresh_from_db()
    assert (survey.comment, survey.packaging_score) == ("A caixa chegou rasgada.", 1)

    # clicking another score later changes nothing
    page.goto(score_link(email.alternatives[0][0], 10))
    expect(page.get_by_test_id("survey-notice")).to_be_visible()
    assert Survey.objects.get(pk=survey.pk).score == 2

    # an agent finds the comment on the results page and opens the follow-up ticket from it
    agent = UserFactory(is_staff=True)
    agent.groups.add(Group.objects.get(name=Role.SUPPORT_AGENT))
    context = browser.new_context(base_url=live_server.url, locale="pt-BR", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    desk = context.new_page()
    desk.goto("/backoffice/login/")
    desk.get_by_label("E-mail").fill(agent.email)
    desk.get_by_label("Senha").fill(TEST_PASSWORD)
    desk.get_by_role("button", name="Entrar").click()
    expect(desk).not_to_have_url(re.compile("/login/"))
    desk.goto("/backoffice/surveys/")
    comment = desk.get_by_test_id("survey-comment").filter(has_text="A caixa chegou rasgada.")
    expect(comment).to_be_visible()
    shoot_widths(desk, "survey-results")
    comment.get_by_role("link", name=re.compile(follow_up.protocol)).click()
    expect(desk.get_by_text(re.compile(f"{order.number}.*2"))).to_be_visible()
    notes = Message.objects.filter(ticket=follow_up, direction=Message.Direction.NOTE)
    assert any("A caixa chegou rasgada." in note.body_text for note in notes)
    shoot_widths(desk, "survey-follow-up")
    context.close()
