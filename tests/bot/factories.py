"""Orders as the bot finds them: on their way with tracking news, awaiting a boleto or Pix,
delivered; and a customer writing to the store's WhatsApp number through the sandbox."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from logistics.models import TrackingEvent
from orders.models import Order, Payment
from support.bot.models import Conversation
from support.channels.whatsapp import sandbox_whatsapp_inbound
from support.notifications.models import SandboxWhatsAppMessage
from tests.logistics.factories import shipment_row
from tests.orders.factories import OrderFactory

PHONE = "5511987654321"
CPF = "52998224725"
OTHER_CPF = "11144477735"
WEBHOOK_URL = reverse("support-webhooks:whatsapp", kwargs={"provider": "sandbox"})


def shipped_order_with_news(*, events: int = 3, **fields) -> Order:
    """A shipped order (CPF `CPF`) whose parcel has `events` tracking events."""
    order = OrderFactory(**{"cpf": CPF, "status": Order.Status.SHIPPED, **fields})
    shipment = shipment_row(order=order, status="in_transit", tracking_code=f"SX{order.number[-6:]}829BR")
    start = timezone.now() - timedelta(days=events)
    places = ["Curitiba / PR", "Cajamar / SP", "São Paulo / SP"]
    for index in range(events):
        TrackingEvent.objects.create(
            shipment=shipment,
            event_id=f"e{index}",
            kind=TrackingEvent.Kind.POSTED if index == 0 else TrackingEvent.Kind.IN_TRANSIT,
            occurred_at=start + timedelta(days=index),
            description="Objeto postado" if index == 0 else f"Objeto em trânsito {index}",
            location=places[index % len(places)],
            source=TrackingEvent.Source.WEBHOOK,
        )
    return order


def awaiting_order(*, method: str, expired: bool = False, **fields) -> tuple[Order, Payment]:
    """An order awaiting its Pix or boleto, as checkout left it (or past its expiry)."""
    order = OrderFactory(**{"cpf": CPF, **fields})
    now = timezone.now()
    payment = Payment.objects.create(
        order=order,
        method=method,
        amount=order.grand_total,
        gateway="sandbox",
        gateway_reference=f"{method}_{order.number}",
        pix_code=f"00020126580014br.gov.bcb.pix0136{order.number}5204000053039865802BR6304ABCD"
        if method == Payment.Method.PIX
        else "",
        boleto_line="23793381286000000000300000000001784470000012000"
        if method == Payment.Method.BOLETO
        else "",
        boleto_due_date=timezone.localdate() + timedelta(days=-1 if expired else 3)
        if method == Payment.Method.BOLETO
        else None,
        expires_at=now + (timedelta(minutes=-5) if expired else timedelta(minutes=30))
        if method == Payment.Method.PIX
        else None,
    )
    return order, payment


def delivered_order(**fields) -> Order:
    return OrderFactory(**{"cpf": CPF, "status": Order.Status.DELIVERED, **fields})


def customer_writes(client, capture, text: str, *, phone: str = PHONE, name: str = "Rita", **media):
    """The sandbox provider posts the customer's message to the webhook, signed; the inbox
    applies it. Returns what the store sent back on WhatsApp in answer."""
    before = SandboxWhatsAppMessage.objects.filter(direction="out").values_list("pk", flat=True)
    seen = set(before)
    body, signature = sandbox_whatsapp_inbound(phone=phone, text=text, name=name, **media)
    with capture(execute=True):
        response = client.post(
            WEBHOOK_URL, data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
        )
    assert response.status_code == 200
    return [
        message.body
        for message in SandboxWhatsAppMessage.objects.filter(direction="out", phone=phone).order_by("pk")
        if message.pk not in seen
    ]


def conversation_of(phone: str = PHONE) -> Conversation:
    return Conversation.objects.get(channel=Conversation.Channel.WHATSAPP, phone=phone)
