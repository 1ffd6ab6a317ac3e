"""The customer's data download: every kind of data the store holds, in bounded queries."""

import json

import pytest
from django.urls import reverse

from backoffice.roles import Role
from storefront.accounts.data_export import customer_data_export
from tests.accounts.factories import UserFactory
from tests.accounts.privacy_seed import CNPJ, COMPANY, CPF, EMAIL, NAME, PHONE, STREET, seeded_customer

pytestmark = pytest.mark.django_db

# Every section of the download, and the one query (or prefetch) each costs.
SECTIONS = (
    "account",
    "profile",
    "addresses",
    "companies",
    "orders",
    "returns",
    "tickets",
    "chats",
    "whatsapp_conversations",
    "reviews",
    "surveys",
    "contact_preferences",
    "notifications",
    "stock_alerts",
    "sales_recovery",
    "carts",
    "erasure_requests",
)
EXPORT_QUERIES = 32


@pytest.fixture
def seeded(django_capture_on_commit_callbacks, make_staff):
    return seeded_customer(django_capture_on_commit_callbacks, staff=make_staff(Role.SUPPORT_AGENT))


def test_the_download_holds_every_kind_of_data_the_store_keeps(seeded, client, django_assert_max_num_queries):
    # given
    client.force_login(seeded.user)
    # when
    with django_assert_max_num_queries(EXPORT_QUERIES + 3):
        response = client.get(reverse("accounts:data-export"))
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="meus-dados-')
    document = json.loads(response.content)
    assert set(SECTIONS) <= set(document)
    empty = [section for section in SECTIONS if not document[section] and section != "erasure_requests"]
    assert empty == []
    assert document["account"] == {**document["account"], "email": EMAIL, "full_name": NAME}
    assert document["profile"] == {"cpf": CPF, "phone": PHONE}
    assert document["addresses"][0]["street"] == STREET
    assert document["companies"] == [{"cnpj": CNPJ, "company_name": COMPANY, "state_registration": ""}]
    order = next(order for order in document["orders"] if order["number"] == seeded.order.number)
    assert order["lines"] and order["payments"][0]["amount"] == str(seeded.order.grand_total)
    shipment = order["shipments"][0]
    assert shipment["tracking_code"] and shipment["tracking"] and shipment["invoice"]["access_key"]
    assert document["returns"][0]["photos"] and NAME in document["returns"][0]["description"]
    messages = [message for ticket in document["tickets"] for message in ticket["messages"]]
    assert any(message["attachments"] for message in messages)
    assert any(chat["messages"] for chat in document["chats"])
    assert any(conversation["lines"] for conversation in document["whatsapp_conversations"])
    assert document["contact_preferences"]["whatsapp"]["whatsapp_phone"] == f"+55{PHONE}"
    assert document["contact_preferences"]["reminder_opt_outs"][0]["email"] == EMAIL
    assert document["contact_preferences"]["marketing_consents"][0]["is_given"] is True
    assert document["stock_alerts"][0]["email"] == EMAIL
    assert document["sales_recovery"][0]["reminders_sent"]
    assert any(NAME in notification["body_text"] for notification in document["notifications"])


def test_the_download_has_bounded_queries_whatever_the_history(seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(EXPORT_QUERIES):
        customer_data_export(user=seeded.user)


def test_a_customer_downloads_only_their_own_data(seeded, client):
    other = UserFactory()
    client.force_login(other)
    document = json.loads(client.get(reverse("accounts:data-export")).content)
    assert document["account"]["email"] == other.email
    assert document["orders"] == [] and document["tickets"] == [] and document["profile"] is None


def test_visitors_log_in_first(client):
    response = client.get(reverse("accounts:data-export"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url
