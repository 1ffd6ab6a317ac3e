"""Erasure of a customer's personal data (LGPD art. 18, VI), and the requests that ask for it.

Erasure anonymises the person wherever the store wrote them down, and keeps what the tax law
requires for five years (CTN art. 173/174; the fiscal invoice, its order and its payments):
orders, their lines, invoices, payments and refunds stay with their amounts, dates and
products, but no longer say who bought. While an order is on its way or a return or refund is
open the person cannot be erased yet: the request waits and says why.

Everything runs in one transaction; files (return photos, ticket attachments) leave storage
after it commits. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import CharField, F, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, override

from backoffice.models import PersonalDataAccess
from core.actor import Actor
from core.cpf import format_cnpj, format_cpf
from core.transitions import status_move
from exports.models import FeedEvent
from inbox.models import WebhookEvent
from logistics.models import SandboxParcel, Shipment, TrackingEvent
from orders.models import Order, OrderEvent, Payment, RecoveryOpportunity, Refund, RiskCheck, SandboxRefund
from returns.models import ReturnEvent, ReturnPhoto, ReturnRequest
from storefront.accounts.exceptions import (
    ErasureNotForStaff,
    ErasureRefusalReasonMissing,
    ErasureTransitionNotAllowed,
)
from storefront.accounts.locks import lock_erasure_request
from storefront.accounts.models import (
    ERASURE_DEADLINE_DAYS,
    ERASURE_TRANSITIONS,
    Address,
    CustomerProfile,
    ErasureEvent,
    ErasureRequest,
    User,
)
from storefront.cart.models import Cart
from storefront.catalog.models import StockAlert
from storefront.promotions.models import Voucher, VoucherRedemption
from storefront.reviews.models import Review, ReviewEvent
from support.bot.models import Conversation, Line
from support.models import (
    Attachment,
    ChatMessage,
    ChatSession,
    Message,
    PhoneCall,
    SandboxComplaint,
    Ticket,
    TicketEvent,
)
from support.notifications.models import (
    ContactPreference,
    MarketingConsent,
    Notification,
    SandboxWhatsAppMessage,
)
from support.notifications.services import notification_queue
from support.recovery.models import RecoveryCall, RecoveryMessage, RecoveryOptOut
from support.surveys.models import Survey
from support.triage.models import Correction, TicketTriage, Verdict

PERMISSION = "accounts.decide_erasurerequest"

# What an anonymised person is called from now on. Stored data, so in the store's language.
ANONYMOUS_NAME = "Titular anonimizado"
# What stands in for text the person wrote, and for their details inside others' text.
ERASED_TEXT = "[removido a pedido do titular]"
REDACTED = "[removido]"
# A reserved top-level domain (RFC 2606): nothing sent there can ever be delivered.
PLACEHOLDER_DOMAIN = "anonimizado.invalid"

# Orders in these states are settled: nothing more will be shipped, charged or refunded.
ORDERS_SETTLED = (Order.Status.DELIVERED, Order.Status.COMPLETED, Order.Status.CANCELLED)
RETURNS_CLOSED = (
    ReturnRequest.Status.REJECTED,
    ReturnRequest.Status.REFUNDED,
    ReturnRequest.Status.EXCHANGED,
    ReturnRequest.Status.CLOSED,
    ReturnRequest.Status.EXPIRED,
)


def placeholder_email(*, key: str) -> str:
    return f"titular-{key}@{PLACEHOLDER_DOMAIN}"


@dataclass(frozen=True)
class Identity:
    """How a person was written down, to find and replace them: their name, email, CPF,
    CNPJs and phone numbers, in every format the store writes them."""

    name: str
    email: str
    placeholder: str
    cpfs: tuple[str, ...] = ()
    cnpjs: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()

    @property
    def phone_forms(self) -> list[str]:
        forms = []
        for phone in self.phones:
            forms += [f"+55{phone}", f"55{phone}", phone]
            if len(phone) in (10, 11):
                forms.append(f"({phone[:2]}) {phone[2:-4]}-{phone[-4:]}")
        return forms

    @property
    def needles(self) -> list[str]:
        """Longest first, so that a formatted number is replaced before its digits."""
        found = [self.name, self.email]
        for number in self.cpfs:
            found += [format_cpf(number), number]
        for number in self.cnpjs:
            found += [format_cnpj(number), number]
        found += self.phone_forms
        found += self.streets
        return sorted({needle for needle in found if needle and len(needle) >= 5}, key=len, reverse=True)


def _scrub(queryset: QuerySet, *fields: str, needles: list[str]) -> int:
    """Replace the person's details inside free text others wrote about them."""
    if not needles:
        return 0
    values = {}
    for name in fields:
        expression = F(name)
        for needle in needles:
            expression = Replace(expression, Value(needle), Value(REDACTED))
        values[name] = expression
    return queryset.update(**values)


def _scrub_json(value, needles: list[str]):
    """The same replacement inside a JSON document: strings anywhere in it."""
    if isinstance(value, str):
        for needle in needles:
            value = value.replace(needle, REDACTED)
        return value
    if isinstance(value, list):
        return [_scrub_json(item, needles) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_json(item, needles) for key, item in value.items()}
    return value


def _actor_rename(identity: Identity) -> dict[str, str]:
    return {"old": f"customer:{identity.email}", "new": f"customer:{identity.placeholder}"}


@dataclass
class ErasureSummary:
    """What an erasure changed, counted per kind, kept on the request for the record."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, count: int) -> None:
        if count:
            self.counts[key] = self.counts.get(key, 0) + count


def _files_delete_on_commit(files: list) -> None:
    """Storage is not transactional: remove the files once the rows are gone for good."""

    def delete() -> None:
        for stored in files:
            stored.storage.delete(stored.name)

    if files:
        transaction.on_commit(delete)


def orders_anonymise(*, orders: QuerySet[Order], identity: Identity, summary: ErasureSummary) -> None:
    """Remove the buyer from orders while keeping what the tax law requires: numbers, amounts,
    products, dates, and the delivery city and state (they decide the invoice's taxes)."""
    order_ids = list(orders.values_list("pk", flat=True))
    if not order_ids:
        return
    summary.add(
        "orders",
        Order.objects.filter(pk__in=order_ids).update(
            email=identity.placeholder,
            full_name=ANONYMOUS_NAME,
            cpf="",
            cnpj="",
            company_name="",
            state_registration="",
            phone="",
            street="",
            street_number="",
            complement="",
            district="",
            updated_at=timezone.now(),
        ),
    )
    rename = _actor_rename(identity)
    OrderEvent.objects.filter(order_id__in=order_ids, actor=rename["old"]).update(actor=rename["new"])
    _scrub(OrderEvent.objects.filter(order_id__in=order_ids), "note", needles=identity.needles)
    # The ERP feed keeps what it sent about the order; a few rows per order, rewritten in Python.
    for event in FeedEvent.objects.filter(order_id__in=order_ids).only("pk", "payload"):
        payload = _scrub_json(event.payload, identity.needles)
        if payload != event.payload:
            FeedEvent.objects.filter(pk=event.pk).update(payload=payload)
    # The risk analysis quotes the data it checked (name, email, CPF, address) in its reasons.
    _scrub(RiskCheck.objects.filter(analysis__order_id__in=order_ids), "detail", needles=identity.needles)
    Payment.objects.filter(order_id__in=order_ids).exclude(card_holder="").update(card_holder="")
    refund_references = list(
        Refund.objects.filter(order_id__in=order_ids)
        .exclude(provider_reference="")
        .values_list("provider_reference", flat=True)
    )
    Refund.objects.filter(order_id__in=order_ids).update(destination={})
    SandboxRefund.objects.filter(reference__in=refund_references).update(destination={})
    VoucherRedemption.objects.filter(order_id__in=order_ids).update(email=identity.placeholder, cpf="")
    if identity.cpfs:
        Voucher.objects.filter(holder_cpf__in=identity.cpfs).update(holder_cpf="")
    shipments = Shipment.objects.filter(order_id__in=order_ids)
    tracking_codes = [code for code in shipments.values_list("tracking_code", flat=True) if code]
    tracking_codes += [
        code
        for code in ReturnRequest.objects.filter(order_id__in=order_ids).values_list(
            "tracking_code", flat=True
        )
        if code
    ]
    # The sandbox carrier's parcels, outbound and return, name the person they carry for.
    SandboxParcel.objects.filter(
        Q(tracking_code__in=tracking_codes) | Q(recipient_name__iexact=identity.name)
    ).update(recipient_name=ANONYMOUS_NAME)
    _scrub(
        TrackingEvent.objects.filter(shipment__order_id__in=order_ids),
        "description",
        needles=identity.needles,
    )
    _returns_anonymise(
        requests=ReturnRequest.objects.filter(order_id__in=order_ids), identity=identity, summary=summary
    )
    _recovery_anonymise(
        opportunities=RecoveryOpportunity.objects.filter(
            Q(order_id__in=order_ids) | Q(recovered_order_id__in=order_ids)
        ),
        identity=identity,
        summary=summary,
    )


def _returns_anonymise(
    *, requests: QuerySet[ReturnRequest], identity: Identity, summary: ErasureSummary
) -> None:
    request_ids = list(requests.values_list("pk", flat=True))
    if not request_ids:
        return
    summary.add(
        "returns",
        ReturnRequest.objects.filter(pk__in=request_ids).update(
            description=ERASED_TEXT, refund_pix_key="", refund_bank_account={}
        ),
    )
    _scrub(ReturnRequest.objects.filter(pk__in=request_ids), "decision_note", needles=identity.needles)
    rename = _actor_rename(identity)
    ReturnEvent.objects.filter(request_id__in=request_ids, actor=rename["old"]).update(actor=rename["new"])
    _scrub(ReturnEvent.objects.filter(request_id__in=request_ids), "note", needles=identity.needles)
    photos = list(ReturnPhoto.objects.filter(request_id__in=request_ids))
    summary.add("return_photos", len(photos))
    _files_delete_on_commit([photo.file for photo in photos if photo.file])
    ReturnPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()


def _recovery_anonymise(
    *, opportunities: QuerySet[RecoveryOpportunity], identity: Identity, summary: ErasureSummary
) -> None:
    ids = list(opportunities.values_list("pk", flat=True))
    if not ids:
        return
    summary.add(
        "sales_recovery",
        RecoveryOpportunity.objects.filter(pk__in=ids).update(
            name=ANONYMOUS_NAME, email=identity.placeholder, phone=""
        ),
    )
    RecoveryMessage.objects.filter(opportunity_id__in=ids).update(email=identity.placeholder)
    _scrub(RecoveryCall.objects.filter(opportunity_id__in=ids), "notes", needles=identity.needles)


def _tickets_anonymise(*, tickets: QuerySet[Ticket], identity: Identity, summary: ErasureSummary) -> None:
    ticket_ids = list(tickets.values_list("pk", flat=True))
    if not ticket_ids:
        return
    references = [
        reference
        for reference in Ticket.objects.filter(pk__in=ticket_ids).values_list("external_reference", flat=True)
        if reference
    ]
    summary.add(
        "tickets",
        Ticket.objects.filter(pk__in=ticket_ids).update(
            subject=ERASED_TEXT, contact_name=ANONYMOUS_NAME, contact_email="", contact_phone=""
        ),
    )
    messages = Message.objects.filter(ticket_id__in=ticket_ids)
    messages.filter(direction=Message.Direction.INBOUND).update(
        body_text=ERASED_TEXT, body_html="", author_label=ANONYMOUS_NAME
    )
    _scrub(
        messages.exclude(direction=Message.Direction.INBOUND),
        "body_text",
        "body_html",
        needles=identity.needles,
    )
    attachments = list(Attachment.objects.filter(message__ticket_id__in=ticket_ids))
    summary.add("ticket_attachments", len(attachments))
    _files_delete_on_commit([attachment.file for attachment in attachments if attachment.file])
    Attachment.objects.filter(pk__in=[attachment.pk for attachment in attachments]).delete()
    rename = _actor_rename(identity)
    TicketEvent.objects.filter(ticket_id__in=ticket_ids, actor=rename["old"]).update(actor=rename["new"])
    _scrub(TicketEvent.objects.filter(ticket_id__in=ticket_ids), "note", needles=identity.needles)
    _scrub(PhoneCall.objects.filter(ticket_id__in=ticket_ids), "notes", needles=identity.needles)
    # What the triage model learnt from: the customer's words, and the words it picked from them.
    Correction.objects.filter(ticket_id__in=ticket_ids).update(text=ERASED_TEXT)
    Verdict.objects.filter(ticket_id__in=ticket_ids).update(reasons=[])
    TicketTriage.objects.filter(ticket_id__in=ticket_ids).update(reasons=[])
    if references:
        SandboxComplaint.objects.filter(reference__in=references).update(
            author_name=ANONYMOUS_NAME, author_email="", author_phone="", title=ERASED_TEXT, text=ERASED_TEXT
        )


def _conversations_anonymise(*, user: User | None, identity: Identity, summary: ErasureSummary) -> None:
    by_person = Q(email=identity.email) | (Q(customer=user) if user else Q(pk__in=[]))
    chat_ids = list(ChatSession.objects.filter(by_person).values_list("pk", flat=True))
    summary.add("chats", ChatSession.objects.filter(pk__in=chat_ids).update(name=ANONYMOUS_NAME, email=""))
    ChatMessage.objects.filter(session_id__in=chat_ids, from_visitor=True).update(
        body=ERASED_TEXT, author_label=ANONYMOUS_NAME
    )
    _scrub(
        ChatMessage.objects.filter(session_id__in=chat_ids, from_visitor=False),
        "body",
        needles=identity.needles,
    )
    phones = identity.phone_forms
    by_phone = Q(phone__in=phones) if phones else Q(pk__in=[])
    conversation_ids = list(
        Conversation.objects.filter(by_phone | (Q(customer=user) if user else Q(pk__in=[]))).values_list(
            "pk", flat=True
        )
    )
    summary.add(
        "whatsapp_conversations",
        Conversation.objects.filter(pk__in=conversation_ids).update(
            # A WhatsApp conversation needs a number: an impossible one, unique per conversation.
            phone=Concat(Value("x"), Cast("pk", output_field=CharField())),
            name=ANONYMOUS_NAME,
        ),
    )
    Line.objects.filter(conversation_id__in=conversation_ids, from_customer=True).update(body=ERASED_TEXT)
    _scrub(
        Line.objects.filter(conversation_id__in=conversation_ids, from_customer=False),
        "body",
        needles=identity.needles,
    )
    if phones:
        summary.add(
            "whatsapp_messages",
            SandboxWhatsAppMessage.objects.filter(phone__in=phones).update(phone="", body=ERASED_TEXT),
        )


def _notifications_anonymise(*, user: User | None, identity: Identity, summary: ErasureSummary) -> None:
    """The message log keeps that a message went, when and of what kind, not to whom or what it said."""
    addresses = [identity.email, *identity.phone_forms]
    to_person = Q(to_address__in=addresses) | (Q(recipient=user) if user else Q(pk__in=[]))
    notifications = Notification.objects.filter(to_person)
    summary.add(
        "notifications",
        notifications.update(
            to_address=identity.placeholder, body_text="", body_html="", headers={}, template_parameters={}
        ),
    )
    _scrub(Notification.objects.filter(to_address=identity.placeholder), "subject", needles=identity.needles)


# The inbox senders whose raw notices carry what people wrote: emails and WhatsApp messages.
PERSONAL_SENDERS = ("email", "whatsapp")


def _inbox_scrub(*, identity: Identity, summary: ErasureSummary) -> None:
    """Raw notices from the person (their emails and WhatsApp messages), found by their address
    or number inside the stored payload, keep their envelope and lose the person."""
    keys = [identity.email, *identity.phone_forms]
    found = Q(pk__in=[])
    for key in keys:
        found |= Q(text__contains=key)
    events = (
        WebhookEvent.objects.filter(sender__in=PERSONAL_SENDERS)
        .annotate(text=Cast("payload", output_field=TextField()))
        .filter(found)
        .only("pk", "payload")
    )
    for event in events:
        summary.add("inbox_notices", 1)
        WebhookEvent.objects.filter(pk=event.pk).update(payload=_scrub_json(event.payload, identity.needles))


def _logins_forget(*, user: User, identity: Identity) -> None:
    """Failed and successful logins (django-axes), sessions and the admin's history of the account."""
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=identity.email).delete()
    # Sessions are signed blobs: decoding them is the only way to know whose they are.
    user_key = str(user.pk)
    mine = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
        if str(session.get_decoded().get("_auth_user_id")) == user_key
    ]
    Session.objects.filter(pk__in=mine).delete()
    user_type = ContentType.objects.get_for_model(User)
    entries = LogEntry.objects.filter(content_type=user_type, object_id=user_key)
    entries.update(object_repr=identity.placeholder)
    _scrub(entries, "change_message", needles=identity.needles)


def customer_identity(*, user: User) -> Identity:
    """Every way the store wrote this person down: the account, the profile and their orders."""
    profile = CustomerProfile.objects.filter(user=user).first()
    orders = Order.objects.filter(Q(customer=user) | Q(email=user.email))
    cpfs = {profile.cpf} if profile and profile.cpf else set()
    phones = {profile.phone} if profile and profile.phone else set()
    cnpjs = set()
    streets = set(Address.objects.filter(customer=user).values_list("street", flat=True))
    for cpf, cnpj, phone, street in orders.values_list("cpf", "cnpj", "phone", "street"):
        cpfs.add(cpf)
        cnpjs.add(cnpj)
        phones.add(phone)
        streets.add(street)
    preference = ContactPreference.objects.filter(user=user).first()
    if preference and preference.whatsapp_phone:
        phones.add(preference.whatsapp_phone.removeprefix("+").removeprefix("55"))
    return Identity(
        name=user.full_name,
        email=user.email,
        placeholder=placeholder_email(key=str(user.pk)),
        cpfs=tuple(sorted(number for number in cpfs if number)),
        cnpjs=tuple(sorted(number for number in cnpjs if number)),
        phones=tuple(sorted(number for number in phones if number)),
        streets=tuple(sorted(street for street in streets if street)),
    )


# What can hold an erasure, worded once: for staff in their language, for the customer in theirs.
HOLD_ORDER = gettext_lazy("Order %(number)s is not finished yet (%(status)s).")
HOLD_RETURN = gettext_lazy("Return %(number)s is still open (%(status)s).")
HOLD_REFUND = gettext_lazy("A refund of order %(number)s is still to be made.")


def _erasure_holds(*, user: User) -> list[tuple[str, dict]]:
    """What holds the person's erasure, as (wording, values) to be worded in any language."""
    orders = Order.objects.filter(Q(customer=user) | Q(email=user.email))
    holds = [
        (HOLD_ORDER, {"number": number, "status": Order.Status(status).label})
        for number, status in orders.exclude(status__in=ORDERS_SETTLED)
        .order_by("pk")
        .values_list("number", "status")
    ]
    holds += [
        (HOLD_RETURN, {"number": number, "status": ReturnRequest.Status(status).label})
        for number, status in ReturnRequest.objects.filter(Q(customer=user) | Q(order__in=orders))
        .exclude(status__in=RETURNS_CLOSED)
        .order_by("pk")
        .values_list("number", "status")
    ]
    holds += [
        (HOLD_REFUND, {"number": number})
        for number in Refund.objects.filter(order__in=orders)
        .exclude(status=Refund.Status.DONE)
        .order_by("pk")
        .values_list("order__number", flat=True)
    ]
    return holds


def _holds_worded(holds: list[tuple[str, dict]]) -> list[str]:
    """The holds in the active language."""
    return [str(wording) % {key: str(value) for key, value in values.items()} for wording, values in holds]


def erasure_blockers(*, user: User) -> list[str]:
    """Why the person cannot be erased yet: orders still on their way, returns or refunds open."""
    return _holds_worded(_erasure_holds(user=user))


@transaction.atomic
def customer_anonymise(*, user_id: int) -> ErasureSummary:
    """Anonymise a customer everywhere, keeping fiscal records. Idempotent: a second run finds
    nothing left to change. Raises ErasureNotForStaff for staff accounts. Callers check
    `erasure_blockers` first."""
    user = User.objects.select_for_update().get(pk=user_id)
    if user.is_staff:
        raise ErasureNotForStaff()
    identity = customer_identity(user=user)
    summary = ErasureSummary()
    if user.email == identity.placeholder:
        return summary
    by_email = Q(email=identity.email)
    orders_anonymise(
        orders=Order.objects.filter(Q(customer=user) | by_email), identity=identity, summary=summary
    )
    _returns_anonymise(
        requests=ReturnRequest.objects.filter(customer=user), identity=identity, summary=summary
    )
    _recovery_anonymise(
        opportunities=RecoveryOpportunity.objects.filter(Q(customer=user) | by_email),
        identity=identity,
        summary=summary,
    )
    RecoveryMessage.objects.filter(by_email).update(email=identity.placeholder)
    RecoveryOptOut.objects.filter(Q(customer=user) | by_email).delete()
    _tickets_anonymise(
        tickets=Ticket.objects.filter(Q(customer=user) | Q(contact_email__iexact=identity.email)),
        identity=identity,
        summary=summary,
    )
    _conversations_anonymise(user=user, identity=identity, summary=summary)
    _notifications_anonymise(user=user, identity=identity, summary=summary)
    reviews = Review.objects.filter(customer=user)
    summary.add("reviews", reviews.update(title=REDACTED, comment=ERASED_TEXT))
    rename = _actor_rename(identity)
    ReviewEvent.objects.filter(review__customer=user, actor=rename["old"]).update(actor=rename["new"])
    summary.add(
        "surveys", Survey.objects.filter(customer=user).exclude(comment="").update(comment=ERASED_TEXT)
    )
    summary.add("stock_alerts", StockAlert.objects.filter(Q(user=user) | by_email).delete()[0])
    Cart.objects.filter(Q(customer=user) | Q(contact_email=identity.email)).update(
        contact_email="", contact_name="", contact_phone=""
    )
    summary.add("addresses", Address.objects.filter(customer=user).delete()[0])
    CustomerProfile.objects.filter(user=user).update(cpf="", phone="")
    ContactPreference.objects.filter(user=user).delete()
    # Consent history stays as proof of what was asked and answered, no longer of whom.
    consents = MarketingConsent.objects.filter(Q(user=user) | by_email)
    consents.filter(recorded_by=rename["old"]).update(recorded_by=rename["new"])
    summary.add("marketing_consents", consents.update(email=identity.placeholder))
    _scrub(PersonalDataAccess.objects.filter(customer=user), "reference", needles=identity.needles)
    ErasureEvent.objects.filter(request__customer=user, actor=rename["old"]).update(actor=rename["new"])
    _inbox_scrub(identity=identity, summary=summary)
    _logins_forget(user=user, identity=identity)
    user.email = identity.placeholder
    user.full_name = ANONYMOUS_NAME
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "full_name", "is_active", "password", "updated_at"])
    return summary


# --- Requests -------------------------------------------------------------------------------


def erasure_request_transition(
    *, request_id: int, to: str, actor: Actor, note: str = "", **fields
) -> ErasureRequest:
    """Move a request along ERASURE_TRANSITIONS, writing its event. Must run inside the
    caller's transaction. Raises ErasureTransitionNotAllowed or PermissionMissing."""
    request = lock_erasure_request(request_id)
    actor.require_perm(PERMISSION)
    from_status = request.status
    status_move(
        row=request, to=to, transitions=ERASURE_TRANSITIONS, refused=ErasureTransitionNotAllowed(), **fields
    )
    ErasureEvent.objects.create(
        request=request, from_status=from_status, to_status=to, actor=actor.label, note=note
    )
    return request


@transaction.atomic
def erasure_request_create(*, user: User) -> ErasureRequest:
    """The customer asks to be erased; the answer is due in 15 days. Asking again while a
    request is open returns that request."""
    if user.is_staff:
        raise ErasureNotForStaff()
    User.objects.select_for_update().get(pk=user.pk)
    request = ErasureRequest.objects.filter(customer=user, status__in=ErasureRequest.OPEN_STATUSES).first()
    if request is not None:
        return request
    now = timezone.now()
    request = ErasureRequest.objects.create(
        customer=user, deadline=now + timedelta(days=ERASURE_DEADLINE_DAYS)
    )
    ErasureEvent.objects.create(
        request=request, to_status=request.status, actor=Actor.customer(user).label, note=""
    )
    return request


def _customer_language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def _privacy_url() -> str:
    return f"{settings.SITE_URL}{reverse('accounts:privacy-detail')}"


def _erasure_waiting_notify(*, request: ErasureRequest, holds: list[tuple[str, dict]]) -> None:
    """Tell the customer what holds their request, in their language; told again only when
    what holds it changes."""
    user = request.customer
    language = _customer_language(user)
    with override(language):
        reasons = _holds_worded(holds)
    digest = hashlib.sha256("\n".join(reasons).encode()).hexdigest()[:16]
    notification_queue(
        kind=Notification.Kind.ERASURE_WAITING,
        recipient=user,
        language=language,
        dedup_key=f"erasure_waiting:{request.pk}:{digest}",
        context={
            "first_name": user.get_short_name(),
            "number": request.pk,
            "reasons": reasons,
            "privacy_url": _privacy_url(),
        },
    )


def erasure_request_carry_out(*, request_id: int, actor: Actor) -> ErasureRequest:
    """Erase the person, or, while orders or returns are open, set the request waiting with the
    reasons. Either way the customer is told by email (when carried out, at the address they
    had, which the message log forgets once it went). Returns the request (done or waiting); a
    done request is returned unchanged."""
    with transaction.atomic():
        request = lock_erasure_request(request_id)
        if request.status == ErasureRequest.Status.DONE:
            return request
        actor.require_perm(PERMISSION)
        customer = request.customer
        holds = _erasure_holds(user=customer)
        if holds:
            reason = "\n".join(_holds_worded(holds))
            request = erasure_request_transition(
                request_id=request.pk,
                to=ErasureRequest.Status.WAITING,
                actor=actor,
                note=reason,
                waiting_reason=reason,
            )
            _erasure_waiting_notify(request=request, holds=holds)
            return request
        if request.status not in ErasureRequest.OPEN_STATUSES:
            raise ErasureTransitionNotAllowed()
        address, language = customer.email, _customer_language(customer)
        summary = customer_anonymise(user_id=request.customer_id)
        request = erasure_request_transition(
            request_id=request.pk,
            to=ErasureRequest.Status.DONE,
            actor=actor,
            done_at=timezone.now(),
            waiting_reason="",
            summary=summary.counts,
        )
        if not address.endswith(f"@{PLACEHOLDER_DOMAIN}"):  # not already anonymised some other way
            # Queued after the anonymisation, so that it does not blank this message.
            notification_queue(
                kind=Notification.Kind.ERASURE_DONE,
                recipient=customer,
                to_address=address,
                language=language,
                dedup_key=f"erasure_done:{request.pk}",
                context={"number": request.pk},
            )
        return request


@transaction.atomic
def erasure_request_refuse(*, request_id: int, actor: Actor, reason: str) -> ErasureRequest:
    """Refuse the request with the reason the customer reads; they are told by email in their
    language. Raises ErasureRefusalReasonMissing, ErasureTransitionNotAllowed or PermissionMissing."""
    reason = reason.strip()
    if not reason:
        raise ErasureRefusalReasonMissing()
    request = erasure_request_transition(
        request_id=request_id,
        to=ErasureRequest.Status.REFUSED,
        actor=actor,
        note=reason,
        refusal_reason=reason,
    )
    customer = request.customer
    notification_queue(
        kind=Notification.Kind.ERASURE_REFUSED,
        recipient=customer,
        language=_customer_language(customer),
        dedup_key=f"erasure_refused:{request.pk}",
        context={
            "first_name": customer.get_short_name(),
            "number": request.pk,
            "reason": reason,
            "privacy_url": _privacy_url(),
        },
    )
    return request
