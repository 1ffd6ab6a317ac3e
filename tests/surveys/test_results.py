"""The results: NPS by carrier, category, product and month, CSAT by agent and month, the
comments; and the back-office page that shows them to the roles that may see them."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from backoffice.views.surveys import SURVEY_RESULTS_QUERIES
from support.surveys.models import Survey
from support.surveys.selectors import (
    csat_by_agent,
    csat_by_month,
    csat_summary,
    nps_by_carrier,
    nps_by_category,
    nps_by_month,
    nps_by_product,
    nps_product_count,
    nps_summary,
    survey_comment_list,
)
from tests.catalog.factories import CategoryFactory, ProductFactory
from tests.surveys.factories import answered_row

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()
MARCH = date(2026, 3, 1)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE)


@pytest.fixture
def answers(make_staff):
    """March 2026: ten NPS answers and four CSAT answers; one NPS answer in February."""
    shoes, shirts = CategoryFactory(name="Calçados"), CategoryFactory(name="Camisetas")
    tenis, bota, camiseta = (
        ProductFactory(name="Tênis", category=shoes),
        ProductFactory(name="Bota", category=shoes),
        ProductFactory(name="Camiseta", category=shirts),
    )
    march = at(date(2026, 3, 10))
    # Correios: 10, 9, 9, 8, 3 -> 3 promoters, 1 passive, 1 detractor: NPS 40
    for score, product in [(10, tenis), (9, tenis), (9, bota), (8, camiseta), (3, camiseta)]:
        answered_row(score=score, product=product, carrier="Correios", answered_at=march)
    # Jadlog: 10, 6, 5, 0, 7 -> 1 promoter, 1 passive, 3 detractors: NPS -40
    for score, product in [(10, tenis), (6, tenis), (5, bota), (0, camiseta), (7, camiseta)]:
        answered_row(
            score=score, product=product, carrier="Jadlog", answered_at=march, delivery_score=score // 3 + 1
        )
    answered_row(score=10, product=tenis, answered_at=at(date(2026, 2, 27)), comment="Tudo certo")
    ana, bruno = make_staff(Role.SUPPORT_AGENT), make_staff(Role.SUPPORT_AGENT)
    ana.full_name, bruno.full_name = "Ana Lima", "Bruno Reis"
    ana.save(), bruno.save()
    for score, agent in [(5, ana), (4, ana), (2, bruno), (3, bruno)]:
        answered_row(kind=Survey.Kind.CSAT, score=score, agent=agent, answered_at=march)
    answered_row(score=2, product=bota, answered_at=at(date(2026, 3, 31), 23), comment="Demorou demais")
    return {"tenis": tenis, "bota": bota, "camiseta": camiseta, "ana": ana, "bruno": bruno}


def test_nps_counts_promoters_passives_and_detractors(answers):
    summary = nps_summary(month=MARCH)
    assert (summary.answers, summary.promoters, summary.passives, summary.detractors) == (11, 4, 2, 5)
    assert summary.nps == -9  # (4 - 5) / 11 = -9.09
    assert nps_summary().answers == 12


def test_nps_by_carrier(answers):
    rows = {row.label: row for row in nps_by_carrier(month=MARCH)}
    assert rows["Correios"].nps == 17  # 10, 9, 9, 8, 3 and the 2 of March 31st: (3 - 2) / 6
    assert rows["Jadlog"].nps == -40
    assert rows["Jadlog"].delivery == Decimal("2.6")  # 4, 3, 2, 1, 3 -> 13 / 5


def test_nps_by_product_and_category(answers):
    products = {row.label: row for row in nps_by_product(month=MARCH)}
    assert (products["Tênis"].answers, products["Tênis"].nps) == (4, 50)  # 10, 9, 10, 6
    assert (products["Bota"].answers, products["Bota"].nps) == (3, -33)  # 9, 5, 2
    assert (products["Camiseta"].answers, products["Camiseta"].nps) == (4, -50)  # 8, 3, 0, 7
    assert nps_product_count(month=MARCH) == 3
    assert [row.label for row in nps_by_product(month=MARCH, limit=2, offset=1)] == ["Tênis", "Bota"]
    categories = {row.label: row for row in nps_by_category(month=MARCH)}
    # Calçados: 4 promoters, 3 detractors
    assert (categories["Calçados"].answers, categories["Calçados"].nps) == (7, 14)
    assert (categories["Camisetas"].answers, categories["Camisetas"].nps) == (4, -50)


def test_nps_and_csat_by_month(answers):
    months = nps_by_month(today=date(2026, 3, 31))
    february = date(2026, 2, 1)
    assert [(row.key, row.answers, row.nps) for row in months] == [(MARCH, 11, -9), (february, 1, 100)]
    assert [(row.key, row.answers, row.average) for row in csat_by_month(today=date(2026, 3, 31))] == [
        (MARCH, 4, Decimal("3.5"))
    ]
    assert nps_by_month(months=1, today=date(2026, 3, 31))[0].key == MARCH


def test_csat_by_agent(answers):
    rows = {row.key: row for row in csat_by_agent(month=MARCH)}
    ana, bruno = rows[answers["ana"].pk], rows[answers["bruno"].pk]
    assert (ana.label, ana.answers, ana.average, ana.satisfied_share) == ("Ana Lima", 2, Decimal("4.5"), 100)
    assert (bruno.answers, bruno.average, bruno.satisfied_share) == (2, Decimal("2.5"), 0)
    assert csat_summary(month=MARCH).average == Decimal("3.5")


def test_the_comments_of_a_month_latest_first(answers):
    assert [survey.comment for survey in survey_comment_list(month=MARCH)] == ["Demorou demais"]
    assert [survey.comment for survey in survey_comment_list()] == ["Demorou demais", "Tudo certo"]


def test_a_month_without_answers_has_no_score():
    assert nps_summary(month=MARCH).nps is None
    assert csat_summary(month=MARCH).average is None


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SUPPORT_AGENT, Role.OMBUDSMAN])
def test_managers_and_support_see_the_results(staff_client, answers, role):
    response = staff_client(role).get(reverse("backoffice:survey-results"), {"month": "2026-03"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="nps-by-carrier"' in page
    assert "Demorou demais" in page
    assert "Tudo certo" not in page
    assert response.context["nps"].answers == 11


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.TELESALES, Role.ORDER_ANALYST])
def test_other_roles_are_refused(staff_client, role):
    assert staff_client(role).get(reverse("backoffice:survey-results")).status_code == 403


def test_the_results_area_shows_on_the_home_of_those_who_may_see_it(staff_client):
    url = reverse("backoffice:survey-results")
    assert url in staff_client(Role.SUPPORT_AGENT).get(reverse("backoffice:home")).content.decode()
    assert url not in staff_client(Role.WAREHOUSE).get(reverse("backoffice:home")).content.decode()


def test_a_bad_month_shows_the_current_one(staff_client):
    response = staff_client(Role.MANAGER).get(reverse("backoffice:survey-results"), {"month": "abc"})
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["month"] == date(today.year, today.month, 1)


def test_the_results_page_has_bounded_queries(staff_client, make_staff, django_assert_max_num_queries):
    # given many answers, products, carriers, agents and comments this month
    agents = [make_staff(Role.SUPPORT_AGENT) for _agent in range(4)]
    products = [ProductFactory(category=CategoryFactory()) for _product in range(25)]
    for index in range(30):
        answered_row(
            score=index % 11,
            product=products[index % 25],
            carrier=f"Carrier {index % 5}",
            comment=f"Comentário {index}",
            product_score=index % 5 + 1,
        )
    for index in range(8):
        answered_row(kind=Survey.Kind.CSAT, score=index % 5 + 1, agent=agents[index % 4], comment="ok")
    client = staff_client(Role.MANAGER)
    # then the page stays within its budget, second page of products and comments included
    with django_assert_max_num_queries(SURVEY_RESULTS_QUERIES):
        response = client.get(reverse("backoffice:survey-results"))
    assert response.status_code == 200
    assert len(response.context["products"]) == 20
    assert len(response.context["comments"]) == 20
    with django_assert_max_num_queries(SURVEY_RESULTS_QUERIES):
        response = client.get(reverse("backoffice:survey-results"), {"page": 2, "products": 2})
    assert len(response.context["products"]) == 5
    assert len(response.context["comments"]) == 18
