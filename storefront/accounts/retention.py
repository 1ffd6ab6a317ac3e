"""Retention of guest data (LGPD art. 15 and 16): a guest's personal data is kept while it
serves the purchase (delivery, the consumer's guarantees and claims) and then anonymised, after
`STORE_GUEST_DATA_RETENTION_DAYS`. The order's fiscal amounts stay; the buyer does not.

Batched (STYLE rule 32): each pass takes a bounded batch, each order in its own transaction.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.actor import Actor
from orders.models import Order
from returns.models import ReturnRequest
from storefront.accounts.erasure import (
    ERASED_TEXT,
    ORDERS_SETTLED,
    PLACEHOLDER_DOMAIN,
    RETURNS_CLOSED,
    ErasureSummary,
    Identity,
    erasure_blockers,
    erasure_request_carry_out,
    orders_anonymise,
    placeholder_email,
)
from storefront.accounts.models import ErasureRequest
from storefront.cart.models import Cart
from support.models import ChatMessage, ChatSession, Message, Ticket
from support.notifications.models import Notification

# Orders anonymised per pass; the task enqueues the next pass while a full batch was done.
RETENTION_BATCH = 200


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.STORE_GUEST_DATA_RETENTION_DAYS)


def guest_orders_due(*, now: datetime | None = None) -> QuerySet[Order]:
    """Guest orders placed before the retention cutoff, settled, with no open return, and not
    anonymised yet; oldest first."""
    open_returns = ReturnRequest.objects.exclude(status__in=RETURNS_CLOSED).values("order_id")
    return (
        Order.objects.filter(
            customer__isnull=True, placed_at__lt=retention_cutoff(now=now), status__in=ORDERS_SETTLED
        )
        .exclude(email__endswith=f"@{PLACEHOLDER_DOMAIN}")
        .exclude(pk__in=open_returns)
        .order_by("pk")
    )


@transaction.atomic
def guest_order_anonymise(*, order_id: int) -> bool:
    """Anonymise one guest order and what hangs from it: its returns, tickets about it, and
    sales recovery. Returns False when it was already done (or is no guest order)."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.customer_id is not None or order.email.endswith(f"@{PLACEHOLDER_DOMAIN}"):
        return False
    identity = Identity(
        name=order.full_name,
        email=order.email,
        placeholder=placeholder_email(key=f"pedido-{order.number}"),
        cpfs=tuple(filter(None, [order.cpf])),
        cnpjs=tuple(filter(None, [order.cnpj])),
        phones=tuple(filter(None, [order.phone])),
        streets=tuple(filter(None, [order.street])),
    )
    orders_anonymise(orders=Order.objects.filter(pk=order.pk), identity=identity, summary=ErasureSummary())
    tickets = Ticket.objects.filter(order=order, customer__isnull=True)
    tickets.update(contact_name="", contact_email="", contact_phone="")
    Message.objects.filter(ticket__in=tickets, direction=Message.Direction.INBOUND).update(
        body_text=ERASED_TEXT, body_html="", author_label=""
    )
    return True


def guest_notifications_forget(*, now: datetime | None = None, limit: int = RETENTION_BATCH) -> int:
    """Messages sent to guests before the cutoff keep their kind and date, not their address
    or text."""
    ids = list(
        Notification.objects.filter(recipient__isnull=True, created_at__lt=retention_cutoff(now=now))
        .exclude(to_address="")
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return Notification.objects.filter(pk__in=ids).update(
        to_address="", body_text="", body_html="", headers={}, template_parameters={}
    )


def guest_contacts_forget(*, now: datetime | None = None, limit: int = RETENTION_BATCH) -> int:
    """Carts and chats of guests, untouched since before the cutoff, lose who they were: the
    contact a guest typed at checkout and the name, email and words of a chat."""
    cutoff = retention_cutoff(now=now)
    cart_ids = list(
        Cart.objects.filter(customer__isnull=True, updated_at__lt=cutoff)
        .exclude(contact_email="", contact_name="", contact_phone="")
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    done = Cart.objects.filter(pk__in=cart_ids).update(contact_email="", contact_name="", contact_phone="")
    chat_ids = list(
        ChatSession.objects.filter(customer__isnull=True, updated_at__lt=cutoff)
        .exclude(name="", email="")
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    ChatMessage.objects.filter(session_id__in=chat_ids, from_visitor=True).update(
        body=ERASED_TEXT, author_label=""
    )
    return done + ChatSession.objects.filter(pk__in=chat_ids).update(name="", email="")


def erasure_requests_waiting_retry(*, limit: int = RETENTION_BATCH) -> int:
    """Requests staff already decided to carry out, which waited for orders or returns: carried
    out now if nothing holds them any more (each in its own transaction). Returns how many."""
    done = 0
    waiting = ErasureRequest.objects.filter(status=ErasureRequest.Status.WAITING).order_by("deadline", "pk")
    for request in waiting.select_related("customer")[:limit]:
        if erasure_blockers(user=request.customer):
            continue
        request = erasure_request_carry_out(request_id=request.pk, actor=Actor.job("privacy_erase"))
        done += request.status == ErasureRequest.Status.DONE
    return done


@dataclass(frozen=True)
class RetentionPass:
    orders: int
    notifications: int
    contacts: int = 0

    @property
    def is_full(self) -> bool:
        return max(self.orders, self.notifications, self.contacts) >= RETENTION_BATCH


def privacy_retention(*, now: datetime | None = None, limit: int = RETENTION_BATCH) -> RetentionPass:
    """One pass of the retention job: up to `limit` guest orders and guest messages."""
    done = 0
    for order_id in guest_orders_due(now=now).values_list("pk", flat=True)[:limit]:
        done += guest_order_anonymise(order_id=order_id)
    erasure_requests_waiting_retry(limit=limit)
    return RetentionPass(
        orders=done,
        notifications=guest_notifications_forget(now=now, limit=limit),
        contacts=guest_contacts_forget(now=now, limit=limit),
    )


def guest_data_due_count(*, now: datetime | None = None) -> dict[str, int]:
    """What a pass would touch, for `--dry-run`."""
    return {
        "orders": guest_orders_due(now=now).count(),
        "notifications": Notification.objects.filter(
            Q(recipient__isnull=True), created_at__lt=retention_cutoff(now=now)
        )
        .exclude(to_address="")
        .count(),
    }
