"""Complaints and mentions made in public: on complaint sites (Reclame Aqui), on the
consumer-protection platforms (consumidor.gov.br, Procon) and on social networks.

Each complaint opens one ticket, once (its source and the site's id are the ticket's
external reference), whether it came from a feed (`ComplaintFeed` adapters named in
STORE_COMPLAINT_FEEDS, each read from where its last fetch stopped) or from a file staff
copied from the sites (CSV or JSON, docs/support_complaints.md). Cases from the
consumer-protection platforms go to the ombudsman with the deadline the platform set; the
others to the first level. A batch is all or nothing: one bad complaint refuses it, and
every bad line is named with its reason. When the store's answer goes up on the site, staff
record it on the ticket (`ticket_public_answer_posted`).
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.actor import Actor, ActorKind
from core.storable_text import (
    UNSTORABLE_FILE_MESSAGE,
    UnstorableLine,
    is_storable,
    json_is_storable,
    uploaded_text,
)
from support.exceptions import ComplaintsRefused, PublicAddressMissing
from support.locks import lock_ticket
from support.models import Channel, ComplaintFeedCursor, SandboxComplaint, Ticket, TicketQueue
from support.services.tickets import (
    FIRST_LEVEL_QUEUE,
    OMBUDSMAN_QUEUE,
    Contact,
    Incoming,
    _event,
    ticket_open,
)

Track = Callable[[Sequence[Any], int], Iterable[Any]]

# Where complaints come from, and the channel their tickets take: the cases the
# consumer-protection platforms forward are the ombudsman's, with the platform's deadline.
SOURCE_CHANNELS: dict[str, str] = {
    "reclame_aqui": Channel.SOCIAL,
    "instagram": Channel.SOCIAL,
    "facebook": Channel.SOCIAL,
    "x": Channel.SOCIAL,
    "consumidor_gov": Channel.CONSUMER_BODY,
    "procon": Channel.CONSUMER_BODY,
}
REFERENCE_LIMIT = Ticket._meta.get_field("external_reference").max_length  # "source:reference"
URL_LIMIT = Ticket._meta.get_field("public_url").max_length
EMAIL_LIMIT = 254
PHONE_DIGITS = (8, 15)  # a local number without area code up to a full international one
SUBJECT_LENGTH = 60  # a subject made from the text's first line, when the complaint has no title
# Sites' clocks run a little ahead of ours; a complaint "published" later than this is a mistake.
CLOCK_SKEW = timedelta(minutes=5)
# A feed read for the first time looks back this far; later reads start where the last one
# stopped, minus the overlap, because sites index new complaints with some delay (a complaint
# read twice changes nothing).
FIRST_FETCH = timedelta(days=7)
FETCH_OVERLAP = timedelta(hours=1)

COLUMNS = (
    "source",
    "reference",
    "url",
    "author_name",
    "author_email",
    "author_phone",
    "title",
    "text",
    "published_at",
    "deadline",
)
REQUIRED_COLUMNS = ("source", "reference", "text", "published_at")

# The reasons a complaint or a file is refused; tests assert these texts exactly.
REQUIRED = _("This field is required.")
UNKNOWN_SOURCE = _("Unknown source %(source)s: use one of %(sources)s.")
REFERENCE_TOO_LONG = _("The source and the reference together have at most %(limit)s characters.")
BAD_URL = _("Enter the complaint's address, starting with https:// (at most %(limit)s characters).")
BAD_EMAIL = _("Enter a valid email address.")
BAD_PHONE = _("Enter a phone number with %(least)s to %(most)s digits.")
NO_CONTACT = _("Give an email or a phone to answer the customer on.")
BAD_DATE = _("Enter a date such as 2026-12-03 14:30 or 03/12/2026 14:30.")
IN_THE_FUTURE = _("The complaint cannot have been published in the future.")
DEADLINE_PASSED = _("The deadline has already passed.")
REPEATED = _("This complaint is repeated: it is already on line %(line)s.")
NOT_TEXT = _("Write this as text.")
MISSING_COLUMN = _("This required column is missing from the header.")
UNKNOWN_COLUMN = _("Unknown column.")
REPEATED_COLUMN = _("This column appears twice in the header.")
TOO_MANY_CELLS = _("This row has more cells than the header has columns.")
BAD_CSV = _("This row is not valid CSV (%(reason)s).")
BAD_JSON = _("This is not valid JSON (%(reason)s).")
NOT_A_LIST = _("The file is not a JSON list of complaints.")
NOT_AN_OBJECT = _("Each complaint is an object whose keys are the columns.")
NOT_UTF8 = _("The file is not UTF-8 text: save it as UTF-8 and try again.")
NO_COMPLAINTS = _("The file has no complaints.")

_URL = URLValidator(schemes=["http", "https"])
_PHONE = re.compile(r"\+?[0-9 ().-]+")
# 03/12/2026, 03/12/2026 14:30, 03/12/2026 às 14h30 (as Reclame Aqui shows it), 03/12/2026 14:30:15
_BRAZILIAN_DATE = re.compile(
    r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})"
    r"(?:\s*(?:às|as|,)?\s*(?P<hour>\d{1,2})[:h](?P<minute>\d{2})(?::(?P<second>\d{2}))?)?",
    re.IGNORECASE,
)


@dataclass(frozen=True, kw_only=True)
class PublicComplaint:
    """A complaint or mention as a site published it. `deadline` is the answer deadline a
    consumer-protection platform sets (consumidor.gov.br gives the company 10 days). `line` is
    where a file had it (the first complaint of a CSV file is line 2, of a JSON list line 1);
    0 for a feed's, which are numbered by their position in the batch."""

    source: str
    reference: str
    text: str
    published_at: datetime | None
    url: str = ""
    author_name: str = ""
    author_email: str = ""
    author_phone: str = ""
    title: str = ""
    deadline: datetime | None = None
    line: int = field(default=0, compare=False)

    @property
    def external_reference(self) -> str:
        return f"{self.source}:{self.reference}"

    @property
    def channel(self) -> str:
        return SOURCE_CHANNELS.get(self.source, Channel.SOCIAL)

    @property
    def queue_code(self) -> str:
        return OMBUDSMAN_QUEUE if self.channel == Channel.CONSUMER_BODY else FIRST_LEVEL_QUEUE

    @property
    def subject(self) -> str:
        if self.title.strip():
            return self.title.strip()
        lines = self.text.strip().splitlines()
        return Truncator(lines[0].strip() if lines else "").chars(SUBJECT_LENGTH)


@dataclass(frozen=True)
class ComplaintProblem:
    """What is wrong, where: `line` None for the whole file, `column` empty for the whole
    line. `reason` is in the language active when the problem was found."""

    line: int | None
    column: str
    code: str
    reason: str

    def __str__(self) -> str:
        if self.line is None:
            return self.reason
        if not self.column:
            return gettext("Line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}
        return gettext("Line %(line)s, column %(column)s: %(reason)s") % {
            "line": self.line,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ImportResult:
    opened: list[Ticket]  # the tickets this import opened, in the batch's order
    known: int  # complaints imported before, left as they were

    @property
    def read(self) -> int:
        return len(self.opened) + self.known


def _problem(line: int | None, column: str, code: str, reason: Any) -> ComplaintProblem:
    return ComplaintProblem(line=line, column=column, code=code, reason=str(reason))


def complaints_report(problems: Sequence[ComplaintProblem]) -> str:
    """Every problem of a refused batch, one a line, after a summary; in the active language."""
    summary = ngettext(
        "%(count)s problem found; nothing was imported.",
        "%(count)s problems found; nothing was imported.",
        len(problems),
    ) % {"count": len(problems)}
    return "\n".join([summary, *(str(problem) for problem in problems)])


# The feeds


class ComplaintFeed:
    """What the store needs from a complaint site or social network: the complaints and
    mentions of the store published after a moment, in the store's terms. A real adapter calls
    the site's API with its own credentials and raises ComplaintFeedUnavailable when the site
    cannot answer now."""

    def fetch(self, since: datetime) -> list[PublicComplaint]:
        raise NotImplementedError


class SandboxComplaintFeed(ComplaintFeed):
    """Behaves like a real feed, with its complaints in the database (SandboxComplaint): it
    returns those published after `since` and not later than now, oldest first."""

    def fetch(self, since: datetime) -> list[PublicComplaint]:
        rows = SandboxComplaint.objects.filter(published_at__gt=since, published_at__lte=timezone.now())
        return [
            PublicComplaint(
                source=row.source,
                reference=row.reference,
                url=row.url,
                author_name=row.author_name,
                author_email=row.author_email,
                author_phone=row.author_phone,
                title=row.title,
                text=row.text,
                published_at=row.published_at,
                deadline=row.deadline,
            )
            for row in rows.order_by("published_at", "pk")
        ]


def complaint_feed_paths() -> list[str]:
    """The feeds `support_import_complaints --feeds` reads, by dotted path."""
    return list(settings.STORE_COMPLAINT_FEEDS)


def complaint_feed(path: str) -> ComplaintFeed:
    return import_string(path)()


def complaint_feed_import(*, path: str, actor: Actor, track: Track | None = None) -> ImportResult:
    """Fetch what the feed at the dotted `path` published since its last fetch (FIRST_FETCH
    back the first time) and import it; the feed's cursor moves only with a stored batch, so
    a refused or failed batch is asked for again next time.

    Raises ComplaintFeedUnavailable (from the adapter), ComplaintsRefused or PermissionMissing.
    """
    started = timezone.now()
    cursor = ComplaintFeedCursor.objects.filter(feed=path).first()
    since = cursor.fetched_until - FETCH_OVERLAP if cursor else started - FIRST_FETCH
    complaints = complaint_feed(path).fetch(since)  # outside the transaction: the site may be slow
    with transaction.atomic():
        result = complaints_import(complaints=complaints, actor=actor, track=track)
        _, created = ComplaintFeedCursor.objects.get_or_create(feed=path, defaults={"fetched_until": started})
        if not created:  # never backwards, should two reads of the feed overlap
            ComplaintFeedCursor.objects.filter(feed=path, fetched_until__lt=started).update(
                fetched_until=started, updated_at=timezone.now()
            )
    return result


# Checking a batch


def _known(complaints: Iterable[PublicComplaint]) -> set[tuple[str, str]]:
    """The (external reference, channel) pairs of the complaints that already have a ticket."""
    references = {complaint.external_reference for complaint in complaints}
    if not references:
        return set()
    return set(
        Ticket.objects.filter(
            external_reference__in=references, channel__in=set(SOURCE_CHANNELS.values())
        ).values_list("external_reference", "channel")
    )


def _key_problems(complaint: PublicComplaint, line: int) -> list[ComplaintProblem]:
    """What keeps the complaint from being identified: its source and the site's id."""
    problems = []
    if not complaint.source:
        problems.append(_problem(line, "source", "required", REQUIRED))
    elif complaint.source not in SOURCE_CHANNELS:
        sources = ", ".join(SOURCE_CHANNELS)
        reason = UNKNOWN_SOURCE % {"source": complaint.source, "sources": sources}
        problems.append(_problem(line, "source", "unknown_source", reason))
    if not complaint.reference:
        problems.append(_problem(line, "reference", "required", REQUIRED))
    elif not is_storable(complaint.reference):
        problems.append(_problem(line, "reference", "unstorable", UNSTORABLE_FILE_MESSAGE))
    elif len(complaint.external_reference) > REFERENCE_LIMIT:
        reason = REFERENCE_TOO_LONG % {"limit": REFERENCE_LIMIT}
        problems.append(_problem(line, "reference", "reference_too_long", reason))
    return problems


def _phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def _complaint_problems(complaint: PublicComplaint, line: int, now: datetime) -> list[ComplaintProblem]:
    """What keeps a complaint not imported before from opening its ticket."""
    problems = []
    texts = {
        "url": complaint.url,
        "author_name": complaint.author_name,
        "author_email": complaint.author_email,
        "author_phone": complaint.author_phone,
        "title": complaint.title,
        "text": complaint.text,
    }
    unstorable = {column for column, text in texts.items() if not is_storable(text)}
    for column in sorted(unstorable, key=COLUMNS.index):
        problems.append(_problem(line, column, "unstorable", UNSTORABLE_FILE_MESSAGE))
    if "url" not in unstorable:
        problems.extend(_url_problems(complaint, line))
    if "author_email" not in unstorable and complaint.author_email:
        try:
            validate_email(complaint.author_email)
            if len(complaint.author_email) > EMAIL_LIMIT:
                raise ValidationError(BAD_EMAIL)
        except ValidationError:
            problems.append(_problem(line, "author_email", "email_invalid", BAD_EMAIL))
    if "author_phone" not in unstorable and complaint.author_phone:
        least, most = PHONE_DIGITS
        phone = complaint.author_phone
        if not (_PHONE.fullmatch(phone) and least <= len(_phone_digits(phone)) <= most):
            reason = BAD_PHONE % {"least": least, "most": most}
            problems.append(_problem(line, "author_phone", "phone_invalid", reason))
    if not (complaint.author_email or complaint.author_phone):
        # A ticket needs someone to answer (ticket_has_someone_to_answer).
        problems.append(_problem(line, "author_email", "contact_missing", NO_CONTACT))
    if "text" not in unstorable and not complaint.text.strip():
        problems.append(_problem(line, "text", "required", REQUIRED))
    problems.extend(_date_problems(complaint, line, now))
    return problems


def _url_problems(complaint: PublicComplaint, line: int) -> list[ComplaintProblem]:
    if not complaint.url:
        # The platforms' cases may come without a public page (a Procon notice); a post does not.
        if complaint.channel == Channel.SOCIAL:
            return [_problem(line, "url", "required", REQUIRED)]
        return []
    try:
        _URL(complaint.url)
        if len(complaint.url) > URL_LIMIT:
            raise ValidationError(BAD_URL)
    except ValidationError:
        return [_problem(line, "url", "url_invalid", BAD_URL % {"limit": URL_LIMIT})]
    return []


def _date_problems(complaint: PublicComplaint, line: int, now: datetime) -> list[ComplaintProblem]:
    problems = []
    published_at, deadline = complaint.published_at, complaint.deadline
    if published_at is None:
        problems.append(_problem(line, "published_at", "required", REQUIRED))
    elif timezone.is_naive(published_at):
        problems.append(_problem(line, "published_at", "date_invalid", BAD_DATE))
    elif published_at > now + CLOCK_SKEW:
        problems.append(_problem(line, "published_at", "published_in_future", IN_THE_FUTURE))
    if deadline is not None:
        if timezone.is_naive(deadline):
            problems.append(_problem(line, "deadline", "date_invalid", BAD_DATE))
        elif deadline <= now:
            problems.append(_problem(line, "deadline", "deadline_passed", DEADLINE_PASSED))
    return problems


def _check(
    complaints: Sequence[PublicComplaint], now: datetime
) -> tuple[list[ComplaintProblem], set[tuple[str, str]]]:
    problems: list[ComplaintProblem] = []
    first_line: dict[str, int] = {}
    identified: list[tuple[int, PublicComplaint]] = []
    for position, complaint in enumerate(complaints, start=1):
        line = complaint.line or position
        found = _key_problems(complaint, line)
        if found:
            problems.extend(found)
            continue
        if complaint.external_reference in first_line:
            reason = REPEATED % {"line": first_line[complaint.external_reference]}
            problems.append(_problem(line, "reference", "repeated", reason))
            continue
        first_line[complaint.external_reference] = line
        identified.append((line, complaint))
    known = _known(complaint for _line, complaint in identified)
    for line, complaint in identified:
        # One imported before only needs to be recognised: it changes nothing, even once its
        # deadline has passed.
        if (complaint.external_reference, complaint.channel) not in known:
            problems.extend(_complaint_problems(complaint, line, now))
    return sorted(problems, key=lambda problem: problem.line or 0), known


def complaints_check(
    complaints: Sequence[PublicComplaint], *, now: datetime | None = None
) -> list[ComplaintProblem]:
    """Every problem of a batch, by line (a file's line, else the position in the batch), in
    the active language. Reads the database, never writes."""
    return _check(complaints, now or timezone.now())[0]


# Importing a batch


@transaction.atomic
def complaints_import(
    *, complaints: Sequence[PublicComplaint], actor: Actor, track: Track | None = None
) -> ImportResult:
    """Open one ticket per complaint: on the "social" channel in the first-level queue, or,
    for the consumer-protection platforms, on the "consumer_body" channel in the ombudsman's
    queue with the platform's deadline (which caps the resolution deadline). The ticket keeps
    the complaint's address; its text is the first message; the author is told the protocol
    by email when there is one. A complaint imported before (same source and reference) is
    left as it is. `track(complaints, total)` may wrap the loop, for a progress bar.

    All or nothing. Raises ComplaintsRefused listing every problem, by line, or
    PermissionMissing when staff cannot work a queue the complaints go to; nothing is stored.
    """
    problems, known = _check(complaints, timezone.now())
    if problems:
        raise ComplaintsRefused(problems=problems)
    new = [
        complaint
        for complaint in complaints
        if (complaint.external_reference, complaint.channel) not in known
    ]
    if actor.kind == ActorKind.STAFF:
        for queue in TicketQueue.objects.filter(code__in={complaint.queue_code for complaint in new}):
            actor.require_perm(queue.work_permission)
    opened: list[Ticket] = []
    for complaint in track(new, len(new)) if track else new:
        ticket = _complaint_ticket_open(complaint, actor=actor)
        if ticket is not None:
            opened.append(ticket)
    return ImportResult(opened=opened, known=len(complaints) - len(opened))


def _complaint_ticket_open(complaint: PublicComplaint, *, actor: Actor) -> Ticket | None:
    """The complaint's ticket, or None when another import opened it since the check."""
    try:
        with transaction.atomic():
            ticket = ticket_open(
                contact=Contact(
                    name=complaint.author_name.strip(),
                    email=complaint.author_email.strip().lower(),
                    phone=_phone_digits(complaint.author_phone),
                ),
                subject=complaint.subject,
                incoming=Incoming(channel=complaint.channel, body_text=complaint.text.strip()),
                actor=actor,
                queue_code=complaint.queue_code,
                external_reference=complaint.external_reference,
                external_deadline=complaint.deadline,
                acknowledge=bool(complaint.author_email),
                public_url=complaint.url,
            )
            return ticket
    except IntegrityError:
        if Ticket.objects.filter(
            external_reference=complaint.external_reference, channel=complaint.channel
        ).exists():
            return None
        raise


# The public answer


@transaction.atomic
def ticket_public_answer_posted(*, ticket_id: int, actor: Actor) -> Ticket:
    """Record that the store's answer to a complaint made in public went up where it was made.
    The first time counts: recording it again changes nothing. Needs the ticket queue's work
    permission.

    Raises PermissionMissing, or PublicAddressMissing for a ticket without a public address.
    """
    ticket = lock_ticket(ticket_id)
    actor.require_perm(ticket.queue.work_permission)
    if not ticket.public_url:
        raise PublicAddressMissing()
    if ticket.public_answer_posted_at is not None:
        return ticket
    ticket.public_answer_posted_at = timezone.now()
    ticket.save(update_fields=["public_answer_posted_at", "updated_at"])
    _event(ticket, actor, "public answer posted")
    return ticket


# Reading a file


def complaints_read(content: bytes) -> list[PublicComplaint]:
    """The complaints of a file staff copied from the sites: a JSON list of objects when it
    starts with `[`, else CSV (comma or semicolon separated) with a header row; the columns
    and date formats are in docs/support_complaints.md. Dates without a UTC offset are the
    store's time; a deadline without a time ends at the end of that day.

    Raises ComplaintsRefused listing every problem, of the file and of its complaints (the
    checks of `complaints_check`), by line. Reads the database, never writes.
    """
    try:
        text = uploaded_text(content)
    except UnicodeDecodeError as error:
        raise ComplaintsRefused(problems=[_problem(None, "", "not_utf8", NOT_UTF8)]) from error
    except UnstorableLine as error:
        problem = _problem(error.line, "", "unstorable", UNSTORABLE_FILE_MESSAGE)
        raise ComplaintsRefused(problems=[problem]) from error
    read = _json_read if text.lstrip().startswith("[") else _csv_read
    complaints, problems = read(text)
    if problems:
        # Each line and column once: a date the reader could not read is not also missing.
        found: dict[tuple[int | None, str], ComplaintProblem] = {}
        for problem in [*problems, *complaints_check(complaints)]:
            found.setdefault((problem.line, problem.column), problem)
        raise ComplaintsRefused(problems=sorted(found.values(), key=lambda problem: problem.line or 0))
    if not complaints:
        raise ComplaintsRefused(problems=[_problem(None, "", "no_complaints", NO_COMPLAINTS)])
    return complaints


def _date_read(text: str, *, end_of_day: bool) -> datetime:
    """A date and time as sites and spreadsheets write them: ISO 8601 (2026-12-03T14:30:00-03:00,
    2026-12-03 14:30, 2026-12-03) or Brazilian (03/12/2026 14:30, 03/12/2026 às 14h30,
    03/12/2026). Raises ValueError."""
    brazilian = _BRAZILIAN_DATE.fullmatch(text)
    if brazilian:
        parts = {name: int(value) for name, value in brazilian.groupdict().items() if value is not None}
        has_time = "hour" in parts
        value = datetime(  # noqa: DTZ001 - made aware below, in the store's zone
            parts["year"],
            parts["month"],
            parts["day"],
            parts.get("hour", 0),
            parts.get("minute", 0),
            parts.get("second", 0),
        )
    else:
        value = datetime.fromisoformat(text)
        has_time = "T" in text or " " in text or ":" in text
    if not has_time and end_of_day:
        value = datetime.combine(value.date(), time(23, 59, 59))  # made aware below
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value


def _complaint_from_cells(cells: dict[str, str], line: int) -> tuple[PublicComplaint, list[ComplaintProblem]]:
    """A complaint from its cells (stripped; "" when missing), and what its dates get wrong.
    A date that cannot be read is left None: `complaints_check` tells the rest."""
    problems = []
    dates: dict[str, datetime | None] = {"published_at": None, "deadline": None}
    for column in dates:
        if not cells.get(column):
            continue
        try:
            dates[column] = _date_read(cells[column], end_of_day=column == "deadline")
        except (ValueError, OverflowError):
            problems.append(_problem(line, column, "date_invalid", BAD_DATE))
    complaint = PublicComplaint(
        source=cells.get("source", "").lower(),
        reference=cells.get("reference", ""),
        url=cells.get("url", ""),
        author_name=cells.get("author_name", ""),
        author_email=cells.get("author_email", ""),
        author_phone=cells.get("author_phone", ""),
        title=cells.get("title", ""),
        text=cells.get("text", ""),
        published_at=dates["published_at"],
        deadline=dates["deadline"],
        line=line,
    )
    return complaint, problems


def _csv_read(text: str) -> tuple[list[PublicComplaint], list[ComplaintProblem]]:
    """Lines are numbered as a spreadsheet numbers its rows: the header is line 1, and a cell
    holding line breaks does not change the numbering."""
    first_line = text.split("\n", 1)[0]
    # Column names hold neither separator; Brazilian spreadsheets write semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records: list[list[str]] = []
    try:
        records.extend(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        return [], [_problem(len(records) + 1, "", "bad_csv", BAD_CSV % {"reason": error})]
    if not records:
        return [], [_problem(None, "", "no_complaints", NO_COMPLAINTS)]
    header = [cell.strip().lower() for cell in records[0]]
    while header and not header[-1]:
        header.pop()
    problems = [
        _problem(1, column, "missing_column", MISSING_COLUMN)
        for column in REQUIRED_COLUMNS
        if column not in header
    ]
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(_problem(1, column, "repeated_column", REPEATED_COLUMN))
        elif column not in COLUMNS:
            problems.append(_problem(1, column, "unknown_column", UNKNOWN_COLUMN))
        seen.add(column)
    if any(problem.code in ("missing_column", "repeated_column") for problem in problems):
        return [], problems  # which cell would count? the rows are not read
    complaints = []
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # spreadsheets leave blank lines behind
        if any(cell.strip() for cell in record[len(header) :]):
            problems.append(_problem(line, "", "too_many_cells", TOO_MANY_CELLS))
        cells = {
            column: record[index].strip()
            for index, column in enumerate(header)
            if column in COLUMNS and index < len(record)
        }
        complaint, found = _complaint_from_cells(cells, line)
        complaints.append(complaint)
        problems.extend(found)
    return complaints, problems


def _json_read(text: str) -> tuple[list[PublicComplaint], list[ComplaintProblem]]:
    """Complaints are numbered by their position in the list: the first is line 1."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        return [], [_problem(error.lineno, "", "bad_json", BAD_JSON % {"reason": error.msg})]
    except RecursionError as error:
        return [], [_problem(None, "", "bad_json", BAD_JSON % {"reason": type(error).__name__})]
    if not isinstance(items, list):
        return [], [_problem(None, "", "not_a_list", NOT_A_LIST)]
    complaints, problems = [], []
    for line, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(_problem(line, "", "not_an_object", NOT_AN_OBJECT))
            continue
        if not json_is_storable(item):
            problems.append(_problem(line, "", "unstorable", UNSTORABLE_FILE_MESSAGE))
            continue
        cells: dict[str, str] = {}
        for column, value in item.items():
            if column not in COLUMNS:
                problems.append(_problem(line, str(column)[:60], "unknown_column", UNKNOWN_COLUMN))
            elif value is None:
                cells[column] = ""
            elif isinstance(value, str):
                cells[column] = value.strip()
            elif column == "reference" and isinstance(value, int) and not isinstance(value, bool):
                cells[column] = str(value)  # sites' ids are often numbers
            else:
                problems.append(_problem(line, column, "not_text", NOT_TEXT))
        complaint, found = _complaint_from_cells(cells, line)
        complaints.append(complaint)
        problems.extend(found)
    return complaints, problems
