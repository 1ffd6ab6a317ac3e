import pytest
from django.urls import reverse

from backoffice.roles import Role
from support.triage.models import TopicRoute, TriageModel, UrgencyRoute
from tests.triage.factories import customer_ticket

pytestmark = pytest.mark.django_db


def test_the_migrations_route_every_topic_and_urgency():
    routes = {
        route.topic: (route.queue.code, route.tag) for route in TopicRoute.objects.select_related("queue")
    }
    assert routes["delivery"] == ("sac", "entrega") and routes["other"] == ("sac", "")
    assert len(routes) == 6
    assert dict(UrgencyRoute.objects.values_list("urgency", "priority")) == {
        "normal": "normal",
        "high": "high",
        "urgent": "urgent",
    }


def test_a_manager_points_a_topic_at_another_queue_in_the_admin(staff_client):
    from support.models import TicketQueue

    queue = TicketQueue.objects.create(code="financeiro", name="Financeiro")
    route = TopicRoute.objects.get(topic="payment")
    client = staff_client(Role.MANAGER)
    assert client.get(reverse("admin:triage_topicroute_changelist")).status_code == 200
    response = client.post(
        reverse("admin:triage_topicroute_change", args=[route.pk]), {"queue": queue.pk, "tag": "pix"}
    )
    assert response.status_code == 302
    ticket = customer_ticket(body="Paguei o pix e o pedido continua aguardando pagamento.")
    ticket.refresh_from_db()
    assert ticket.queue == queue and list(ticket.tags.values_list("name", flat=True)) == ["pix"]


def test_the_ombudsman_queue_cannot_take_a_topic(staff_client):
    from support.models import TicketQueue

    route = TopicRoute.objects.get(topic="payment")
    ombudsman = TicketQueue.objects.get(code="ouvidoria")
    response = staff_client(Role.MANAGER).post(
        reverse("admin:triage_topicroute_change", args=[route.pk]), {"queue": ombudsman.pk, "tag": ""}
    )
    assert response.status_code == 200  # the form again, with its error
    route.refresh_from_db()
    assert route.queue.code == "sac"


def test_agents_may_not_edit_the_routing_table_and_models_are_read_only(staff_client):
    client = staff_client(Role.SUPPORT_AGENT)
    assert client.get(reverse("admin:triage_topicroute_changelist")).status_code == 403
    customer_ticket(body="Qual o horário de atendimento?")
    model = TriageModel.objects.get()
    manager = staff_client(Role.MANAGER)
    page = manager.get(reverse("admin:triage_triagemodel_change", args=[model.pk]))
    assert page.status_code == 200 and 'name="version"' not in page.content.decode()
