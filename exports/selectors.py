"""Reads of the exports: the bounds of a run, and its rows streamed by keyset pagination.

A run's end is fixed before the first row leaves (one query), so the next cursor is known up
front (the back office sends it as a header and keeps it on the ExportRun) and a long export
is one consistent range however many rows arrive while it streams. Rows younger than
STORE_EXPORT_SETTLE_SECONDS (plus the replica's largest allowed lag, when there is a replica)
wait for the next run: a transaction still open, or a change the replica has not applied yet,
could otherwise land behind the cursor and never be exported.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, When
from django.utils import timezone

from core.replica import replica_configured, replica_reads
from exports.cursors import Cursor, cursor_encode
from exports.datasets import Dataset
from exports.exceptions import InvalidDateRange
from exports.models import ExportRun, FeedEvent

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ExportPlan:
    dataset: Dataset
    date_from: date | None
    date_to: date | None
    start: Cursor | None  # export rows after this key
    end: Cursor | None  # ... up to this one; None: nothing to export

    @property
    def next_cursor(self) -> str:
        """Where the next incremental run starts: after this run's last row, or where this
        one started when it had nothing."""
        last = self.end or self.start
        return cursor_encode(dataset=self.dataset, cursor=last) if last else ""


def _settled_before() -> datetime:
    """Rows stamped before this are surely committed, and on the replica when reads go there:
    the settling time covers a transaction still open, the replica's largest allowed lag (past
    it, reads go to the primary) covers what the replica has not applied yet."""
    wait = settings.STORE_EXPORT_SETTLE_SECONDS
    if replica_configured():
        wait += settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    return timezone.now() - timedelta(seconds=wait)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _base_queryset(*, dataset: Dataset, date_from: date | None, date_to: date | None) -> QuerySet:
    queryset = dataset.model._default_manager.all()
    if dataset.base_filter is not None:
        queryset = queryset.filter(dataset.base_filter)
    if date_from:
        queryset = queryset.filter(**{f"{dataset.date_field}__gte": _day_start(date_from)})
    if date_to:
        queryset = queryset.filter(**{f"{dataset.date_field}__lt": _day_start(date_to + timedelta(days=1))})
    return queryset


def _key_fields(dataset: Dataset) -> tuple[str, ...]:
    return (dataset.cursor_field, "pk") if dataset.cursor_field else ("pk",)


def _after(dataset: Dataset, cursor: Cursor) -> Q:
    """Rows whose key is greater than the cursor's. Written `at >= x AND (at > x OR id > y)` so
    an index on (at, id) serves it as a range."""
    if not dataset.cursor_field:
        return Q(pk__gt=cursor.pk)
    field = dataset.cursor_field
    return Q(**{f"{field}__gte": cursor.at}) & (Q(**{f"{field}__gt": cursor.at}) | Q(pk__gt=cursor.pk))


def _up_to(dataset: Dataset, cursor: Cursor) -> Q:
    if not dataset.cursor_field:
        return Q(pk__lte=cursor.pk)
    field = dataset.cursor_field
    return Q(**{f"{field}__lte": cursor.at}) & (Q(**{f"{field}__lt": cursor.at}) | Q(pk__lte=cursor.pk))


def export_plan(
    *,
    dataset: Dataset,
    date_from: date | None = None,
    date_to: date | None = None,
    start: Cursor | None = None,
) -> ExportPlan:
    """Fix the range of one run. Raises InvalidDateRange when the dates are reversed."""
    if date_from and date_to and date_from > date_to:
        raise InvalidDateRange()
    queryset = _base_queryset(dataset=dataset, date_from=date_from, date_to=date_to).filter(
        **{f"{dataset.settle_field}__lte": _settled_before()}
    )
    if start is not None:
        queryset = queryset.filter(_after(dataset, start))
    descending = [f"-{field}" for field in _key_fields(dataset)]
    with replica_reads():
        last = queryset.order_by(*descending).values_list(*_key_fields(dataset)).first()
    end = None
    if last is not None:
        end = Cursor(at=last[0], pk=last[1]) if dataset.cursor_field else Cursor(at=None, pk=last[0])
    return ExportPlan(dataset=dataset, date_from=date_from, date_to=date_to, start=start, end=end)


def _plan_queryset(plan: ExportPlan) -> QuerySet:
    dataset = plan.dataset
    queryset = _base_queryset(dataset=dataset, date_from=plan.date_from, date_to=plan.date_to)
    return queryset.filter(_up_to(dataset, plan.end))


def export_count(*, plan: ExportPlan) -> int:
    """How many rows the run covers (for --dry-run and the progress bar)."""
    if plan.end is None:
        return 0
    queryset = _plan_queryset(plan)
    if plan.start is not None:
        queryset = queryset.filter(_after(plan.dataset, plan.start))
    with replica_reads():
        return queryset.count()


def export_rows(*, plan: ExportPlan, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple]:
    """The run's rows in key order, each a tuple of the dataset's column values (followed by
    the row's key). Keyset pagination: every chunk is one indexed range query that starts after
    the last key seen, so memory and the cost per chunk stay flat however deep the export goes.

    Reads go to the replica when one is configured; the context is entered here, inside the
    generator, because a streamed response runs it after its view has returned.
    """
    if plan.end is None:
        return
    dataset = plan.dataset
    keys = _key_fields(dataset)
    key_width = len(keys)
    paths = [column.path for column in dataset.columns]
    queryset = _plan_queryset(plan).order_by(*keys)
    last = plan.start
    with replica_reads():
        while True:
            page = queryset.filter(_after(dataset, last)) if last is not None else queryset
            chunk = list(page.values_list(*paths, *keys)[:chunk_size])
            if not chunk:
                return
            yield from chunk
            tail = chunk[-1][-key_width:]
            last = Cursor(at=tail[0], pk=tail[1]) if key_width == 2 else Cursor(at=None, pk=tail[0])
            if len(chunk) < chunk_size:
                return
            del chunk, page


def export_run_list_recent(*, limit: int = 10) -> QuerySet[ExportRun]:
    """The last exports, with the cursor each gave, for staff to paste into the next one."""
    return ExportRun.objects.order_by("-created_at", "-pk")[:limit]


def feed_event_list_undelivered() -> QuerySet[FeedEvent]:
    """Events the ERP has not taken: failed ones first, then those waiting, oldest first."""
    failed_first = Case(When(status=FeedEvent.Status.FAILED, then=0), default=1, output_field=IntegerField())
    return (
        FeedEvent.objects.exclude(status=FeedEvent.Status.DELIVERED)
        .select_related("order")
        .order_by(failed_first, "pk")
    )
