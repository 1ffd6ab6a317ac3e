"""An inbound email in one shape, whichever way it came: posted by a provider as JSON (the
Postmark-like inbound parse: "From", "Subject", "TextBody", "HtmlBody", "Headers",
"Attachments" in base64) or read from the store's own mailbox as MIME. Both become the same
plain dict, which the inbox stores and the email channel applies:

    message_id, in_reply_to, references (ids, oldest first), from_email, from_name, to,
    subject, date, text, html (as received), kind (EMAIL, or why it is automatic),
    headers ([name, value] pairs), attachments ([{name, content_type, content (base64)}])
"""

import base64
import binascii
import contextlib
import hashlib
import re
from email.errors import MessageError
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import parseaddr
from html import unescape
from html.parser import HTMLParser
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.storable_text import UNSTORABLE, json_is_storable
from inbox.models import EVENT_ID_MAX_LENGTH

# What an inbound email is: one a person wrote, or one a robot sent and nobody must answer.
EMAIL = "email"
AUTO_REPLY = "auto_reply"
BOUNCE = "bounce"
OWN_ADDRESS = "own_address"  # our own message came back: answering it would loop
# The Message.message_id column; longer ids could never be matched again.
MESSAGE_ID_MAX_LENGTH = 255
# Threading looks at the newest ids of References only; a long thread quotes dozens.
REFERENCES_KEPT = 20
ROBOT_SENDERS = frozenset({"mailer-daemon", "postmaster"})
BULK_PRECEDENCE = frozenset({"bulk", "auto_reply", "junk"})

_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+>")
_BARE_ID = re.compile(r"[\x21-\x3b\x3d\x3f-\x7e]+")
# A delivery report quotes the headers of the message that could not be delivered.
_QUOTED_ID = re.compile(r"^\s*Message-ID:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)
# "[Protocolo 2026120300042]", "[Protocol 2026120300042]", "Protocolo nº 2026120300042".
_PROTOCOL = re.compile(r"\bprotocolo?\b\s*(?:n[º°o.]*\s*)?[:#]?\s*(\d{13,20})(?!\d)", re.IGNORECASE)
_SUBJECT_PREFIX = re.compile(
    r"^(?:\s*(?:(?:re|res|fw|fwd|enc|tr|aw|wg)\s*:|\[\s*protocolo?\s*\d{13,20}\s*\]))+\s*", re.IGNORECASE
)

# What survives of a customer's HTML: text formatting, lists, tables and links to the web.
# No scripts, styles, event handlers, frames, forms, and no images (remote ones tell the
# sender that, when and where the message was read).
HTML_TAGS = frozenset(nh3.ALLOWED_TAGS - {"img", "map", "area"})
HTML_ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items() if tag in HTML_TAGS}
HTML_DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "template", "title"})
HTML_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_BLOCK_TAGS = frozenset(
    {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "table"}
)


class EmailMalformed(ValueError):
    """An email the store cannot read: no sender to answer, no usable Message-ID, a broken
    attachment, or a body in a shape nobody sends."""


def message_id_clean(value: str) -> str:
    """The Message-ID as `<left@right>`; a bare id gets its angle brackets. Raises
    EmailMalformed for an empty, spaced, non-ASCII or overlong one."""
    value = value.strip()
    if _BARE_ID.fullmatch(value) and "@" in value:
        value = f"<{value}>"
    if not _ID.fullmatch(value) or len(value) > MESSAGE_ID_MAX_LENGTH:
        raise EmailMalformed("Message-ID missing or invalid")
    return value


def message_ids_in(value: str) -> list[str]:
    """The ids an In-Reply-To or References header names, in order."""
    return [found for found in _ID.findall(value) if len(found) <= MESSAGE_ID_MAX_LENGTH]


def email_event_id(message_id: str) -> str:
    """The inbox's event id for an email: its Message-ID, or that id's SHA-256 when too long."""
    if len(message_id) <= EVENT_ID_MAX_LENGTH:
        return message_id
    return hashlib.sha256(message_id.encode()).hexdigest()


def protocol_in(subject: str) -> str:
    """The ticket protocol a subject quotes, or ""."""
    found = _PROTOCOL.search(subject)
    return found.group(1) if found else ""


def subject_clean(subject: str) -> str:
    """The subject without reply and forward prefixes or protocol tags, for a new ticket."""
    return " ".join(_SUBJECT_PREFIX.sub("", subject).split())


def html_clean(html: str) -> str:
    """A customer's HTML made safe to show to staff and to the customer."""
    if not html.strip():
        return ""
    return nh3.clean(
        html,
        tags=set(HTML_TAGS),
        attributes=HTML_ATTRIBUTES,
        clean_content_tags=set(HTML_DROPPED_WITH_CONTENT),
        url_schemes=set(HTML_URL_SCHEMES),
        url_relative="deny",  # a relative link would point into the store itself
        link_rel="noopener noreferrer nofollow",
    ).strip()


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    """The readable text of (cleaned) HTML: one line per block, no markup."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (" ".join(line.split()) for line in unescape("".join(extractor.parts)).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _header(headers: list[list[str]], name: str) -> str | None:
    name = name.lower()
    return next((value for header, value in headers if header.lower() == name), None)


def _own_addresses() -> set[str]:
    return {
        parseaddr(address)[1].lower()
        for address in (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL)
        if parseaddr(address)[1]
    }


def email_kind(*, headers: list[list[str]], from_email: str) -> str:
    """EMAIL for a message a person wrote; BOUNCE, AUTO_REPLY or OWN_ADDRESS for one a robot
    sent (RFC 3834 Auto-Submitted, the usual vacation headers, bulk precedence, delivery
    reports and their senders, or our own address), which is never answered."""
    content_type = (_header(headers, "Content-Type") or "").lower()
    is_report = content_type.split(";", 1)[0].strip() == "multipart/report"
    if (
        (is_report and re.search(r"report-type\s*=\s*\"?delivery-status", content_type))
        or from_email.split("@", 1)[0].lower() in ROBOT_SENDERS
        or (_header(headers, "Return-Path") or "").strip() == "<>"
    ):
        return BOUNCE
    if from_email.lower() in _own_addresses():
        return OWN_ADDRESS
    auto_submitted = _header(headers, "Auto-Submitted")
    precedence = (_header(headers, "Precedence") or "").strip().lower()
    if (
        is_report  # a read receipt or another machine report
        or (auto_submitted is not None and auto_submitted.split(";", 1)[0].strip().lower() != "no")
        or _header(headers, "X-Autoreply") is not None
        or _header(headers, "X-Autorespond") is not None
        or precedence in BULK_PRECEDENCE
    ):
        return AUTO_REPLY
    return EMAIL


def _sender(from_header: str, from_name: str) -> tuple[str, str]:
    name, address = parseaddr(from_header)
    address = address.strip().lower()
    try:
        validate_email(address)
    except ValidationError as error:
        raise EmailMalformed("no valid sender address") from error
    return (from_name or name).strip()[:150], address


def _email(
    *,
    message_id: str,
    from_header: str,
    from_name: str,
    to: str,
    subject: str,
    date: str,
    text: str,
    html: str,
    in_reply_to: str,
    references: str,
    headers: list[list[str]],
    attachments: list[dict[str, str]],
    reported_ids: list[str] | None = None,
) -> dict[str, Any]:
    from_name, from_email = _sender(from_header, from_name)
    kind = email_kind(headers=headers, from_email=from_email)
    thread = message_ids_in(references)[-REFERENCES_KEPT:]
    if kind != EMAIL:  # a bounce names the message it returns in its report, not in its headers
        thread += [
            found for found in [*(reported_ids or []), *_QUOTED_ID.findall(text)] if found not in thread
        ]
    parent = message_ids_in(in_reply_to)
    email = {
        "message_id": message_id_clean(message_id),
        "in_reply_to": parent[0] if parent else "",
        "references": thread,
        "from_email": from_email,
        "from_name": from_name,
        "to": to,
        "subject": " ".join(subject.split()),
        "date": date,
        "text": text,
        "html": html,
        "kind": kind,
        "headers": headers,
        "attachments": attachments,
    }
    if not json_is_storable(email):
        raise EmailMalformed("text the store cannot keep")
    return email


# --- Posted by a provider ---------------------------------------------------------------


def _text_field(payload: dict, name: str) -> str:
    value = payload.get(name) or ""
    if not isinstance(value, str):
        raise EmailMalformed(f"{name} is not text")
    return value


def _base64_checked(content: str) -> str:
    content = "".join(content.split())
    try:
        base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError) as error:
        raise EmailMalformed("attachment content is not base64") from error
    return content


def email_from_provider(payload: object) -> dict[str, Any]:
    """The email a provider posted as parsed JSON. Raises EmailMalformed."""
    if not isinstance(payload, dict):
        raise EmailMalformed("not a JSON object")
    raw_headers = payload.get("Headers") or []
    raw_attachments = payload.get("Attachments") or []
    if not isinstance(raw_headers, list) or not isinstance(raw_attachments, list):
        raise EmailMalformed("Headers and Attachments must be lists")
    headers = []
    for header in raw_headers:
        if not isinstance(header, dict):
            raise EmailMalformed("a header is not an object")
        headers.append([_text_field(header, "Name"), _text_field(header, "Value")])
    attachments = []
    for attachment in raw_attachments:
        if not isinstance(attachment, dict):
            raise EmailMalformed("an attachment is not an object")
        attachments.append(
            {
                "name": _text_field(attachment, "Name") or "attachment",
                "content_type": _text_field(attachment, "ContentType"),
                "content": _base64_checked(_text_field(attachment, "Content")),
            }
        )
    return _email(
        # The email's own Message-ID header; some providers put their own id in "MessageID".
        message_id=_header(headers, "Message-ID") or _text_field(payload, "MessageID"),
        from_header=_text_field(payload, "From"),
        from_name=_text_field(payload, "FromName"),
        to=_text_field(payload, "To"),
        subject=_text_field(payload, "Subject"),
        date=_text_field(payload, "Date"),
        text=_text_field(payload, "TextBody"),
        html=_text_field(payload, "HtmlBody"),
        in_reply_to=_header(headers, "In-Reply-To") or "",
        references=_header(headers, "References") or "",
        headers=headers,
        attachments=attachments,
    )


# --- Read from the mailbox --------------------------------------------------------------


def _storable(text: str) -> str:
    """Text the database takes: bytes a mail server passed through undecoded are read as
    UTF-8 (or replaced), and NUL or lone surrogates become U+FFFD."""
    with contextlib.suppress(UnicodeError):  # a lone surrogate no byte made: replaced below
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return UNSTORABLE.sub("\ufffd", text)


def _part_text(part: EmailMessage | None) -> str:
    if part is None:
        return ""
    try:
        return _storable(part.get_content())
    except (LookupError, ValueError):  # an unknown or lying charset: read it as UTF-8
        return _storable((part.get_payload(decode=True) or b"").decode("utf-8", "replace"))


def _files(part: EmailMessage, bodies: tuple) -> list[dict[str, str]]:
    """The files a message carries, without descending into emails attached to it (which
    become one file each)."""
    if any(part is body for body in bodies):
        return []
    if part.get_content_maintype() == "message":
        content = part.get_payload(0).as_bytes() if part.is_multipart() else part.as_bytes()
        name = part.get_filename() or "message.eml"
    elif part.is_multipart():
        return [found for child in part.iter_parts() for found in _files(child, bodies)]
    else:
        name = part.get_filename()
        if name is None and part.get_content_maintype() == "text" and not part.is_attachment():
            return []  # another inline text part: not a file the customer sent
        content = part.get_payload(decode=True) or b""
    return [
        {
            "name": _storable(name or "attachment"),
            "content_type": part.get_content_type(),
            "content": base64.b64encode(content).decode(),
        }
    ]


def _reported_ids(message: EmailMessage) -> list[str]:
    """The Message-IDs a delivery report returns (its message/rfc822 or header parts)."""
    found = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/rfc822-headers":
            quoted = BytesHeaderParser(policy=default_policy).parsebytes(part.get_payload(decode=True) or b"")
            found += message_ids_in(str(quoted.get("Message-ID", "")))
        elif kind == "message/rfc822" and part.is_multipart():
            found += message_ids_in(str(part.get_payload(0).get("Message-ID", "")))
    return found


def email_from_message(message: EmailMessage, *, raw: bytes) -> dict[str, Any]:
    """The email read from a mailbox (parsed with `email.policy.default`). One without a
    usable Message-ID gets one made from its content, so that reading it again finds it.
    Raises EmailMalformed."""
    try:
        headers = [[name, _storable(str(value))] for name, value in message.items()]
        text_part = message.get_body(preferencelist=("plain",))
        html_part = message.get_body(preferencelist=("html",))
        is_report = message.get_content_type() == "multipart/report"
        files = [] if is_report else _files(message, (text_part, html_part))
        reported = _reported_ids(message) if is_report else []
    except (MessageError, LookupError, ValueError, IndexError, TypeError, AttributeError) as error:
        raise EmailMalformed(f"unreadable MIME: {error}") from error
    message_id = _header(headers, "Message-ID") or ""
    try:
        message_id = message_id_clean(message_id)
    except EmailMalformed:
        message_id = f"<{hashlib.sha256(raw).hexdigest()}@mailbox.invalid>"
    return _email(
        message_id=message_id,
        from_header=_header(headers, "From") or "",
        from_name="",
        to=_header(headers, "To") or "",
        subject=_header(headers, "Subject") or "",
        date=_header(headers, "Date") or "",
        text=_part_text(text_part),
        html=_part_text(html_part),
        in_reply_to=_header(headers, "In-Reply-To") or "",
        references=_header(headers, "References") or "",
        headers=headers,
        attachments=files,
        reported_ids=reported,
    )
