"""Text the database can store, checked once at the door.

PostgreSQL refuses text holding NUL ("\\x00"), and no UTF-8 database can take a lone
surrogate (U+D800 to U+DFFF, which only JSON escapes or a careless client produce). Either
reaching a query used to end in a 500 wherever it went: a search, a form, an order number in
the URL. The middleware below refuses such requests with 400 before any view, form or query
sees them, and addresses longer than any page needs with 414 (a 100 kB search term was more
than SQLite's LIKE takes). Signed notices, whose JSON bodies it cannot read, are checked with
`json_is_storable` where they are parsed. Form fields keep their own length limits.
"""

import math
import re
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Path and query string, as sent; proxies and gunicorn refuse request lines about this long.
MAX_URL_LENGTH = 8192
UNSTORABLE_MESSAGE = _(
    "The address or the form sent characters the store cannot accept. Nothing was changed."
)
TOO_LONG_MESSAGE = _("The address is longer than the store accepts. Nothing was changed.")


def is_storable(text: str) -> bool:
    return UNSTORABLE.search(text) is None


UNSTORABLE_FILE_MESSAGE = _("it holds characters the store cannot accept, such as a NUL byte")


class UnstorableLine(ValueError):
    """An uploaded text file holds, on `line` (counting from 1), text the database cannot store."""

    def __init__(self, line: int) -> None:
        self.line = line
        super().__init__(f"unstorable text on line {line}")


def uploaded_text(content: bytes) -> str:
    """The text of an uploaded file (CSV imports): UTF-8 with or without a BOM, and storable,
    so that no cell reaches a query the database refuses. Raises UnicodeDecodeError or
    UnstorableLine."""
    text = content.decode("utf-8-sig")
    found = UNSTORABLE.search(text)
    if found is not None:
        raise UnstorableLine(line=text.count("\n", 0, found.start()) + 1)
    return text


def json_is_storable(value: object) -> bool:
    """Whether every key and string in a parsed JSON value is storable text and every number
    is finite (PostgreSQL's jsonb takes neither NaN nor Infinity, which `json.loads` allows)."""
    pending = [value]
    while pending:  # not recursive: JSON may nest as deep as the parser allowed
        item = pending.pop()
        if isinstance(item, str):
            if not is_storable(item):
                return False
        elif isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True


def _request_texts(request: HttpRequest) -> Iterator[str]:
    """The path, query, cookies and headers: what any middleware or view may read."""
    yield request.path_info
    for key, values in request.GET.lists():
        yield key
        yield from values
    for key, value in request.COOKIES.items():
        yield key
        yield value
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str):
            yield value


def _form_texts(request: HttpRequest) -> Iterator[str]:
    for key, values in request.POST.lists():
        yield key
        yield from values
    yield from request.FILES  # field names; Django drops unprintable characters from file names


def bad_input_response(
    request: HttpRequest, *, status: int = 400, message: str = UNSTORABLE_MESSAGE
) -> HttpResponse:
    try:
        return render(request, "400.html", {"message": message}, status=status)
    except Exception:  # a refusal stays a refusal even when its page cannot be drawn
        return HttpResponse(str(message), status=status, content_type="text/plain; charset=utf-8")


class StorableTextMiddleware:
    """Refuse, changing nothing, a request whose path, query, cookies, headers or form fields
    (names and values) hold text the database cannot store (400), or whose address is longer
    than MAX_URL_LENGTH (414).

    The form is checked once the view is known: views exempt from CSRF (signed notices) read
    their bodies raw, and parsing a multipart body here would leave them nothing to read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.path) + len(request.META.get("QUERY_STRING", "")) > MAX_URL_LENGTH:
            return bad_input_response(request, status=414, message=TOO_LONG_MESSAGE)
        if not all(is_storable(text) for text in _request_texts(request)):
            return bad_input_response(request)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        if request.method != "POST":
            return None
        if getattr(view_func, "csrf_exempt", False) and request.content_type == "multipart/form-data":
            return None
        if not all(is_storable(text) for text in _form_texts(request)):
            return bad_input_response(request)
        return None
