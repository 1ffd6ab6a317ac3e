"""The mechanics every state machine of the store shares: check the model's table, refuse in
the model's one way, save the status with the fields that change with it. Each model's
`<entity>_transition` service calls this with its table and adds its permissions, its event
row and its effects."""

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
