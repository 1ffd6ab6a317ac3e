"""Everything the store holds about a customer, as one JSON document they can download
(LGPD art. 18, II and V: access and portability).

One query (or one prefetch) per kind of data, whatever the customer's history: the budget is
asserted in tests/accounts/test_privacy_export.py. Staff-only notes (internal ticket notes,
fraud analysis) are the store's own records and are left out; card numbers are never stored,
only the brand, the last four digits and the holder's name the customer typed.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from orders.models import Order, RecoveryOpportunity
from returns.models import ReturnRequest
from storefront.accounts.models import Address, CustomerProfile, ErasureRequest, User
from storefront.cart.models import Cart
from storefront.catalog.models import StockAlert
from storefront.reviews.models import Review
from support.bot.models import Conversation
from support.models import ChatSession, Message, Ticket
from support.notifications.models import ContactPreference, MarketingConsent, Notification
from support.recovery.models import RecoveryOptOut
from support.surveys.models import Survey

# The document's format, for whoever reads an older download.
EXPORT_VERSION = 1


def _plain(value: Any) -> Any:
    """A value as JSON holds it: instants in ISO 8601, money as a string with two places."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: _plain(getattr(obj, field)) for field in fields}


ORDER_FIELDS = (
    "number",
    "status",
    "channel",
    "placed_at",
    "email",
    "full_name",
    "cpf",
    "cnpj",
    "company_name",
    "state_registration",
    "phone",
    "cep",
    "street",
    "street_number",
    "complement",
    "district",
    "city",
    "state",
    "delivery_label",
    "items_total",
    "discount_total",
    "shipping_total",
    "grand_total",
    "voucher_code",
    "cancel_reason",
)
LINE_FIELDS = ("sku", "product_name", "variant_label", "unit_price", "quantity", "line_total")
PAYMENT_FIELDS = (
    "method",
    "status",
    "amount",
    "refunded_amount",
    "installments",
    "card_brand",
    "card_last4",
    "card_holder",
    "boleto_line",
    "boleto_due_date",
    "paid_at",
    "refunded_at",
)
REFUND_FIELDS = ("method", "status", "amount", "done_at")
SHIPMENT_FIELDS = ("number", "status", "tracking_code", "shipped_at", "promised_on", "delivered_at")
TRACKING_FIELDS = ("occurred_at", "kind", "description", "location")
INVOICE_FIELDS = ("kind", "series", "number", "access_key", "issued_at", "total")
RETURN_FIELDS = (
    "number",
    "status",
    "reason",
    "description",
    "resolution",
    "refund_pix_key",
    "refund_bank_account",
    "decision_note",
    "created_at",
    "received_at",
    "items_refund",
    "shipping_refund",
)
TICKET_FIELDS = ("protocol", "subject", "channel", "status", "contact_name", "contact_email", "contact_phone")
MESSAGE_FIELDS = ("created_at", "direction", "channel", "author_label", "body_text")
REVIEW_FIELDS = ("rating", "title", "comment", "status", "created_at")
NOTIFICATION_FIELDS = (
    "created_at",
    "kind",
    "channel",
    "to_address",
    "subject",
    "body_text",
    "status",
    "sent_at",
)


def _orders(user: User) -> list[dict[str, Any]]:
    orders = (
        Order.objects.filter(customer=user)
        .prefetch_related(
            "lines",
            "payments",
            "refunds",
            "shipments__service",
            "shipments__tracking_events",
            "shipments__invoice",
        )
        .order_by("placed_at", "pk")
    )
    document = []
    for order in orders:
        shipments = []
        for shipment in order.shipments.all():
            invoice = getattr(shipment, "invoice", None)
            shipments.append(
                {
                    **_row(shipment, SHIPMENT_FIELDS),
                    "carrier": shipment.service.name if shipment.service_id else "",
                    "tracking": [_row(event, TRACKING_FIELDS) for event in shipment.tracking_events.all()],
                    "invoice": _row(invoice, INVOICE_FIELDS) if invoice else None,
                }
            )
        document.append(
            {
                **_row(order, ORDER_FIELDS),
                "lines": [_row(line, LINE_FIELDS) for line in order.lines.all()],
                "payments": [_row(payment, PAYMENT_FIELDS) for payment in order.payments.all()],
                "refunds": [_row(refund, REFUND_FIELDS) for refund in order.refunds.all()],
                "shipments": shipments,
            }
        )
    return document


def _companies(orders: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The companies the customer bought for, as they gave them at checkout."""
    seen: dict[str, dict[str, str]] = {}
    for order in orders:
        if order["cnpj"]:
            seen[order["cnpj"]] = {
                "cnpj": order["cnpj"],
                "company_name": order["company_name"],
                "state_registration": order["state_registration"],
            }
    return list(seen.values())


def _returns(user: User) -> list[dict[str, Any]]:
    requests = (
        ReturnRequest.objects.filter(customer=user)
        .select_related("order")
        .prefetch_related("lines__order_line", "photos")
        .order_by("created_at", "pk")
    )
    return [
        {
            **_row(request, RETURN_FIELDS),
            "order": request.order.number,
            "lines": [
                {"sku": line.order_line.sku, "quantity": line.quantity} for line in request.lines.all()
            ],
            "photos": [photo.name for photo in request.photos.all()],
        }
        for request in requests
    ]


def _tickets(user: User) -> list[dict[str, Any]]:
    shown = (
        Message.objects.exclude(direction=Message.Direction.NOTE)
        .prefetch_related("attachments")
        .order_by("pk")
    )
    tickets = (
        Ticket.objects.filter(customer=user)
        .prefetch_related(Prefetch("messages", queryset=shown))
        .order_by("created_at", "pk")
    )
    return [
        {
            **_row(ticket, TICKET_FIELDS),
            "created_at": _plain(ticket.created_at),
            "messages": [
                {
                    **_row(message, MESSAGE_FIELDS),
                    "attachments": [attachment.filename for attachment in message.attachments.all()],
                }
                for message in ticket.messages.all()
            ],
        }
        for ticket in tickets
    ]


def _chats(user: User) -> list[dict[str, Any]]:
    chats = (
        ChatSession.objects.filter(customer=user).prefetch_related("messages").order_by("created_at", "pk")
    )
    return [
        {
            "started_at": _plain(chat.created_at),
            "name": chat.name,
            "email": chat.email,
            "messages": [
                {"at": _plain(line.created_at), "author": line.author_label, "text": line.body}
                for line in chat.messages.all()
            ],
        }
        for chat in chats
    ]


def _whatsapp(user: User) -> list[dict[str, Any]]:
    conversations = Conversation.objects.filter(customer=user).prefetch_related("lines").order_by("pk")
    return [
        {
            "channel": conversation.channel,
            "phone": conversation.phone,
            "name": conversation.name,
            "started_at": _plain(conversation.started_at),
            "lines": [
                {"at": _plain(line.created_at), "from_customer": line.from_customer, "text": line.body}
                for line in conversation.lines.all()
            ],
        }
        for conversation in conversations
    ]


def _contact_preferences(user: User) -> dict[str, Any]:
    preference = ContactPreference.objects.filter(user=user).first()
    opt_outs = RecoveryOptOut.objects.filter(Q(customer=user) | Q(email=user.email)).order_by("pk")
    return {
        "whatsapp": _row(preference, ("whatsapp_phone", "whatsapp_consent_at", "whatsapp_withdrawn_at"))
        if preference
        else None,
        "marketing_consents": [
            _row(consent, ("channel", "is_given", "source", "created_at"))
            for consent in MarketingConsent.objects.filter(Q(user=user) | Q(email=user.email)).order_by("pk")
        ],
        "reminder_opt_outs": [
            _row(opt_out, ("email", "source", "opted_out_at", "opted_back_in_at")) for opt_out in opt_outs
        ],
    }


def _recovery(user: User) -> list[dict[str, Any]]:
    opportunities = (
        RecoveryOpportunity.objects.filter(Q(customer=user) | Q(email=user.email))
        .prefetch_related("messages")
        .order_by("pk")
    )
    return [
        {
            **_row(
                opportunity, ("kind", "status", "name", "email", "phone", "value", "lost_at", "recovered_at")
            ),
            "items": opportunity.lines,
            "reminders_sent": [_plain(message.created_at) for message in opportunity.messages.all()],
        }
        for opportunity in opportunities
    ]


def customer_data_export(*, user: User) -> dict[str, Any]:
    """The customer's data, section by section, ready for `json.dumps` with Django's encoder."""
    profile = CustomerProfile.objects.filter(user=user).first()
    orders = _orders(user)
    return {
        "format_version": EXPORT_VERSION,
        "exported_at": _plain(timezone.now()),
        "account": {
            **_row(user, ("email", "full_name", "language", "date_joined", "last_login")),
        },
        "profile": _row(profile, ("cpf", "phone")) if profile else None,
        "addresses": [
            _row(
                address,
                (
                    "label",
                    "cep",
                    "street",
                    "street_number",
                    "complement",
                    "district",
                    "city",
                    "state",
                    "is_default",
                ),
            )
            for address in Address.objects.filter(customer=user).order_by("pk")
        ],
        "companies": _companies(orders),
        "orders": orders,
        "returns": _returns(user),
        "tickets": _tickets(user),
        "chats": _chats(user),
        "whatsapp_conversations": _whatsapp(user),
        "reviews": [
            {**_row(review, REVIEW_FIELDS), "product": review.product.name}
            for review in Review.objects.filter(customer=user).select_related("product").order_by("pk")
        ],
        "surveys": [
            _row(survey, ("kind", "status", "score", "comment", "answered_at"))
            for survey in Survey.objects.filter(customer=user).order_by("pk")
        ],
        "contact_preferences": _contact_preferences(user),
        "notifications": [
            _row(notification, NOTIFICATION_FIELDS)
            for notification in Notification.objects.filter(recipient=user).order_by("pk")
        ],
        "stock_alerts": [
            {**_row(alert, ("email", "status", "created_at", "notified_at")), "sku": alert.variant.sku}
            for alert in StockAlert.objects.filter(Q(user=user) | Q(email=user.email))
            .select_related("variant")
            .order_by("pk")
        ],
        "sales_recovery": _recovery(user),
        "carts": [
            _row(cart, ("status", "contact_email", "contact_name", "contact_phone", "created_at"))
            for cart in Cart.objects.filter(customer=user).order_by("pk")
        ],
        "erasure_requests": [
            _row(request, ("status", "created_at", "deadline", "refusal_reason"))
            for request in ErasureRequest.objects.filter(customer=user).order_by("pk")
        ],
    }
