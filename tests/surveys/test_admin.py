import pytest
from django.urls import reverse

from backoffice.roles import Role
from support.surveys.models import SurveyPolicy
from tests.surveys.factories import answered_row

pytestmark = pytest.mark.django_db


def test_answers_are_shown_read_only_in_the_admin(staff_client):
    survey = answered_row(score=4, comment="Demorou, mas chegou.")
    client = staff_client(Role.MANAGER)
    assert client.get(reverse("admin:surveys_survey_changelist")).status_code == 200
    page = client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert "Demorou, mas chegou." in page
    assert 'name="comment"' not in page and 'name="score"' not in page


def test_managers_change_the_policy_the_store_starts_with_and_never_add_one(staff_client):
    client = staff_client(Role.MANAGER)
    policy = SurveyPolicy.objects.get()
    response = client.post(
        reverse("admin:surveys_surveypolicy_change", args=[policy.pk]),
        {"days_after_delivery": "5", "nps_enabled": "on", "csat_enabled": "on"},
    )
    assert response.status_code == 302
    assert SurveyPolicy.objects.get().days_after_delivery == 5
    assert client.get(reverse("admin:surveys_surveypolicy_add")).status_code == 403


def test_a_policy_of_more_than_sixty_days_is_refused(staff_client):
    policy = SurveyPolicy.objects.get()
    response = staff_client(Role.MANAGER).post(
        reverse("admin:surveys_surveypolicy_change", args=[policy.pk]), {"days_after_delivery": "90"}
    )
    assert response.status_code == 200
    assert SurveyPolicy.objects.get().days_after_delivery == 7


def test_support_agents_read_answers_but_not_the_policy(staff_client):
    client = staff_client(Role.SUPPORT_AGENT)
    assert client.get(reverse("admin:surveys_survey_changelist")).status_code == 200
    assert client.get(reverse("admin:surveys_surveypolicy_changelist")).status_code == 403
