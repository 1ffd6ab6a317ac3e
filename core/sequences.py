from django.db import IntegrityError, transaction

from core.locks import for_update
from core.models import Sequence


def sequence_next(name: str, *, start: int = 1) -> int:
    """The next number of sequence `name`; the first is `start`. Caller must be in a
    transaction: the row stays locked until it commits, so numbers never repeat or skip."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence_next must run inside a transaction")
    try:
        with transaction.atomic():
            Sequence.objects.get_or_create(name=name, defaults={"last_value": start - 1})
    except IntegrityError:  # created by a concurrent transaction meanwhile
        pass
    sequence = for_update(Sequence.objects.filter(name=name)).get()
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value
