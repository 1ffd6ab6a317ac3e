"""What the bot reads: the order a person proves is theirs (by number and CPF, or among a
signed-in customer's own), the order with what its answers show, and which chats and WhatsApp
numbers the bot holds rather than a person."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.crypto import salted_hmac

from logistics.models import Shipment, TrackingEvent
from orders.models import Order, Payment
from support.bot.models import ProofFailure
from support.models import Channel, Ticket

OWN_ORDERS_SHOWN = 5
# Wrong pairs naming one order number, or one CPF, within the hour, whatever the conversation,
# before every proof with it is refused for the rest of that hour.
PROOF_FAILURES_PER_HOUR = 5
PROOF_FAILURES_KEPT = timedelta(hours=1)


def proof_keys(*, number: str, cpf: str) -> list[str]:
    """Digests of the number and the CPF tried: no CPF is kept in the clear."""
    return [
        salted_hmac("bot.proof.number", number).hexdigest(),
        salted_hmac("bot.proof.cpf", cpf).hexdigest(),
    ]


def proof_is_blocked(*, number: str, cpf: str, now: datetime) -> bool:
    """Whether that order number or that CPF failed too often within the hour."""
    return (
        ProofFailure.objects.filter(
            key__in=proof_keys(number=number, cpf=cpf), created_at__gt=now - PROOF_FAILURES_KEPT
        )
        .values("key")
        .annotate(failures=Count("pk"))
        .filter(failures__gte=PROOF_FAILURES_PER_HOUR)
        .exists()
    )


def order_proven(*, number: str, cpf: str) -> Order | None:
    """The order with this number and this CPF; None when either does not match (one query,
    so an unknown number and someone else's order look the same)."""
    if not number or not cpf:
        return None
    return Order.objects.filter(number=number, cpf=cpf).only("pk", "number", "customer_id").first()


def order_list_for_customer(*, customer) -> list[Order]:
    """A signed-in customer's latest orders, to pick one from."""
    return list(Order.objects.filter(customer=customer).order_by("-placed_at", "-pk")[:OWN_ORDERS_SHOWN])


def order_for_answer(*, order_id: int) -> Order:
    """The order with its parcels (carrier, latest tracking first) and payments (latest first)."""
    return (
        Order.objects.filter(pk=order_id)
        .prefetch_related(
            Prefetch(
                "shipments",
                queryset=Shipment.objects.exclude(status=Shipment.Status.CANCELLED)
                .select_related("service")
                .prefetch_related(
                    Prefetch(
                        "tracking_events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-pk")
                    )
                )
                .order_by("pk"),
                to_attr="bot_shipments",
            ),
            Prefetch(
                "payments", queryset=Payment.objects.order_by("-created_at", "-pk"), to_attr="bot_payments"
            ),
        )
        .get()
    )


def ticket_active_for_number(*, phone: str) -> Ticket | None:
    """The number's WhatsApp ticket a person is working, or resolved so recently that a reply
    reopens it (the desk's reopening window), if any."""
    reopen_since = timezone.now() - timedelta(days=settings.STORE_TICKET_REOPEN_DAYS)
    return (
        Ticket.objects.filter(channel=Channel.WHATSAPP, contact_phone=phone, merged_into__isnull=True)
        .exclude(status=Ticket.Status.CLOSED)
        .exclude(status=Ticket.Status.RESOLVED, resolved_at__lt=reopen_since)
        .order_by("-created_at", "-pk")
        .first()
    )
