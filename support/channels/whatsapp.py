"""WhatsApp in: the provider's webhook calls (Cloud API shape, signed with
X-Hub-Signature-256 over the raw body) become ticket messages, with their media; the
delivery and read statuses it reports reach the messages the store sent."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.queues import Queue
from core.storable_text import json_is_storable
from inbox.exceptions import NoticeRejected
from inbox.models import WebhookEvent
from inbox.senders import Notice, Outcome, Sender
from inbox.signatures import body_signature, body_signature_verify
from support.exceptions import AttachmentRefused, TicketClosed
from support.models import Channel, Message, Ticket
from support.notifications.adapters.whatsapp import WhatsAppRefused, WhatsAppUnavailable, whatsapp_gateway
from support.notifications.models import SandboxWhatsAppMessage
from support.notifications.services import notification_channel_news
from support.services.attachments import IncomingFile
from support.services.replies import ticket_note
from support.services.tickets import Contact, Incoming, ticket_customer_message, ticket_open

WHATSAPP_ACTOR = Actor.job("whatsapp")
MEDIA_TYPES = ("image", "document", "audio", "video", "sticker")
SUBJECT_LENGTH = 60


def whatsapp_signature_verify(*, body: bytes, headers, secret: str) -> None:
    body_signature_verify(body=body, header=headers.get("X-Hub-Signature-256", ""), secret=secret)


def whatsapp_notice_read(provider: str, body: bytes) -> Notice:
    """A webhook call of the WhatsApp Business Account. The provider retries a call it got no
    answer for with the same body, so the body's hash is the event id."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise NoticeRejected("malformed notice", status=400) from error
    if not isinstance(payload, dict) or not json_is_storable(payload):
        raise NoticeRejected("malformed notice", status=400)
    if payload.get("object") != "whatsapp_business_account" or not isinstance(payload.get("entry"), list):
        raise NoticeRejected("unknown notice", status=400)
    try:
        _changes(payload)
    except (AttributeError, KeyError, TypeError) as error:
        raise NoticeRejected("malformed notice", status=400) from error
    return Notice(event_id=hashlib.sha256(body).hexdigest(), kind="messages", payload=payload)


def _changes(payload: dict[str, Any]) -> list[dict[str, Any]]:
    values = [change["value"] for entry in payload["entry"] for change in entry.get("changes", [])]
    for value in values:
        for message in value.get("messages", []):
            str(message["from"]), str(message["id"]), str(message["type"])
        for status in value.get("statuses", []):
            str(status["id"]), str(status["status"])
    return values


def _at(timestamp: str | int | None) -> datetime:
    try:
        return datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return timezone.now()


def _incoming(message: dict[str, Any]) -> tuple[Incoming, str]:
    """The message as the desk keeps it, and the name of a file that could not be fetched."""
    kind = message["type"]
    text, files, missing = "", [], ""
    if kind == "text":
        text = message.get("text", {}).get("body", "")
    elif kind in MEDIA_TYPES:
        media = message.get(kind, {})
        text = media.get("caption", "")
        name = media.get("filename") or f"{kind}-{message['id'][-8:]}"
        try:
            content, _content_type = whatsapp_gateway().media_download(media_id=str(media.get("id", "")))
        except (WhatsAppRefused, WhatsAppUnavailable):
            missing = name
        else:
            files.append(IncomingFile(name=name, content=content))
    else:  # location, contacts, reactions...: kept as what they are
        text = f"[{kind}]"
    incoming = Incoming(
        channel=Channel.WHATSAPP, body_text=text or f"[{kind}]", files=files, external_id=message["id"]
    )
    return incoming, missing


def _open_ticket_for(phone: str) -> Ticket | None:
    return (
        Ticket.objects.filter(channel=Channel.WHATSAPP, contact_phone=phone, merged_into__isnull=True)
        .exclude(status=Ticket.Status.CLOSED)
        .order_by("-created_at", "-pk")
        .first()
    )


def _message_store(*, phone: str, name: str, incoming: Incoming) -> Message | Ticket:
    ticket = _open_ticket_for(phone)
    if ticket is not None:
        try:
            return ticket_customer_message(ticket_id=ticket.pk, incoming=incoming, actor=WHATSAPP_ACTOR)
        except TicketClosed:
            pass  # resolved too long ago: a new conversation
    if Message.objects.filter(channel=Channel.WHATSAPP, external_id=incoming.external_id).exists():
        return Message.objects.get(channel=Channel.WHATSAPP, external_id=incoming.external_id)
    subject = " ".join(incoming.body_text.split())[:SUBJECT_LENGTH] or "WhatsApp"
    return ticket_open(
        contact=Contact(name=name, phone=phone), subject=subject, incoming=incoming, actor=WHATSAPP_ACTOR
    )


def _bot_answers(*, phone: str, name: str, incoming: Incoming) -> bool:
    """The service bot answers numbers no person is talking to (support/bot)."""
    from support.bot.services import bot_whatsapp_hear

    return bot_whatsapp_hear(phone=phone, name=name, incoming=incoming)


def whatsapp_notice_apply(*, event: WebhookEvent) -> Outcome:
    """Each customer message joins the number's open WhatsApp ticket, or opens one; each
    status reaches the message the store sent. A file the store does not take is left out,
    with a note on the ticket, and the message kept."""
    stored = statuses = 0
    for value in _changes(event.payload):
        names = {
            contact.get("wa_id"): contact.get("profile", {}).get("name", "")
            for contact in value.get("contacts", [])
        }
        for message in value.get("messages", []):
            phone = str(message["from"])[:20]
            incoming, missing = _incoming(message)
            if _bot_answers(phone=phone, name=names.get(message["from"], ""), incoming=incoming):
                stored += 1
                continue
            try:
                result = _message_store(phone=phone, name=names.get(message["from"], ""), incoming=incoming)
            except AttachmentRefused as refused:
                incoming = Incoming(
                    channel=incoming.channel, body_text=incoming.body_text, external_id=incoming.external_id
                )
                result = _message_store(phone=phone, name=names.get(message["from"], ""), incoming=incoming)
                missing = refused.message
            if missing:
                ticket_id = result.ticket_id if isinstance(result, Message) else result.pk
                ticket_note(
                    ticket_id=ticket_id,
                    actor=WHATSAPP_ACTOR,
                    body_text=_("A file the customer sent was not kept: %(reason)s") % {"reason": missing},
                )
            stored += 1
        for status in value.get("statuses", []):
            errors = status.get("errors") or [{}]
            notification_channel_news(
                external_id=str(status["id"]),
                news=str(status["status"]),
                at=_at(status.get("timestamp")),
                error=str(errors[0].get("title", "")),
            )
            statuses += 1
    return Outcome(applied=bool(stored or statuses), note=f"{stored} messages, {statuses} statuses")


WHATSAPP_SENDER = Sender(
    name="whatsapp",
    secrets_setting="STORE_WHATSAPP_APP_SECRETS",
    read=whatsapp_notice_read,
    apply=whatsapp_notice_apply,
    queue=Queue.DEFAULT,
    verify=whatsapp_signature_verify,
    max_body_bytes=256 * 1024,
)


def sandbox_whatsapp_inbound(
    *,
    phone: str,
    text: str = "",
    name: str = "",
    media: bytes | None = None,
    media_type: str = "",
    filename: str = "",
) -> tuple[bytes, str]:
    """What the sandbox provider does when a customer writes to the store's number: keep the
    message (and its media) in its books, and sign the webhook call it posts about it:
    `(body, X-Hub-Signature-256)`."""
    import secrets

    message_id = f"wamid.sandbox.{secrets.token_hex(12)}"
    SandboxWhatsAppMessage.objects.create(
        direction=SandboxWhatsAppMessage.Direction.FROM_CUSTOMER,
        phone=phone,
        message_id=message_id,
        body=text,
        media=media,
        media_type=media_type,
    )
    message: dict[str, Any] = {
        "from": phone,
        "id": message_id,
        "timestamp": str(int(timezone.now().timestamp())),
    }
    if media is not None:
        kind = "image" if media_type.startswith("image/") else "document"
        message.update({"type": kind, kind: {"id": message_id, "mime_type": media_type, "caption": text}})
        if filename:
            message[kind]["filename"] = filename
    else:
        message.update({"type": "text", "text": {"body": text}})
    return _sandbox_call(
        {
            "messaging_product": "whatsapp",
            "contacts": [{"wa_id": phone, "profile": {"name": name}}],
            "messages": [message],
        }
    )


def sandbox_whatsapp_statuses(*, statuses: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The provider's call reporting (message id, status) pairs: sent, delivered, read, failed."""
    now = str(int(timezone.now().timestamp()))
    return _sandbox_call(
        {
            "messaging_product": "whatsapp",
            "statuses": [
                {"id": message_id, "status": status, "timestamp": now} for message_id, status in statuses
            ],
        }
    )


def _sandbox_call(value: dict[str, Any]) -> tuple[bytes, str]:
    """The sandbox provider's signed webhook call carrying one change."""
    body = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "sandbox-waba", "changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()
    return body, body_signature(body=body, secret=settings.STORE_WHATSAPP_APP_SECRETS["sandbox"])
