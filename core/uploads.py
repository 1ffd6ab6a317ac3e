"""Files people send the store (ticket attachments, photos of a defect): checked by what they
are (their first bytes), not by the name or type the sender claims."""

from dataclasses import dataclass

import filetype
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.exceptions import DomainError

PICTURES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
PICTURES_AND_PDF = PICTURES | {"application/pdf"}


class UploadRefused(DomainError):
    code = "upload_refused"
    message = _("This file cannot be taken.")


@dataclass(frozen=True)
class IncomingFile:
    name: str
    content: bytes


def upload_check(
    incoming: IncomingFile,
    *,
    allowed: frozenset[str],
    limit: int,
    refused: type[UploadRefused] = UploadRefused,
) -> str:
    """The file's real content type. Raises `refused` (an UploadRefused) for one larger than
    `limit` bytes, empty, or of a type not `allowed` (executables, archives, HTML and anything
    unknown)."""
    if not incoming.content:
        raise refused(_("%(name)s is empty.") % {"name": incoming.name})
    if len(incoming.content) > limit:
        raise refused(
            _("%(name)s is larger than %(limit)s.") % {"name": incoming.name, "limit": filesizeformat(limit)}
        )
    kind = filetype.guess(incoming.content)
    if kind is None or kind.mime not in allowed:
        message = (
            _("%(name)s is not a picture (JPEG, PNG, GIF, WebP).")
            if allowed <= PICTURES
            else _("%(name)s is not a picture (JPEG, PNG, GIF, WebP) or a PDF.")
        )
        raise refused(message % {"name": incoming.name})
    return kind.mime


def upload_name(name: str) -> str:
    """A sender's file name made safe to show and keep (no path)."""
    return name.replace("/", "_").replace("\\", "_")[-200:] or "file"
