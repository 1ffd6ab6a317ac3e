import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


def test_a_ticket_shows_its_conversation_and_history_in_the_admin_read_only(client):
    ticket = open_ticket(body="Meu pedido não chegou.")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:support_ticket_change", args=[ticket.pk])).content.decode()
    assert "Meu pedido não chegou." in page and ticket.protocol in page
    assert 'name="messages-0-body_text"' not in page  # shown, not editable


def test_managers_add_sandbox_complaints_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:support_sandboxcomplaint_add")).status_code == 200
