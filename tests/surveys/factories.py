"""Surveys of delivered orders and resolved tickets, made through the real services; and
answered survey rows for the results and the pages that only read them."""

from datetime import datetime, timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from core.actor import Actor
from orders.models import Order
from support.models import Channel, Ticket
from support.services import ticket_move
from support.surveys.models import Survey
from support.surveys.services import surveys_send_due
from tests.catalog.factories import ProductFactory
from tests.orders.factories import OrderFactory
from tests.returns.factories import delivered_order
from tests.support.factories import open_ticket

JOB = Actor.job("test")


def surveyed_order(capture, **fields) -> tuple[Order, Survey]:
    """An order delivered eight days ago whose survey the periodic job just sent."""
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        order = delivered_order(capture, **fields)
    with capture(execute=True):
        surveys_send_due()
    return order, Survey.objects.get(order=order)


def resolved_ticket(capture, *, assignee=None, **fields) -> Ticket:
    """A ticket opened by a customer and resolved (its survey task runs)."""
    ticket = open_ticket(**fields)
    if assignee is not None:
        Ticket.objects.filter(pk=ticket.pk).update(assignee=assignee)
    with capture(execute=True):
        ticket_move(ticket_id=ticket.pk, to=Ticket.Status.RESOLVED, actor=JOB)
    ticket.refresh_from_db()
    return ticket


def answered_row(
    *,
    kind: str = Survey.Kind.NPS,
    score: int,
    answered_at: datetime | None = None,
    product=None,
    carrier: str = "Correios",
    agent=None,
    comment: str = "",
    **aspects,
) -> Survey:
    """An answered survey row (of an order of one line of `product`, or of a ticket), for the
    results: behaviour goes through the services."""
    answered_at = answered_at or timezone.now()
    if kind == Survey.Kind.NPS:
        order = OrderFactory(status=Order.Status.DELIVERED)
        variant = (product or ProductFactory()).variants.first()
        order.lines.create(
            variant=variant,
            product_name=variant.product.name,
            sku=variant.sku,
            unit_price=Decimal("100.00"),
            quantity=1,
            line_total=Decimal("100.00"),
        )
        subject = {"order": order, "carrier": carrier}
    else:
        subject = {"ticket": open_ticket(channel=Channel.EMAIL), "agent": agent}
    return Survey.objects.create(
        kind=kind,
        status=Survey.Status.ANSWERED,
        channel=Survey.Channel.EMAIL,
        language="pt-br",
        score=score,
        answered_at=answered_at,
        details_at=answered_at if comment or aspects else None,
        comment=comment,
        **subject,
        **aspects,
    )
