from django.db import transaction

from exports.cursors import cursor_encode
from exports.models import ExportRun
from exports.selectors import ExportPlan


@transaction.atomic
def export_run_record(*, plan: ExportPlan, format: str, dialect: str, requested_by: str) -> ExportRun:
    """Keep who took which export, and the cursor its next incremental run starts after."""
    cursor_in = cursor_encode(dataset=plan.dataset, cursor=plan.start) if plan.start else ""
    return ExportRun.objects.create(
        dataset=plan.dataset.name,
        format=format,
        dialect=dialect,
        date_from=plan.date_from,
        date_to=plan.date_to,
        cursor_in=cursor_in,
        cursor_out=plan.next_cursor,
        requested_by=requested_by[:200],
    )
