"""Answering a survey from its link: one click keeps the score, then an optional comment
and per-aspect scores; the first answer counts; a bad link, or someone else's survey, shows
a clear page and changes nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from support.models import Ticket
from support.surveys.exceptions import (
    SurveyAlreadyAnswered,
    SurveyLinkExpired,
    SurveyLinkInvalid,
    SurveyNotYours,
)
from support.surveys.models import Survey
from support.surveys.selectors import ACCESS_SALT, survey_path
from support.surveys.views import SURVEY_PAGE_QUERIES
from tests.accounts.factories import UserFactory
from tests.surveys.factories import surveyed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(django_capture_on_commit_callbacks) -> Survey:
    return surveyed_order(django_capture_on_commit_callbacks)[1]


def _unchanged(survey: Survey) -> None:
    fresh = Survey.objects.get(pk=survey.pk)
    assert (fresh.status, fresh.score, fresh.comment, fresh.details_at) == (
        survey.status,
        survey.score,
        survey.comment,
        survey.details_at,
    )


def test_one_click_keeps_the_score_and_offers_the_comment_form(client, survey):
    response = client.get(survey_path(survey=survey, score=9))
    assert response.status_code == 200
    survey.refresh_from_db()
    assert survey.status == Survey.Status.ANSWERED
    assert survey.score == 9
    assert survey.answered_at is not None
    page = response.content.decode()
    assert 'data-testid="survey-details"' in page
    assert 'name="product_score"' in page


def test_the_comment_and_aspects_are_kept_once(client, survey):
    # given a survey answered with one click
    client.get(survey_path(survey=survey, score=8))
    # when the customer sends the form
    response = client.post(
        survey_path(survey=survey, score=8),
        {"comment": "  Chegou rápido, embalagem ótima. ", "product_score": "5", "delivery_score": "4"},
        follow=True,
    )
    # then the answer is whole, and the page thanks them
    assert response.status_code == 200
    survey.refresh_from_db()
    assert survey.comment == "Chegou rápido, embalagem ótima."
    assert (survey.product_score, survey.delivery_score, survey.packaging_score) == (5, 4, None)
    assert survey.details_at is not None
    assert 'data-testid="survey-done"' in response.content.decode()
    # when the form is sent a second time
    second = client.post(survey_path(survey=survey), {"comment": "Mudei de ideia", "product_score": "1"})
    # then it says so and changes nothing
    assert str(SurveyAlreadyAnswered.message) in second.content.decode()
    _unchanged(survey)


def test_a_second_click_says_it_was_answered_and_keeps_the_first_score(client, survey):
    client.get(survey_path(survey=survey, score=10))
    survey.refresh_from_db()
    response = client.get(survey_path(survey=survey, score=2))
    assert response.status_code == 200
    assert str(SurveyAlreadyAnswered.message) in response.content.decode()
    _unchanged(survey)
    assert survey.score == 10
    assert not Ticket.objects.filter(follow_up_of__isnull=False).exists()


def test_the_link_without_a_score_shows_the_whole_scale(client, survey):
    response = client.get(survey_path(survey=survey))
    page = response.content.decode()
    assert response.status_code == 200
    assert all(survey_path(survey=survey, score=score) in page for score in range(11))
    _unchanged(survey)


def test_a_link_checker_asking_for_the_headers_answers_nothing(client, survey):
    response = client.head(survey_path(survey=survey, score=0))
    assert response.status_code == 200
    _unchanged(survey)


def test_an_out_of_scale_details_form_changes_nothing(client, survey):
    client.get(survey_path(survey=survey, score=9))
    survey.refresh_from_db()
    response = client.post(survey_path(survey=survey), {"comment": "x", "product_score": "9"})
    assert response.status_code == 200
    _unchanged(survey)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: signing.dumps([signing.loads(token, salt=ACCESS_SALT)[0], 3], salt="another"),
        lambda token: "nothing-here",
    ],
    ids=["altered signature", "signed for something else", "garbage"],
)
def test_a_tampered_link_shows_a_clear_page_and_changes_nothing(client, survey, tamper):
    token = survey_path(survey=survey, score=10).rstrip("/").rsplit("/", 1)[-1]
    response = client.get(f"/ajuda/pesquisa/{tamper(token)}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert str(SurveyLinkInvalid.message) in page
    assert survey.order.number not in page
    _unchanged(survey)


def test_a_link_to_an_unknown_survey_shows_a_clear_page(client):
    token = signing.dumps([987654, 10], salt=ACCESS_SALT)
    response = client.get(f"/ajuda/pesquisa/{token}/")
    assert response.status_code == 404
    assert str(SurveyLinkInvalid.message) in response.content.decode()


def test_an_old_link_says_the_survey_closed(client, survey):
    path = survey_path(survey=survey, score=10)
    with time_machine.travel(timezone.now() + timedelta(days=61)):
        response = client.get(path)
    assert response.status_code == 410
    assert str(SurveyLinkExpired.message) in response.content.decode()
    _unchanged(survey)


def test_another_customer_signed_in_cannot_answer_and_learns_nothing(
    client, django_capture_on_commit_callbacks
):
    # given the survey of a customer's order
    owner = UserFactory()
    order, survey = surveyed_order(django_capture_on_commit_callbacks, customer=owner)
    # when someone else, signed in, follows its link (with a score, or sends the form)
    client.force_login(UserFactory())
    clicked = client.get(survey_path(survey=survey, score=0))
    posted = client.post(survey_path(survey=survey, score=0), {"comment": "péssimo"})
    # then they are told it is not theirs, and nothing changed or leaked
    for response in (clicked, posted):
        assert response.status_code == 403
        page = response.content.decode()
        assert str(SurveyNotYours.message) in page
        assert order.number not in page
    _unchanged(survey)
    assert not Ticket.objects.filter(order=order, priority="high").exists()


def test_the_customer_signed_in_answers_their_own_survey(client, django_capture_on_commit_callbacks):
    owner = UserFactory()
    _order, survey = surveyed_order(django_capture_on_commit_callbacks, customer=owner)
    client.force_login(owner)
    assert client.get(survey_path(survey=survey, score=9)).status_code == 200
    assert Survey.objects.get(pk=survey.pk).score == 9


def test_the_survey_page_has_bounded_queries(
    client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    owner = UserFactory()
    _order, survey = surveyed_order(django_capture_on_commit_callbacks, customer=owner)
    client.force_login(owner)
    with django_assert_max_num_queries(SURVEY_PAGE_QUERIES):
        response = client.get(survey_path(survey=survey, score=9))
    assert response.status_code == 200
    with django_assert_max_num_queries(SURVEY_PAGE_QUERIES):
        assert client.get(survey_path(survey=survey)).status_code == 200
