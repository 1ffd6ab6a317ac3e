from django.db import IntegrityError, transaction
from django.db.models import F

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
    # One conditional UPDATE takes the row lock and moves the counter; the read sees our own write.
    Sequence.objects.filter(name=name).update(last_value=F("last_value") + 1)
    return Sequence.objects.filter(name=name).values_list("last_value", flat=True).get()
