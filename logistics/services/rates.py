"""Delivery services and their rate tables: set from code, or imported from a CSV file whole."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from core.cep import STATE_RANGES, normalize_cep
from logistics.exceptions import RateFileInvalid
from logistics.models import CarrierService, ShippingRate

STATES = frozenset(state for state, _start, _end in STATE_RANGES)
MAX_GRAMS, MAX_DAYS, MAX_PRICE = 1_000_000, 365, Decimal("100000")
RATE_COLUMNS = ("service", "state", "area", "cep_start", "cep_end", "max_weight_grams", "price", "days")


@dataclass(frozen=True)
class RateRow:
    """One line of a rate table; see ShippingRate for what a destination may be."""

    max_weight_grams: int
    price: Decimal
    days: int
    state: str = ""
    area: str = ShippingRate.Area.ALL
    cep_start: str = ""
    cep_end: str = ""


def _rates_replace(*, service: CarrierService, rows: list[RateRow]) -> None:
    service.rates.all().delete()
    ShippingRate.objects.bulk_create(ShippingRate(service=service, **row.__dict__) for row in rows)


@transaction.atomic
def carrier_service_set_rates(
    *, code: str, carrier: str, name: str, position: int, rates: list[RateRow]
) -> CarrierService:
    """Create or update a delivery service and replace its rate table."""
    service, _created = CarrierService.objects.update_or_create(
        code=code, defaults={"carrier": carrier, "name": name, "position": position}
    )
    _rates_replace(service=service, rows=rates)
    return service


def _rate_row(row: dict[str, str]) -> RateRow:
    """One CSV row as a RateRow; raises ValueError with what is wrong, in the user's language."""
    state = row["state"].strip().upper()
    area = row["area"].strip().lower()
    cep_start, cep_end = normalize_cep(row["cep_start"]), normalize_cep(row["cep_end"])
    if state and state not in STATES:
        raise ValueError(_("unknown state “%(state)s”") % {"state": state})
    if area not in ShippingRate.Area.values:
        raise ValueError(_("area is capital, interior or blank"))
    if area and not state:
        raise ValueError(_("capital or interior needs a state"))
    if bool(cep_start) != bool(cep_end) or any(len(cep) not in (0, 8) for cep in (cep_start, cep_end)):
        raise ValueError(_("a CEP range needs both ends, 8 digits each"))
    if cep_start > cep_end:
        raise ValueError(_("the CEP range ends before it starts"))
    try:
        grams, days = int(row["max_weight_grams"]), int(row["days"])
        price = Decimal(row["price"].strip().replace(",", "."))
        if not price.is_finite():  # NaN and Infinity parse, then break every comparison
            raise InvalidOperation
        cents = price.quantize(Decimal("0.01"))  # raises for numbers too long to quantize
    except (ValueError, InvalidOperation) as error:
        raise ValueError(_("weight and days are whole numbers, price a number like 19.90")) from error
    if not (0 < grams <= MAX_GRAMS and 0 <= days <= MAX_DAYS and 0 <= price < MAX_PRICE) or price != cents:
        raise ValueError(
            _("weight from 1 g to 1 t, days from 0 to 365, price up to 99999.99 with two decimals at most")
        )
    return RateRow(
        max_weight_grams=grams,
        price=price,
        days=days,
        state=state,
        area=area,
        cep_start=cep_start,
        cep_end=cep_end,
    )


@transaction.atomic
def shipping_rates_import(*, content: str) -> dict[str, int]:
    """Replace the rate tables of the services a CSV file names with its rows (comma or
    semicolon separated; columns: RATE_COLUMNS); return how many rows each service got. All
    or nothing: one bad row refuses the whole file, listing every bad row (RateFileInvalid)."""
    content = content.lstrip("\ufeff")
    header = content.split("\n", 1)[0]
    # Spreadsheets set to Portuguese save CSV with semicolons (the comma is the decimal mark).
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(content), delimiter=delimiter)
    if reader.fieldnames is None or set(RATE_COLUMNS) - {name.strip() for name in reader.fieldnames}:
        raise RateFileInvalid(
            errors=[_("The columns are: %(columns)s.") % {"columns": ", ".join(RATE_COLUMNS)}]
        )
    services = {service.code: service for service in CarrierService.objects.all()}
    rows: dict[str, list[RateRow]] = {}
    seen: set[tuple] = set()
    errors = []
    for raw in reader:
        number = reader.line_num  # the line in the file, blank lines counted
        raw = {key.strip(): (value or "") for key, value in raw.items() if key}
        code = raw["service"].strip()
        try:
            if code not in services:
                raise ValueError(_("unknown service “%(code)s”") % {"code": code})
            row = _rate_row(raw)
            key = (code, row.state, row.area, row.cep_start, row.cep_end, row.max_weight_grams)
            if key in seen:
                raise ValueError(_("the same destination and weight appear twice"))
            seen.add(key)
        except ValueError as error:
            errors.append(_("Line %(number)s: %(error)s.") % {"number": number, "error": error})
            continue
        rows.setdefault(code, []).append(row)
    if errors or not rows:
        raise RateFileInvalid(errors=errors or [_("The file has no rates.")])
    for code, service_rows in rows.items():
        _rates_replace(service=services[code], rows=service_rows)
    return {code: len(service_rows) for code, service_rows in rows.items()}
