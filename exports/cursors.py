"""The opaque cursor an export ends with, and the next incremental run starts after.

It is the key of the last row the export covered: `(updated_at, id)` for datasets whose rows
change, the id alone for append-only ones (see exports.datasets), plus the dataset's name so a
cursor of one export is refused by another. URL-safe base64 of a small JSON document: opaque to
the ERP, readable by us. It is not signed: it only says where to resume, and whoever holds it
may export those rows anyway.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from exports.datasets import Dataset
from exports.exceptions import InvalidCursor

VERSION = 1


@dataclass(frozen=True)
class Cursor:
    at: datetime | None  # None for append-only datasets
    pk: int


def cursor_encode(*, dataset: Dataset, cursor: Cursor) -> str:
    document = {"v": VERSION, "ds": dataset.name, "pk": cursor.pk}
    if cursor.at is not None:
        document["at"] = cursor.at.isoformat()
    raw = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(*, dataset: Dataset, text: str) -> Cursor | None:
    """The cursor in `text` (None when empty). Raises InvalidCursor for anything else than a
    cursor this dataset's export gave."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        document = json.loads(raw)
        if (
            not isinstance(document, dict)
            or document.get("v") != VERSION
            or document.get("ds") != dataset.name
        ):
            raise InvalidCursor()
        pk = document["pk"]
        if not isinstance(pk, int) or isinstance(pk, bool) or pk < 0:
            raise InvalidCursor()
        at = None
        if dataset.cursor_field is not None:
            at = datetime.fromisoformat(document["at"])
            if at.tzinfo is None:
                raise InvalidCursor()
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise InvalidCursor() from error
    return Cursor(at=at, pk=pk)
