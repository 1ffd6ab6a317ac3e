"""Read a catalog CSV (the format is in docs/catalog_csv.md) into checked rows.

`catalog_parse` reads the whole file and checks every row before anything is written. It
returns either the rows, ready for `services.catalog_import`, or every problem it found,
each naming the row as a spreadsheet numbers it (the header is row 1), the column and the
reason, in the active language. It reads the database (categories, brands, who owns a SKU
or an EAN) but never writes to it.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_slug
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.storable_text import UNSTORABLE_FILE_MESSAGE, UnstorableLine, uploaded_text
from storefront.catalog.barcodes import validate_ean
from storefront.catalog.models import Brand, Category, Variant
from storefront.catalog.text import unaccent

T = TypeVar("T")
Track = Callable[[Sequence[T], int], Iterable[T]]

LOOKUP_BATCH = 500  # values per `IN (...)` query, well under every backend's limit
ATTRIBUTE_LIMIT = 60  # Attribute.name, AttributeValue.value and their slugs
MONEY_LIMIT = Decimal("9999999999.99")  # DecimalField(max_digits=12, decimal_places=2)
SIZE_LIMIT = Decimal("99999.9")  # DecimalField(max_digits=6, decimal_places=1)
WEIGHT_LIMIT = 2_147_483_647  # PositiveIntegerField

# The reasons a row is refused; tests assert these texts exactly.
REQUIRED = _("This field is required.")
NOT_A_NUMBER = _("Enter a number such as 1234.56 or 1.234,56.")
NOT_A_WHOLE_NUMBER = _("Enter a whole number such as 1200.")
NOT_POSITIVE = _("Must be greater than zero.")
NEGATIVE = _("Must not be negative.")
TOO_LARGE = _("Must be at most %(limit)s.")
NOT_ABOVE_PRICE = _("Must be above the price (%(price)s).")
NOT_YES_OR_NO = _("Enter sim or não (yes/no, true/false and 1/0 are also accepted).")
BAD_ATTRIBUTES = _("Write attributes as Name=Value pairs separated by semicolons, e.g. Tamanho=M;Cor=Azul.")
ATTRIBUTE_TWICE = _("The attribute %(attribute)s appears twice.")
ATTRIBUTE_TOO_LONG = _("Attribute names and values have at most %(limit)s characters.")
NO_SLUG = _("%(text)s has no letters or digits to make a slug from.")
SKU_REPEATED = _("SKU %(sku)s is repeated: it is already on row %(row)s.")
EAN_REPEATED = _("EAN %(ean)s is repeated: it is already on row %(row)s.")
SKU_TAKEN = _("SKU %(sku)s already belongs to the product %(product)s.")
EAN_TAKEN = _("EAN %(ean)s already belongs to SKU %(sku)s (product %(product)s).")
PRODUCT_CONFLICT = _("Differs from row %(row)s of the same product.")
BRAND_CONFLICT = _("The brand %(brand)s has another name on row %(row)s.")
UNKNOWN_CATEGORY = _("No category has the slug %(slug)s.")
UNKNOWN_BRAND = _("No brand has the slug %(slug)s; fill brand_name to create it.")
MISSING_COLUMN = _("This required column is missing from the header.")
UNKNOWN_COLUMN = _("Unknown column.")
REPEATED_COLUMN = _("This column appears twice in the header.")
TOO_MANY_CELLS = _("This row has more cells than the header has columns.")
BAD_CSV = _("This row is not valid CSV (%(reason)s).")
NOT_UTF8 = _("The file is not UTF-8 text: save it as CSV UTF-8 and try again.")
EMPTY_FILE = _("The file has no header row.")
NO_ROWS = _("The file has a header but no product rows.")

TRUE_WORDS = frozenset({"1", "sim", "s", "yes", "y", "true", "verdadeiro", "v"})
FALSE_WORDS = frozenset({"0", "nao", "n", "no", "false", "falso", "f"})

# A lone separator is the decimal one; a separator repeated in groups of three digits is
# the thousands one. So `1.234,56`, `1234,56`, `1,234.56` and `1234.56` are all equal, and
# `1.234` is one point two three four (a price then has too many decimal places).
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
_BRAZILIAN_NUMBER = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")
_ENGLISH_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")


# Values of one cell


def parse_decimal(text: str) -> Decimal:
    """Read a number written the Brazilian or the English way, with or without `R$`."""
    number = text.replace("R$", "").replace("\N{NO-BREAK SPACE}", "").replace(" ", "")
    digits = number.removeprefix("-")
    if _PLAIN_NUMBER.fullmatch(digits):
        normalized = digits.replace(",", ".")
    elif _BRAZILIAN_NUMBER.fullmatch(digits):
        normalized = digits.replace(".", "").replace(",", ".")
    elif _ENGLISH_NUMBER.fullmatch(digits):
        normalized = digits.replace(",", "")
    else:
        raise ValidationError(NOT_A_NUMBER)
    value = Decimal(normalized)
    return -value if number.startswith("-") else value


def _amount(*, places: int, limit: Decimal, positive: bool) -> Callable[[str], Decimal]:
    def parse(text: str) -> Decimal:
        value = parse_decimal(text)
        if positive and value <= 0:
            raise ValidationError(NOT_POSITIVE)
        if value < 0:
            raise ValidationError(NEGATIVE)
        if value > limit:
            raise ValidationError(TOO_LARGE % {"limit": limit})
        if -value.normalize().as_tuple().exponent > places:
            raise ValidationError(
                ngettext(
                    "Use at most %(places)s decimal place.", "Use at most %(places)s decimal places.", places
                )
                % {"places": places}
            )
        return value

    return parse


def parse_whole_number(text: str) -> int:
    if re.fullmatch(r"-[0-9]+", text):
        raise ValidationError(NEGATIVE)
    if not re.fullmatch(r"[0-9]+", text):
        raise ValidationError(NOT_A_WHOLE_NUMBER)
    value = int(text)
    if value > WEIGHT_LIMIT:
        raise ValidationError(TOO_LARGE % {"limit": WEIGHT_LIMIT})
    return value


def parse_yes_no(text: str) -> bool:
    word = unaccent(text).strip()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(NOT_YES_OR_NO)


def _text(limit: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        MaxLengthValidator(limit)(text)
        return text

    return parse


def _slug(limit: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        validate_slug(text)
        MaxLengthValidator(limit)(text)
        return text

    return parse


def parse_ean(text: str) -> str:
    ean = text.replace(" ", "")
    validate_ean(ean)
    return ean


def parse_attributes(text: str) -> tuple[tuple[str, str], ...]:
    """`Tamanho=M;Cor=Azul` -> `(("Tamanho", "M"), ("Cor", "Azul"))`."""
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for part in filter(None, (part.strip() for part in text.split(";"))):
        name, equals, value = (piece.strip() for piece in part.partition("="))
        if not (equals and name and value):
            raise ValidationError(BAD_ATTRIBUTES)
        for piece in (name, value):
            if not slugify(piece):
                raise ValidationError(NO_SLUG % {"text": piece})
            if max(len(piece), len(slugify(piece))) > ATTRIBUTE_LIMIT:
                raise ValidationError(ATTRIBUTE_TOO_LONG % {"limit": ATTRIBUTE_LIMIT})
        if slugify(name) in seen:
            raise ValidationError(ATTRIBUTE_TWICE % {"attribute": name})
        seen.add(slugify(name))
        pairs.append((name, value))
    return tuple(pairs)


# The columns


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any]
    empty: Any  # the value of an empty cell
    is_product_level: bool = False  # the same on every row of a product


COLUMN_LIST = (
    Column("product_slug", _slug(220), ""),
    Column("product_name", _text(200), "", is_product_level=True),
    Column("category_slug", _slug(140), "", is_product_level=True),
    Column("brand_slug", _slug(140), "", is_product_level=True),
    Column("brand_name", _text(120), "", is_product_level=True),
    Column("description", str, "", is_product_level=True),
    Column("seo_title", _text(70), "", is_product_level=True),
    Column("seo_description", _text(160), "", is_product_level=True),
    Column("is_published", parse_yes_no, True, is_product_level=True),
    Column("is_featured", parse_yes_no, False, is_product_level=True),
    Column("sku", _text(64), ""),
    Column("ean", parse_ean, ""),
    Column("price", _amount(places=2, limit=MONEY_LIMIT, positive=True), None),
    Column("compare_at_price", _amount(places=2, limit=MONEY_LIMIT, positive=True), None),
    Column("cost_price", _amount(places=2, limit=MONEY_LIMIT, positive=False), None),
    Column("weight_grams", parse_whole_number, 0),
    Column("length_cm", _amount(places=1, limit=SIZE_LIMIT, positive=False), Decimal("0.0")),
    Column("width_cm", _amount(places=1, limit=SIZE_LIMIT, positive=False), Decimal("0.0")),
    Column("height_cm", _amount(places=1, limit=SIZE_LIMIT, positive=False), Decimal("0.0")),
    Column("attributes", parse_attributes, ()),
    Column("is_active", parse_yes_no, True),
)
COLUMNS = {column.name: column for column in COLUMN_LIST}
COLUMN_NAMES = tuple(COLUMNS)
REQUIRED_COLUMNS = ("product_slug", "product_name", "category_slug", "sku", "price")
ROW_REQUIRED = ("product_slug", "sku", "price")  # on every row
PRODUCT_REQUIRED = ("product_name", "category_slug")  # on at least one row of each product
PRODUCT_COLUMNS = tuple(column.name for column in COLUMN_LIST if column.is_product_level)
VARIANT_COLUMNS = tuple(name for name in COLUMN_NAMES if name not in {"product_slug", *PRODUCT_COLUMNS})


# What the check returns


@dataclass(frozen=True)
class RowError:
    row: int | None  # as a spreadsheet numbers it: the header is row 1
    column: str
    reason: str

    def __str__(self) -> str:
        if self.row is None:
            return self.reason
        if not self.column:
            return gettext("Row %(row)s: %(reason)s") % {"row": self.row, "reason": self.reason}
        return gettext("Row %(row)s, column %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ProductData:
    """A product as the file describes it; `given` names the columns the file has, so
    that an existing product keeps the values of the others."""

    slug: str
    name: str
    category: Category | None
    brand_slug: str  # "" for no brand
    brand_name: str
    description: str
    seo_title: str
    seo_description: str
    is_published: bool
    is_featured: bool
    given: frozenset[str]


@dataclass(frozen=True)
class CatalogRow:
    """One variant row of the file, checked."""

    number: int
    product: ProductData
    sku: str
    ean: str
    price: Decimal
    compare_at_price: Decimal | None
    cost_price: Decimal | None
    weight_grams: int
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    attributes: tuple[tuple[str, str], ...]
    is_active: bool
    given: frozenset[str]


@dataclass(frozen=True)
class ParsedCatalog:
    rows: list[CatalogRow]
    errors: list[RowError]


def catalog_parse(content: bytes, *, track: Track | None = None) -> ParsedCatalog:
    """Read and check a whole catalog file. `track(rows, total)` may wrap the loop over the
    rows, for a progress bar. Rows are returned only when there is no error at all."""
    try:
        header, records = _read_table(content)
    except _Unreadable as problem:
        return ParsedCatalog(rows=[], errors=[problem.error])
    columns, errors, is_usable = _check_header(header)
    if not is_usable:
        return ParsedCatalog(rows=[], errors=errors)
    checker = _Checker(columns, errors)
    numbered = list(enumerate(records, start=2))
    for number, record in track(numbered, len(numbered)) if track else numbered:
        checker.check_row(number, record)
    rows = checker.finish()
    # Row by row, and within a row in the file's column order, as the reader sees them.
    position = {name: index for index, name in enumerate(columns)}
    errors = sorted(checker.errors, key=lambda error: (error.row or 0, position.get(error.column, -1)))
    return ParsedCatalog(rows=[] if errors else rows, errors=errors)


def catalog_error_report(errors: Sequence[RowError]) -> str:
    summary = ngettext(
        "%(count)s problem found; nothing was imported.",
        "%(count)s problems found; nothing was imported.",
        len(errors),
    ) % {"count": len(errors)}
    return "\n".join([summary, *(str(error) for error in errors)])


# Reading the file


class _Unreadable(Exception):
    def __init__(self, error: RowError) -> None:
        self.error = error
        super().__init__(error.reason)


def _read_table(content: bytes) -> tuple[list[str], list[list[str]]]:
    try:
        text = uploaded_text(content)
    except UnicodeDecodeError as error:
        raise _Unreadable(RowError(row=None, column="", reason=str(NOT_UTF8))) from error
    except UnstorableLine as error:
        raise _Unreadable(RowError(row=error.line, column="", reason=str(UNSTORABLE_FILE_MESSAGE))) from error
    first_line = text.split("\n", 1)[0]
    # Column names hold neither separator, so the header tells which one the file uses;
    # Brazilian Excel writes semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            records.append(record)
    except csv.Error as error:
        reason = BAD_CSV % {"reason": error}
        raise _Unreadable(RowError(row=len(records) + 1, column="", reason=reason)) from error
    if not records or not any(cell.strip() for cell in records[0]):
        raise _Unreadable(RowError(row=None, column="", reason=str(EMPTY_FILE)))
    header, rows = records[0], records[1:]
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise _Unreadable(RowError(row=None, column="", reason=str(NO_ROWS)))
    return header, rows


def _check_header(header: list[str]) -> tuple[list[str], list[RowError], bool]:
    """The header's column names (trailing empty ones dropped), what is wrong with it, and
    whether the rows can be read at all: not when a required column is missing (reported
    once, not on every row) or a column appears twice (which one would count?)."""
    columns = [cell.strip().lower() for cell in header]
    while columns and not columns[-1]:
        columns.pop()
    missing = [
        RowError(row=1, column=name, reason=str(MISSING_COLUMN))
        for name in REQUIRED_COLUMNS
        if name not in columns
    ]
    repeated, unknown = [], []
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            repeated.append(RowError(row=1, column=name, reason=str(REPEATED_COLUMN)))
        elif name not in COLUMNS:
            unknown.append(RowError(row=1, column=name, reason=str(UNKNOWN_COLUMN)))
        seen.add(name)
    return columns, missing + repeated + unknown, not (missing or repeated)


def _batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Checking the rows


@dataclass
class _ProductDraft:
    """What the rows of one product say so far: each product-level value with the row it
    came from. An empty cell repeats what the product's other rows say."""

    first_row: int
    values: dict[str, tuple[Any, int]] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)  # columns with a value already refused

    def value(self, name: str) -> Any:
        return self.values[name][0] if name in self.values else COLUMNS[name].empty

    def row_of(self, name: str) -> int:
        return self.values[name][1] if name in self.values else self.first_row


@dataclass
class _PendingRow:
    number: int
    product_slug: str
    values: dict[str, Any]


class _Checker:
    def __init__(self, header: list[str], errors: list[RowError]) -> None:
        self.header = header
        self.columns = [name for name in dict.fromkeys(header) if name in COLUMNS]
        self.errors = errors
        self.pending: list[_PendingRow] = []
        self.products: dict[str, _ProductDraft] = {}
        self.row_of_sku: dict[str, int] = {}
        self.row_of_ean: dict[str, int] = {}

    def error(self, row: int | None, column: str, reason: Any) -> None:
        self.errors.append(RowError(row=row, column=column, reason=str(reason)))

    def check_row(self, number: int, record: list[str]) -> None:
        if not any(cell.strip() for cell in record):
            return  # spreadsheets leave blank lines behind; they mean nothing
        if any(cell.strip() for cell in record[len(self.header) :]):
            self.error(number, "", TOO_MANY_CELLS)
        cells = {name: record[index].strip() for index, name in enumerate(self.header) if index < len(record)}
        values: dict[str, Any] = {}
        refused: set[str] = set()
        for name in self.columns:
            text = cells.get(name, "")
            if not text:
                if name in ROW_REQUIRED:
                    self.error(number, name, REQUIRED)
                continue
            try:
                values[name] = COLUMNS[name].parse(text)
            except ValidationError as error:
                refused.add(name)
                for message in error.messages:
                    self.error(number, name, message)
        self._check_prices(number, values)
        self._check_repeats(number, values)
        if "product_slug" in values:
            self._merge_product(number, values, refused)
            self.pending.append(
                _PendingRow(number=number, product_slug=values["product_slug"], values=values)
            )

    def _check_prices(self, number: int, values: dict[str, Any]) -> None:
        price, compare_at = values.get("price"), values.get("compare_at_price")
        if price is not None and compare_at is not None and compare_at <= price:
            self.error(number, "compare_at_price", NOT_ABOVE_PRICE % {"price": price})

    def _check_repeats(self, number: int, values: dict[str, Any]) -> None:
        for name, first_rows, message, placeholder in (
            ("sku", self.row_of_sku, SKU_REPEATED, "sku"),
            ("ean", self.row_of_ean, EAN_REPEATED, "ean"),
        ):
            value = values.get(name)
            if not value:
                continue
            if value in first_rows:
                self.error(number, name, message % {placeholder: value, "row": first_rows[value]})
            else:
                first_rows[value] = number

    def _merge_product(self, number: int, values: dict[str, Any], refused: set[str]) -> None:
        draft = self.products.setdefault(values["product_slug"], _ProductDraft(first_row=number))
        for name in PRODUCT_COLUMNS:
            if name in refused:
                draft.bad.add(name)
            elif name in values:
                if name not in draft.values:
                    draft.values[name] = (values[name], number)
                elif draft.values[name][0] != values[name]:
                    self.error(number, name, PRODUCT_CONFLICT % {"row": draft.values[name][1]})

    def finish(self) -> list[CatalogRow]:
        """Check what needs the whole file or the database; return the rows."""
        categories = self._categories()
        brand_names = self._brand_names()
        existing_brands = self._existing_brands()
        given_product = frozenset(self.columns) & set(PRODUCT_COLUMNS)
        products = {}
        for slug, draft in self.products.items():
            for name in PRODUCT_REQUIRED:
                if name not in draft.values and name not in draft.bad:
                    self.error(draft.first_row, name, REQUIRED)
            category_slug = draft.value("category_slug")
            if category_slug and category_slug not in categories:
                self.error(
                    draft.row_of("category_slug"), "category_slug", UNKNOWN_CATEGORY % {"slug": category_slug}
                )
            brand_slug = self._brand_slug(draft)
            if brand_slug and brand_slug not in brand_names and brand_slug not in existing_brands:
                self.error(draft.row_of("brand_slug"), "brand_slug", UNKNOWN_BRAND % {"slug": brand_slug})
            products[slug] = ProductData(
                slug=slug,
                name=draft.value("product_name"),
                category=categories.get(category_slug),
                brand_slug=brand_slug,
                brand_name=brand_names.get(brand_slug, ("", 0))[0],
                description=draft.value("description"),
                seo_title=draft.value("seo_title"),
                seo_description=draft.value("seo_description"),
                is_published=draft.value("is_published"),
                is_featured=draft.value("is_featured"),
                given=given_product,
            )
        self._check_owners()
        given_variant = frozenset(self.columns) & set(VARIANT_COLUMNS)
        return [
            CatalogRow(
                number=row.number,
                product=products[row.product_slug],
                **{name: row.values.get(name, COLUMNS[name].empty) for name in VARIANT_COLUMNS},
                given=given_variant,
            )
            for row in self.pending
        ]

    def _brand_slug(self, draft: _ProductDraft) -> str:
        brand_slug, brand_name = draft.value("brand_slug"), draft.value("brand_name")
        return brand_slug or slugify(brand_name)[:140]

    def _brand_names(self) -> dict[str, tuple[str, int]]:
        """The name the file gives each brand, with its row; one brand, one name."""
        names: dict[str, tuple[str, int]] = {}
        for draft in self.products.values():
            brand_name = draft.value("brand_name")
            if not brand_name:
                continue
            brand_slug = self._brand_slug(draft)
            if not brand_slug:
                self.error(draft.row_of("brand_name"), "brand_name", NO_SLUG % {"text": brand_name})
            elif brand_slug not in names:
                names[brand_slug] = (brand_name, draft.row_of("brand_name"))
            elif names[brand_slug][0] != brand_name:
                self.error(
                    draft.row_of("brand_name"),
                    "brand_name",
                    BRAND_CONFLICT % {"brand": brand_slug, "row": names[brand_slug][1]},
                )
        return names

    def _categories(self) -> dict[str, Category]:
        slugs = sorted({draft.value("category_slug") for draft in self.products.values()} - {""})
        categories: dict[str, Category] = {}
        for batch in _batches(slugs, LOOKUP_BATCH):
            categories.update(Category.objects.in_bulk(batch, field_name="slug"))
        return categories

    def _existing_brands(self) -> set[str]:
        slugs = sorted({draft.value("brand_slug") for draft in self.products.values()} - {""})
        existing: set[str] = set()
        for batch in _batches(slugs, LOOKUP_BATCH):
            existing.update(Brand.objects.filter(slug__in=batch).values_list("slug", flat=True))
        return existing

    def _check_owners(self) -> None:
        """A SKU may not move to another product, nor an EAN to another SKU."""
        product_of_sku: dict[str, str] = {}
        for batch in _batches(sorted(self.row_of_sku), LOOKUP_BATCH):
            product_of_sku.update(Variant.objects.filter(sku__in=batch).values_list("sku", "product__slug"))
        owner_of_ean: dict[str, tuple[str, str]] = {}
        for batch in _batches(sorted(self.row_of_ean), LOOKUP_BATCH):
            for ean, sku, product_slug in Variant.objects.filter(ean__in=batch).values_list(
                "ean", "sku", "product__slug"
            ):
                owner_of_ean[ean] = (sku, product_slug)
        for row in self.pending:
            sku, ean = row.values.get("sku"), row.values.get("ean")
            owner = product_of_sku.get(sku)
            if owner is not None and owner != row.product_slug:
                self.error(row.number, "sku", SKU_TAKEN % {"sku": sku, "product": owner})
            if ean in owner_of_ean and owner_of_ean[ean][0] != sku:
                other_sku, other_product = owner_of_ean[ean]
                self.error(
                    row.number, "ean", EAN_TAKEN % {"ean": ean, "sku": other_sku, "product": other_product}
                )
