"""Turn an export's rows into bytes, a chunk at a time, in constant memory.

CSV follows RFC 4180 in UTF-8 (comma, CRLF, quotes only where needed, decimal point, ISO 8601
instants in the store's time zone). The Brazilian Excel dialect is what a spreadsheet opened
in pt-BR expects: `;` between fields, decimal comma, dd/mm/yyyy dates, and a UTF-8 byte order
mark so accents show; text that a spreadsheet would run as a formula (=, +, -, @) is prefixed
with an apostrophe there. JSON lines carry one object per row: decimals as strings (no float
rounding), instants in ISO 8601, empty values as null.
"""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from exports.datasets import Dataset, Kind
from exports.models import ExportRun

ROWS_PER_CHUNK = 500
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Buffer:
    """A file-like object that hands back what csv.writer writes, instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _instant(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _standard(kind: Kind) -> Callable[[object], str]:
    if kind == Kind.DATETIME:
        return lambda value: _instant(value).isoformat()
    if kind == Kind.DATE:
        return lambda value: value.isoformat()
    if kind == Kind.BOOL:
        return lambda value: "true" if value else "false"
    return str


def _excel_br_text(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _excel_br(kind: Kind) -> Callable[[object], str]:
    if kind == Kind.DATETIME:
        return lambda value: _instant(value).strftime("%d/%m/%Y %H:%M:%S")
    if kind == Kind.DATE:
        return lambda value: value.strftime("%d/%m/%Y")
    if kind == Kind.DECIMAL:
        return lambda value: str(value).replace(".", ",")
    if kind == Kind.BOOL:
        return lambda value: "sim" if value else "não"
    if kind == Kind.INT:
        return str
    return _excel_br_text


def _json_value(value: object) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return _instant(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_chunks(*, dataset: Dataset, rows: Iterable[tuple], dialect: str) -> Iterator[bytes]:
    is_excel_br = dialect == ExportRun.Dialect.EXCEL_BR
    make = _excel_br if is_excel_br else _standard
    formatters = [make(column.kind) for column in dataset.columns]
    writer = csv.writer(_Buffer(), delimiter=";" if is_excel_br else ",", lineterminator="\r\n")
    head = writer.writerow(dataset.headers)
    yield ((BOM if is_excel_br else "") + head).encode()
    lines: list[str] = []
    for row in rows:
        # zip stops at the columns: the row's key, after them, is not written.
        lines.append(
            writer.writerow(
                ["" if value is None else fmt(value) for fmt, value in zip(formatters, row, strict=False)]
            )
        )
        if len(lines) >= ROWS_PER_CHUNK:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def jsonl_chunks(*, dataset: Dataset, rows: Iterable[tuple]) -> Iterator[bytes]:
    headers = dataset.headers
    lines: list[str] = []
    for row in rows:
        document = {header: _json_value(value) for header, value in zip(headers, row, strict=False)}
        lines.append(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")
        if len(lines) >= ROWS_PER_CHUNK:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def export_chunks(*, dataset: Dataset, rows: Iterable[tuple], format: str, dialect: str) -> Iterator[bytes]:
    if format == ExportRun.Format.JSONL:
        return jsonl_chunks(dataset=dataset, rows=rows)
    return csv_chunks(dataset=dataset, rows=rows, dialect=dialect)


def export_filename(*, dataset: Dataset, format: str, stamp: datetime) -> str:
    extension = "jsonl" if format == ExportRun.Format.JSONL else "csv"
    return f"{dataset.name}-{timezone.localtime(stamp):%Y%m%d-%H%M%S}.{extension}"
