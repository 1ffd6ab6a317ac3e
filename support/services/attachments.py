"""Files customers and agents attach: checked by what they are (their first bytes), not by
the name or type the sender claims, kept under media by a name the store chooses."""

import secrets
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from support.exceptions import AttachmentRefused
from support.models import Attachment, Message

# What may be attached, by the type the content shows: pictures of the product, documents.
ALLOWED_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"})
MAX_FILES = 5


@dataclass(frozen=True)
class IncomingFile:
    name: str
    content: bytes


def attachment_check(incoming: IncomingFile) -> str:
    """The file's real content type. Raises AttachmentRefused for one too large, empty, or of
    a type the store does not take (executables, archives, HTML and anything unknown)."""
    limit = settings.STORE_SUPPORT_ATTACHMENT_MAX_BYTES
    if not incoming.content:
        raise AttachmentRefused(_("%(name)s is empty.") % {"name": incoming.name})
    if len(incoming.content) > limit:
        raise AttachmentRefused(
            _("%(name)s is larger than %(limit)s.") % {"name": incoming.name, "limit": filesizeformat(limit)}
        )
    kind = filetype.guess(incoming.content)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise AttachmentRefused(
            _("%(name)s is not a picture (JPEG, PNG, GIF, WebP) or a PDF.") % {"name": incoming.name}
        )
    return kind.mime


def attachments_check(files: list[IncomingFile]) -> list[str]:
    """Every file's content type, or AttachmentRefused for the first one refused."""
    if len(files) > MAX_FILES:
        raise AttachmentRefused(_("Attach at most %(count)d files to a message.") % {"count": MAX_FILES})
    return [attachment_check(incoming) for incoming in files]


def attachments_save(*, message: Message, files: list[IncomingFile]) -> list[Attachment]:
    """Store checked files with the message. Raises AttachmentRefused before storing any."""
    content_types = attachments_check(files)
    saved = []
    for incoming, content_type in zip(files, content_types, strict=True):
        attachment = Attachment(
            message=message,
            token=secrets.token_urlsafe(24),
            filename=incoming.name.replace("/", "_").replace("\\", "_")[-200:] or "file",
            content_type=content_type,
            size=len(incoming.content),
        )
        attachment.file.save(attachment.token, ContentFile(incoming.content), save=False)
        attachment.save()
        saved.append(attachment)
    return saved
