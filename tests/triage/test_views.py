import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext

from backoffice.roles import Role
from support.models import Ticket
from support.triage.models import Correction, TicketTriage
from tests.triage.factories import customer_ticket, delivery_queue

pytestmark = pytest.mark.django_db


def screen(ticket: Ticket) -> str:
    return reverse("backoffice:ticket-desk-detail", kwargs={"protocol": ticket.protocol})


def correct(client, ticket: Ticket, **data):
    return client.post(
        reverse("backoffice:ticket-triage-correct", kwargs={"protocol": ticket.protocol}), data
    )


def test_the_ticket_screen_shows_the_verdict_and_why(staff_client):
    ticket = customer_ticket(
        body="Ja é a terceira vez que escrevo! O pedido 104587 nao chegou, vou no Procon."
    )
    response = staff_client(Role.SUPPORT_AGENT).get(screen(ticket))
    page = response.content.decode()
    panel = response.context["triage_panel"]
    assert (panel.triage.topic, panel.triage.urgency) == ("delivery", "urgent")
    assert 'data-testid="triage"' in page and 'data-testid="triage-correct"' in page
    assert "procon" in panel.alarm_terms and "procon" in page
    assert panel.topic_terms and all(term in page for term in panel.topic_terms)


def test_an_agent_corrects_the_triage_and_the_ticket_is_routed_again(staff_client):
    queue = delivery_queue()
    ticket = customer_ticket(body="Quero cancelar o pedido 102341, comprei por engano.")
    client = staff_client(Role.SUPPORT_AGENT)
    response = correct(client, ticket, topic="delivery", urgency="high")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.queue, ticket.priority) == (queue, "high")
    assert Correction.objects.get(ticket=ticket).topic == "delivery"
    page = client.get(screen(ticket)).content.decode()
    assert 'data-testid="triage-corrected"' in page


def test_a_role_without_the_answer_permission_is_refused_and_nothing_changes(staff_client):
    ticket = customer_ticket(body="Quero cancelar o pedido 102341, comprei por engano.")
    client = staff_client(Role.OMBUDSMAN)
    assert correct(client, ticket, topic="delivery", urgency="urgent").status_code == 403
    assert not Correction.objects.exists()
    ticket.refresh_from_db()
    assert ticket.priority == "normal"
    # The ombudsman reads first-level tickets, but gets no correction form.
    assert staff_client(Role.OMBUDSMAN).get(screen(ticket)).context["triage_panel"].form is None


@pytest.mark.parametrize(
    "data", [{"topic": "weather", "urgency": "high"}, {"topic": "delivery", "urgency": "soon"}, {}]
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(staff_client, data):
    ticket = customer_ticket(body="Quero cancelar o pedido 102341, comprei por engano.")
    before = TicketTriage.objects.get(ticket=ticket)
    response = correct(staff_client(Role.SUPPORT_AGENT), ticket, **data)
    assert response.status_code == 302
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        gettext("Choose a topic and an urgency from the lists.")
    ]
    after = TicketTriage.objects.get(ticket=ticket)
    assert (after.topic, after.urgency, after.corrected_at) == (before.topic, before.urgency, None)
    assert not Correction.objects.exists()


def test_a_ticket_without_a_classified_message_cannot_be_corrected(staff_client):
    ticket = customer_ticket(body="", channel="internal")
    response = correct(staff_client(Role.SUPPORT_AGENT), ticket, topic="delivery", urgency="high")
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        gettext("This ticket has no customer message that was classified, so there is nothing to correct.")
    ]
    assert not Correction.objects.exists()
    assert "triage_panel" in staff_client(Role.SUPPORT_AGENT).get(screen(ticket)).context


def test_the_ticket_screen_with_triage_stays_within_its_queries(staff_client, django_assert_max_num_queries):
    from backoffice.views import support as views

    ticket = customer_ticket(body="O liquidificador chegou quebrado, quero a troca.")
    client = staff_client(Role.SUPPORT_AGENT)
    with django_assert_max_num_queries(views.TICKET_QUERIES):
        response = client.get(screen(ticket))
    assert response.context["triage_panel"].triage.topic == "product_defect"
