"""Files customers and agents attach: checked by what they are (their first bytes), not by
the name or type the sender claims, kept under media by a name the store chooses."""

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from core.uploads import PICTURES_AND_PDF, IncomingFile, upload_check, upload_name
from support.exceptions import AttachmentRefused
from support.models import Attachment, Message

MAX_FILES = 5

__all__ = ["MAX_FILES", "IncomingFile", "attachment_check", "attachments_check", "attachments_save"]


def attachment_check(incoming: IncomingFile) -> str:
    """The file's real content type: pictures of the product and documents. Raises
    AttachmentRefused for one too large, empty, or of another type."""
    return upload_check(
        incoming,
        allowed=PICTURES_AND_PDF,
        limit=settings.STORE_SUPPORT_ATTACHMENT_MAX_BYTES,
        refused=AttachmentRefused,
    )


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
            filename=upload_name(incoming.name),
            content_type=content_type,
            size=len(incoming.content),
        )
        attachment.file.save(attachment.token, ContentFile(incoming.content), save=False)
        attachment.save()
        saved.append(attachment)
    return saved
