from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from backoffice.views import customers as views
from core.actor import Actor
from orders.models import Order
from returns.models import ReturnRequest
from support.services import ticket_reply
from support.services.incidents import return_ticket_open
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory
from tests.orders.factories import OrderFactory
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


def story_url(customer) -> str:
    return reverse("backoffice:customer-detail", kwargs={"pk": customer.pk})


@pytest.fixture
def busy_customer():
    """A customer with more orders, tickets and messages than the screen shows."""
    customer = UserFactory(full_name="Ana Lima")
    for index in range(30):
        OrderFactory(customer=customer, number=str(700000 + index), cpf="52998224725")
    agent = Actor.staff(UserFactory(is_staff=True, is_superuser=True))
    for _ in range(25):
        ticket = open_ticket(customer=customer)
        ticket_reply(ticket_id=ticket.pk, actor=agent, body_text="Resolvido.")
    NotificationFactory.create_batch(10, recipient=customer)
    for order in Order.objects.filter(customer=customer).order_by("number")[:25]:
        return_request(order, items_refund="89.90", shipping_refund="15.00")
    return customer


def return_request(order, **fields) -> ReturnRequest:
    """A return request of the order, inspected, with its ticket."""
    request = ReturnRequest.objects.create(
        number=f"{order.number}-D1",
        order=order,
        customer=order.customer,
        status=ReturnRequest.Status.INSPECTED,
        reason=ReturnRequest.Reason.DEFECT,
        resolution=ReturnRequest.Resolution.REFUND,
        **{name: Decimal(value) for name, value in fields.items()},
    )
    return_ticket_open(return_request_id=request.pk)
    return request


def test_the_customers_whole_story_stays_within_its_queries(
    busy_customer, staff_client, django_assert_max_num_queries
):
    client = staff_client(Role.MANAGER)
    with django_assert_max_num_queries(views.CUSTOMER_360_QUERIES):
        response = client.get(story_url(busy_customer))
    assert response.status_code == 200
    story = response.context["story"]
    assert (story.order_count, len(story.orders), len(story.tickets), len(story.returns)) == (30, 20, 20, 20)
    assert story.documents == ["52998224725"]
    assert len(story.timeline) == 60
    assert story.timeline[0].at >= story.timeline[-1].at
    page = response.content.decode()
    assert "529.982.247-25" in page and "Ana Lima" in page


def test_each_role_sees_only_its_part_of_the_story(busy_customer, staff_client):
    telesales = staff_client(Role.TELESALES).get(story_url(busy_customer)).context["story"]
    assert telesales.tickets == [] and telesales.timeline == [] and telesales.risk_hits == []
    assert len(telesales.orders) == 20  # telesales see orders to sell again


def test_staff_members_are_not_customers(staff_client, make_staff):
    assert staff_client(Role.SUPPORT_AGENT).get(story_url(make_staff(Role.MANAGER))).status_code == 404


def test_the_ticket_and_the_order_lead_to_the_customer(staff_client):
    order = OrderFactory(customer=UserFactory(), status=Order.Status.PAID)
    ticket = open_ticket(customer=order.customer, order=order)
    page = staff_client(Role.SUPPORT_AGENT).get(
        reverse("backoffice:ticket-desk-detail", kwargs={"protocol": ticket.protocol})
    )
    assert story_url(order.customer) in page.content.decode()
    workspace = staff_client(Role.ORDER_ANALYST).get(
        reverse("backoffice:order-workspace", kwargs={"number": order.number})
    )
    assert story_url(order.customer) in workspace.content.decode()


def test_the_customers_consents_are_on_the_profile(staff_client):
    from support.notifications.services import whatsapp_consent_set

    customer = UserFactory()
    client = staff_client(Role.SUPPORT_AGENT)
    assert "Novidades dos pedidos por e-mail" in client.get(story_url(customer)).content.decode()
    whatsapp_consent_set(user=customer, phone="5511987654321", consent=True)
    assert "pelo WhatsApp (5511987654321)" in client.get(story_url(customer)).content.decode()


def test_the_customers_returns_link_to_their_screen_with_status_reason_and_refund(staff_client):
    customer = UserFactory()
    refunded = return_request(OrderFactory(customer=customer), items_refund="89.90", shipping_refund="15.00")
    asked = return_request(OrderFactory(customer=customer))
    return_request(OrderFactory())  # someone else's
    page = staff_client(Role.MANAGER).get(story_url(customer))
    assert [request.number for request in page.context["story"].returns] == [asked.number, refunded.number]
    html = page.content.decode()
    table = html[html.index('data-testid="customer-returns"') :]
    for request in (refunded, asked):
        assert reverse("backoffice:return-detail", kwargs={"number": request.number}) in table
        assert reverse("backoffice:ticket-desk-detail", kwargs={"protocol": request.ticket.protocol}) in table
    assert str(refunded.get_status_display()) in table and str(refunded.get_reason_display()) in table
    assert "R$\xa0104,90" in table
    assert timezone.localtime(refunded.created_at).strftime("%d/%m/%Y") in table


def test_the_support_desk_sees_the_returns_without_links_it_may_not_follow(staff_client):
    customer = UserFactory()
    request = return_request(OrderFactory(customer=customer))
    html = staff_client(Role.SUPPORT_AGENT).get(story_url(customer)).content.decode()
    assert request.number in html
    assert reverse("backoffice:return-detail", kwargs={"number": request.number}) not in html


def test_a_ticket_about_a_return_shows_the_request_and_its_status(staff_client):
    request = return_request(OrderFactory(customer=UserFactory()))
    ticket_url = reverse("backoffice:ticket-desk-detail", kwargs={"protocol": request.ticket.protocol})
    html = staff_client(Role.MANAGER).get(ticket_url).content.decode()
    panel = html[html.index('data-testid="ticket-return"') :]
    assert reverse("backoffice:return-detail", kwargs={"number": request.number}) in panel
    assert str(request.get_status_display()) in panel
    other = open_ticket(customer=UserFactory())
    other_url = reverse("backoffice:ticket-desk-detail", kwargs={"protocol": other.protocol})
    assert 'data-testid="ticket-return"' not in staff_client(Role.MANAGER).get(other_url).content.decode()
