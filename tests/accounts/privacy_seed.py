"""A customer the store knows everything about: account, profile, addresses, a company,
a delivered order with payment, shipment, tracking and invoice, a closed return with a photo,
tickets with an attachment, chat, WhatsApp, a review, a survey, messages sent, stock alerts,
sales recovery, vouchers, login records and an admin history. For the privacy tests."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from backoffice.models import PersonalDataAccess
from core.actor import Actor
from exports.models import FeedEvent
from inbox.models import WebhookEvent
from orders.models import Order, RecoveryOpportunity
from returns.models import ReturnEvent, ReturnRequest
from storefront.accounts.models import Address, CustomerProfile, User
from storefront.cart.services import cart_contact_set, cart_create
from storefront.catalog.models import StockAlert
from storefront.promotions.models import VoucherRedemption
from support.bot.models import Conversation, Line
from support.models import PhoneCall, SandboxComplaint
from support.notifications.models import MarketingConsent, Notification, SandboxWhatsAppMessage
from support.notifications.services import whatsapp_consent_set
from support.recovery.models import RecoveryMessage, RecoveryOptOut
from support.services.chat import chat_start
from support.surveys.models import Survey
from support.triage.models import Correction
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.promotions.factories import VoucherFactory
from tests.returns.factories import ask_return, delivered_order
from tests.returns.factories import photo as return_photo
from tests.reviews.factories import review_row
from tests.support.factories import open_ticket
from tests.support.factories import photo as ticket_photo

NAME = "Joaquina Perpétua Valadares"
EMAIL = "joaquina.valadares@example.com.br"
CPF = "52998224725"
CPF_FORMATTED = "529.982.247-25"
PHONE = "11976543210"
PHONE_FORMATTED = "(11) 97654-3210"
CNPJ = "47123045000117"
CNPJ_FORMATTED = "47.123.045/0001-17"
COMPANY = "Doces Valadares Ltda"
STREET = "Rua Desembargador Valadares Quintanilha"

# What must not be found anywhere after erasure.
PERSONAL = (NAME, EMAIL, CPF, CPF_FORMATTED, PHONE, PHONE_FORMATTED, CNPJ, CNPJ_FORMATTED, COMPANY, STREET)


@dataclass
class Seeded:
    user: User
    order: Order
    return_request: ReturnRequest
    files: list[str]


def seeded_customer(capture, *, staff: User) -> Seeded:
    user = UserFactory(email=EMAIL, full_name=NAME)
    CustomerProfile.objects.create(user=user, cpf=CPF, phone=PHONE)
    Address.objects.create(
        customer=user,
        label="Casa",
        cep="01310100",
        street=STREET,
        street_number="77",
        district="Bela Vista",
        city="São Paulo",
        state="SP",
        is_default=True,
    )
    whatsapp_consent_set(user=user, phone=f"+55{PHONE}", consent=True)
    order = delivered_order(
        capture,
        customer=user,
        email=EMAIL,
        full_name=NAME,
        cpf=CPF,
        phone=PHONE,
        cnpj=CNPJ,
        company_name=COMPANY,
        street=STREET,
    )
    order.payments.update(card_holder=NAME.upper())
    with capture(execute=True):
        request = ask_return(
            order,
            description=f"Veio quebrado. Liguem para {PHONE_FORMATTED}, {NAME}.",
            photos=[return_photo()],
            refund_pix_key=CPF,
        )
    # The return went its way and closed (its own services are tested in tests/returns).
    ReturnRequest.objects.filter(pk=request.pk).update(
        status=ReturnRequest.Status.CLOSED, decision_note=f"Fora do prazo, {NAME}."
    )
    ReturnEvent.objects.create(
        request=request,
        from_status=request.status,
        to_status="closed",
        actor=Actor.staff(staff).label,
        note=NAME,
    )
    request.refresh_from_db()
    files = [photo.file.name for photo in request.photos.all()]
    with capture(execute=True):
        ticket = open_ticket(
            customer=user,
            body=f"Sou {NAME}, CPF {CPF_FORMATTED}, telefone {PHONE_FORMATTED}.",
            files=[ticket_photo()],
            subject=f"Pedido de {NAME}",
        )
    files += [
        attachment.file.name for message in ticket.messages.all() for attachment in message.attachments.all()
    ]
    ticket.external_reference = "RA-998877"
    ticket.save(update_fields=["external_reference"])
    PhoneCall.objects.create(
        ticket=ticket,
        agent=staff,
        direction="in",
        duration=timedelta(minutes=1),
        outcome="solved",
        notes=f"{NAME} ligou.",
    )
    Correction.objects.create(
        ticket=ticket,
        text=f"{NAME} reclamou",
        topic="delivery",
        urgency="normal",
        predicted_topic="delivery",
        predicted_urgency="normal",
    )
    SandboxComplaint.objects.create(
        source="reclame_aqui",
        reference="RA-998877",
        url="https://example.com/ra/998877",
        author_name=NAME,
        author_email=EMAIL,
        author_phone=PHONE,
        title="Atraso",
        text=f"Meu CPF é {CPF}",
        published_at=timezone.now(),
    )
    with capture(execute=True):
        chat_start(name=NAME, email=EMAIL, body=f"Oi, sou {NAME}", customer=user)
    now = timezone.now()
    conversation = Conversation.objects.create(
        channel="whatsapp", phone=f"55{PHONE}", customer=user, name=NAME, started_at=now, last_activity_at=now
    )
    Line.objects.create(conversation=conversation, from_customer=True, body=f"Meu CPF é {CPF_FORMATTED}")
    SandboxWhatsAppMessage.objects.create(
        direction="in", phone=f"55{PHONE}", message_id="wamid.1", body=f"Sou {NAME}"
    )
    review_row(customer=user, title=f"Recomendo - {NAME}", comment=f"Assinado, {NAME}")
    Survey.objects.create(
        kind="nps",
        order=order,
        customer=user,
        channel="email",
        score=9,
        status="answered",
        answered_at=timezone.now(),
        comment=f"{NAME} gostou",
        language="pt-br",
    )
    notification = Notification.objects.create(
        kind="order_update",
        channel="email",
        recipient=user,
        to_address=EMAIL,
        subject=f"Olá {NAME}",
        body_text=f"Olá {NAME}, seu CPF {CPF_FORMATTED}",
        body_html=f"<p>Olá {NAME}</p>",
        language="pt-br",
        dedup_key="privacy-seed",
    )
    cart = cart_create(customer=user)
    cart_contact_set(cart_id=cart.pk, email=EMAIL, name=NAME, phone=PHONE, language="pt-br")
    StockAlert.objects.create(variant=VariantFactory(), email=EMAIL, user=user, language="pt-br")
    opportunity = RecoveryOpportunity.objects.create(
        kind="cart",
        customer=user,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        value=Decimal("50.00"),
        lines=[],
        lost_at=timezone.now() - timedelta(days=3),
    )
    RecoveryMessage.objects.create(opportunity=opportunity, step=1, email=EMAIL, notification=notification)
    RecoveryOptOut.objects.create(
        email=EMAIL, customer=user, source="mail_client", opted_out_at=timezone.now()
    )
    MarketingConsent.objects.create(
        email=EMAIL,
        user=user,
        channel="email",
        is_given=True,
        source="checkout",
        recorded_by=f"customer:{EMAIL}",
    )
    PersonalDataAccess.objects.create(
        staff=staff, customer=user, kind="export", reference=f"orders email={EMAIL}"
    )
    FeedEvent.objects.create(
        kind="order.placed",
        order=order,
        source=f"privacy-seed:{order.pk}",
        occurred_at=timezone.now(),
        payload={
            "number": order.number,
            "customer": {"name": NAME, "email": EMAIL, "cpf": CPF, "phone": PHONE},
        },
    )
    # Raw notices as the inbox stored them: an email and a WhatsApp message from the person.
    WebhookEvent.objects.create(
        sender="email",
        provider="sandbox",
        event_id="<privacy-seed@mail>",
        kind="inbound",
        payload={"from": f"{NAME} <{EMAIL}>", "text": f"Meu CPF é {CPF_FORMATTED}"},
    )
    WebhookEvent.objects.create(
        sender="whatsapp",
        provider="sandbox",
        event_id="wamid.privacy-seed",
        kind="message",
        payload={"entry": [{"from": f"55{PHONE}", "profile": {"name": NAME}, "text": {"body": "Oi"}}]},
    )
    voucher = VoucherFactory(holder_cpf=CPF)
    VoucherRedemption.objects.create(
        voucher=voucher, order=order, email=EMAIL, cpf=CPF, discount=Decimal("0.00")
    )
    AccessAttempt.objects.create(
        username=EMAIL,
        ip_address="10.0.0.1",
        user_agent="x",
        failures_since_start=1,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/account/login/",
    )
    AccessFailureLog.objects.create(
        username=EMAIL,
        ip_address="10.0.0.1",
        user_agent="x",
        locked_out=False,
        http_accept="*/*",
        path_info="/account/login/",
    )
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=EMAIL,
        action_flag=CHANGE,
        change_message=f"Changed phone of {NAME}",
    )
    return Seeded(user=user, order=order, return_request=request, files=files)
