"""The support desk's email channel, inbound: emails posted by an inbound-mail provider
(signed notices through the store's inbox, sender "email") or read from the support mailbox
(`support_fetch_mail`, provider "mailbox") are stored once per Message-ID and applied by the
same code. A reply joins its ticket (by In-Reply-To/References, or by the protocol in its
subject when it comes from the ticket's own address), anything else opens a ticket, and
auto-replies and bounces are kept on the ticket they belong to but never answered and never
open one. Outbound email is `support.services.replies`: replies carry the protocol and the
threading headers this side reads."""

import base64
import json
from dataclasses import replace
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.queues import Queue
from core.storable_text import json_is_storable
from inbox.exceptions import NoticeRejected
from inbox.models import WebhookEvent
from inbox.senders import Notice, Outcome, Sender
from inbox.services import notice_store
from storefront.accounts.models import User
from support.channels.email_parse import (
    EMAIL,
    EmailMalformed,
    email_event_id,
    email_from_message,
    email_from_provider,
    html_clean,
    html_text,
    protocol_in,
    subject_clean,
)
from support.exceptions import AttachmentRefused, TicketClosed
from support.models import Channel, Message, Ticket
from support.services.attachments import MAX_FILES, IncomingFile, attachment_check
from support.services.tickets import (
    Contact,
    Incoming,
    _message_add,
    ticket_customer_message,
    ticket_open,
)

EMAIL_ACTOR = Actor.job("inbound_email")
# The provider name emails read from the store's own mailbox are stored under.
MAILBOX_PROVIDER = "mailbox"
# Five attachments of the 10 MB the desk takes would be about 70 MB once in base64: too much
# to hold in a request and keep in one row. 25 MB is what the common inbound providers pass
# on (Mailgun 25, SendGrid 30, Postmark 35) and leaves room for a few large photos.
EMAIL_MAX_BODY_BYTES = 25 * 1024 * 1024

EMPTY_BODY = _("(The email had no text.)")
NO_SUBJECT = _("(no subject)")
CLOSED_TICKET_QUOTE = _("Follow-up to protocol %(protocol)s, which is closed:")
FILES_REFUSED_NOTE = _("Files from this email that were not kept:\n%(reasons)s")
TOO_MANY_FILES = _("%(name)s: the email had more than %(count)d files.")
NOTE_AUTHOR = _("Inbound email")


def email_notice_read(provider: str, body: bytes) -> Notice:
    """An email a provider posted (Postmark-like inbound JSON). Raises NoticeRejected."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise NoticeRejected("malformed email: not JSON", status=400) from error
    if not json_is_storable(payload):
        raise NoticeRejected("malformed email: text the store cannot keep", status=400)
    try:
        email = email_from_provider(payload)
    except EmailMalformed as error:
        raise NoticeRejected(f"malformed email: {error}", status=400) from error
    return _notice(email)


def _notice(email: dict[str, Any]) -> Notice:
    return Notice(event_id=email_event_id(email["message_id"]), kind=email["kind"], payload=email)


def email_notice_apply(*, event: WebhookEvent) -> Outcome:
    """Put a stored email on its ticket, or open one. Runs in the inbox's transaction."""
    email = event.payload
    if Message.objects.filter(message_id=email["message_id"]).exists():
        return Outcome(applied=False, note="delivered before")
    is_automatic = email["kind"] != EMAIL
    with translation.override(settings.LANGUAGE_CODE):  # what staff read in the note
        files, refused = _files_checked(email["attachments"])
    html = html_clean(email["html"])
    incoming = Incoming(
        channel=Channel.EMAIL,
        body_text=email["text"].strip() or html_text(html) or str(EMPTY_BODY),
        body_html=html,
        files=files,
        message_id=email["message_id"],
        in_reply_to=email["in_reply_to"],
        is_automatic=is_automatic,
    )
    ticket = _ticket_threaded(email, is_automatic=is_automatic)
    if ticket is not None:
        try:
            message = ticket_customer_message(ticket_id=ticket.pk, incoming=incoming, actor=EMAIL_ACTOR)
        except TicketClosed:
            if is_automatic:
                return Outcome(applied=False, note=f"{email['kind']} for closed ticket {ticket.protocol}")
            with translation.override(ticket.language):
                quote = gettext(CLOSED_TICKET_QUOTE) % {"protocol": ticket.protocol}
            opened = _ticket_open(
                email, incoming=replace(incoming, body_text=f"{quote}\n\n{incoming.body_text}")
            )
            _note_refused(ticket=opened, refused=refused)
            return Outcome(applied=True, note=f"opened {opened.protocol} after closed {ticket.protocol}")
        _note_refused(ticket=message.ticket, refused=refused)
        return Outcome(applied=True, note=f"on {message.ticket.protocol}")
    if is_automatic:  # never a ticket for a robot: its acknowledgement would answer it
        return Outcome(applied=False, note=f"{email['kind']} for no ticket")
    opened = _ticket_open(email, incoming=incoming)
    _note_refused(ticket=opened, refused=refused)
    return Outcome(applied=True, note=f"opened {opened.protocol}")


def _same_sender(address: str) -> Q:
    return Q(contact_email__iexact=address) | Q(customer__email__iexact=address)


def _ticket_threaded(email: dict[str, Any], *, is_automatic: bool) -> Ticket | None:
    """The ticket an email continues: the one holding a message it answers or refers to,
    else the one whose protocol its subject quotes. Our Message-IDs and protocols can be
    guessed, so a person's email joins only a ticket of its own address; a bounce comes
    from a mail server and is trusted by the id it returns (it moves nothing)."""
    ids = [email["in_reply_to"], *reversed(email["references"])]
    ids = [found for found in dict.fromkeys(ids) if found]
    if ids:
        ticket_by_id = dict(
            Message.objects.filter(message_id__in=ids)
            .exclude(direction=Message.Direction.NOTE)
            .values_list("message_id", "ticket_id")
        )
        candidates = Ticket.objects.filter(pk__in=ticket_by_id.values())
        if not is_automatic:
            candidates = candidates.filter(_same_sender(email["from_email"]))
        found = {ticket.pk: ticket for ticket in candidates}
        for message_id in ids:
            if ticket_by_id.get(message_id) in found:
                return found[ticket_by_id[message_id]]
    protocol = protocol_in(email["subject"])
    if protocol:
        return Ticket.objects.filter(_same_sender(email["from_email"]), protocol=protocol).first()
    return None


def _ticket_open(email: dict[str, Any], *, incoming: Incoming) -> Ticket:
    customer = User.objects.filter(email__iexact=email["from_email"], is_active=True).order_by("pk").first()
    return ticket_open(
        contact=Contact(customer=customer, name=email["from_name"], email=email["from_email"]),
        subject=subject_clean(email["subject"]) or str(NO_SUBJECT),
        incoming=incoming,
        actor=EMAIL_ACTOR,
    )


def _files_checked(attachments: list[dict[str, str]]) -> tuple[list[IncomingFile], list[str]]:
    """The files the desk keeps, and why each other one was refused."""
    kept, refused = [], []
    for attachment in attachments:
        incoming = IncomingFile(name=attachment["name"], content=base64.b64decode(attachment["content"]))
        if len(kept) == MAX_FILES:
            refused.append(gettext(TOO_MANY_FILES) % {"name": incoming.name, "count": MAX_FILES})
            continue
        try:
            attachment_check(incoming)
        except AttachmentRefused as error:
            refused.append(str(error.message))
        else:
            kept.append(incoming)
    return kept, refused


def _note_refused(*, ticket: Ticket, refused: list[str]) -> None:
    """Tell staff, in an internal note, which files of the email were not kept."""
    if not refused:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = gettext(FILES_REFUSED_NOTE) % {"reasons": "\n".join(refused)}
        # ticket_note needs a staff author; a job's note goes through the same helper.
        _message_add(
            ticket=ticket,
            incoming=Incoming(channel=Channel.INTERNAL, body_text=body),
            direction=Message.Direction.NOTE,
            author_label=gettext(NOTE_AUTHOR),
        )


EMAIL_SENDER = Sender(
    name="email",
    secrets_setting="STORE_INBOUND_EMAIL_SECRETS",
    read=email_notice_read,
    apply=email_notice_apply,
    queue=Queue.EMAIL,
    max_body_bytes=EMAIL_MAX_BODY_BYTES,
)


def email_receive_parsed(
    *, message: EmailMessage, raw: bytes, provider: str = MAILBOX_PROVIDER
) -> tuple[WebhookEvent, bool]:
    """Store an email read from the store's own mailbox in the inbox, as the webhook stores
    a posted one (the same shape, sender and applier), once per Message-ID, and apply it
    after commit. Nothing signs it: the mailbox is ours. Returns the stored notice and
    whether it is new.

    Raises EmailMalformed (also for one larger than a provider may post), storing nothing.
    """
    if len(raw) > EMAIL_SENDER.max_body_bytes:
        raise EmailMalformed("larger than the store takes")
    notice = _notice(email_from_message(message, raw=raw))
    return notice_store(sender=EMAIL_SENDER.name, provider=provider, notice=notice)


def sandbox_inbound_email(
    *,
    from_email: str,
    subject: str,
    text: str = "",
    html: str = "",
    from_name: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
    files: list[IncomingFile] | None = None,
    to: str = "",
    provider: str = "sandbox",
) -> tuple[bytes, str]:
    """The signed post the sandbox inbound-mail provider makes for an email:
    `(body, X-Signature)`."""
    from inbox.signatures import signature_header

    message_id = message_id or make_msgid(domain="sandbox.example.com")
    all_headers = {"Message-ID": message_id, **(headers or {})}
    if in_reply_to:
        all_headers["In-Reply-To"] = in_reply_to
    if references:
        all_headers["References"] = references
    body = json.dumps(
        {
            "MessageID": message_id,
            "From": f"{from_name} <{from_email}>" if from_name else from_email,
            "FromName": from_name,
            "To": to or settings.DEFAULT_FROM_EMAIL,
            "Subject": subject,
            "TextBody": text,
            "HtmlBody": html,
            "Date": format_datetime(timezone.now()),
            "Headers": [{"Name": name, "Value": value} for name, value in all_headers.items()],
            "Attachments": [
                {
                    "Name": incoming.name,
                    "Content": base64.b64encode(incoming.content).decode(),
                    "ContentType": "application/octet-stream",
                    "ContentLength": len(incoming.content),
                }
                for incoming in files or []
            ],
        }
    ).encode()
    return body, signature_header(body=body, secret=settings.STORE_INBOUND_EMAIL_SECRETS[provider])
