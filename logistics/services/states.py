"""The one way a pick list, a pick line or a shipment changes status: along its table."""

from django.db import models


def status_move(
    *, row: models.Model, to: str, transitions: dict[str, frozenset[str]], refused: Exception, **fields
):
    """Move `row` to status `to` if its table allows it, saving `fields` with it; raise
    `refused` otherwise, changing nothing. Caller holds the row's lock."""
    if to not in transitions[row.status]:
        raise refused
    row.status = to
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=["status", "updated_at", *fields])
    return row
