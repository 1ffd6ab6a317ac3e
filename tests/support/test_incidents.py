import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from core.actor import Actor
from logistics.models import TrackingEvent
from logistics.services import sandbox_shipments_advance
from orders.models import Order, OrderEvent
from support.models import Message, Ticket
from support.services import Incoming, ticket_customer_message
from support.services.incidents import delivery_incident_tickets_open
from tests.backoffice.test_order_views import held
from tests.logistics.factories import shipped_order

pytestmark = pytest.mark.django_db


def advance(capture, steps: int) -> None:
    for _ in range(steps):
        with capture(execute=True):
            sandbox_shipments_advance()


def test_a_failed_delivery_opens_exactly_one_ticket_linked_to_its_shipment(
    django_capture_on_commit_callbacks,
):
    # given: the first delivery attempt fails
    shipment = shipped_order(django_capture_on_commit_callbacks, full_name="SANDBOX ABSENT")
    advance(django_capture_on_commit_callbacks, 4)  # posted, in transit, out for delivery, failed
    failed = TrackingEvent.objects.get(shipment=shipment, kind=TrackingEvent.Kind.DELIVERY_FAILED)
    mail.outbox.clear()
    # when: the job runs, and runs again
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_incident_tickets_open() == 1
        assert delivery_incident_tickets_open() == 0
    # then
    ticket = Ticket.objects.get()
    assert (ticket.shipment, ticket.order, ticket.priority) == (shipment, shipment.order, "high")
    assert ticket.incident_key == f"delivery:{failed.pk}"
    assert ticket.subject == f"Tentativa de entrega frustrada: pedido {shipment.order.number}"
    note = ticket.messages.get()
    assert note.direction == Message.Direction.NOTE and shipment.tracking_code in note.body_text
    assert mail.outbox == []  # the customer heard from the carrier news; the desk follows up


def test_old_incidents_are_history_not_tickets(django_capture_on_commit_callbacks):
    shipment = shipped_order(django_capture_on_commit_callbacks, full_name="SANDBOX ABSENT")
    advance(django_capture_on_commit_callbacks, 4)
    assert delivery_incident_tickets_open(now=timezone.now() + timezone.timedelta(days=4)) == 0
    assert not Ticket.objects.filter(shipment=shipment).exists()


def test_an_analysts_question_goes_out_on_a_ticket_and_the_answer_comes_back_to_it(
    staff_client, django_capture_on_commit_callbacks
):
    # given
    order = held(reason=Order.HoldReason.REGISTRATION_DATA)
    mail.outbox.clear()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        staff_client(Role.ORDER_ANALYST).post(
            reverse("backoffice:order-act", kwargs={"number": order.number}),
            {
                "action": "ask",
                "seen": order.updated_at.isoformat(),
                "text": "Confirme o número do apartamento.",
            },
        )
    # then: one email, threaded on the ticket, the order still on hold with the question noted
    ticket = Ticket.objects.get(order=order)
    assert ticket.status == Ticket.Status.WAITING_CUSTOMER
    assert [sent.subject for sent in mail.outbox] == [
        f"Re: [Protocolo {ticket.protocol}] Informações sobre o pedido {order.number}"
    ]
    assert mail.outbox[0].to == [order.email]
    assert Order.objects.get(pk=order.pk).status == Order.Status.ON_HOLD
    assert OrderEvent.objects.filter(order=order, note__contains="apartamento").exists()
    # and the customer's answer reopens the ticket for the desk
    ticket_customer_message(
        ticket_id=ticket.pk,
        incoming=Incoming(channel="email", body_text="Apto 52."),
        actor=Actor.customer(order.customer),
    )
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.OPEN
