"""Exports for the ERP and accounting, and the ERP feed's failures."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.models import PersonalDataAccess
from backoffice.services import personal_data_access_record
from core.actor import Actor
from core.exceptions import DomainError
from exports.forms import ExportForm
from exports.models import ExportRun, FeedEvent
from exports.selectors import export_plan, export_rows, export_run_list_recent, feed_event_list_undelivered
from exports.services import export_run_record, feed_event_retry
from exports.services.feed import is_feed_on
from exports.writers import export_chunks, export_filename

PAGE_SIZE = 25
# Query budgets, asserted in tests/exports/test_views.py.
# session, user, two-factor, permissions (2), recent exports, (navigation)
EXPORT_FORM_QUERIES = 8
# session, user, two-factor, permissions (2), count, events with their orders, (navigation)
FEED_EVENT_LIST_QUERIES = 9

CONTENT_TYPES = {
    ExportRun.Format.CSV: "text/csv; charset=utf-8",
    ExportRun.Format.JSONL: "application/x-ndjson",
}


def export_form_view(request: HttpRequest) -> HttpResponse:
    """The export form; a valid submission streams the file (the next cursor comes back in the
    X-Export-Next-Cursor header and in the list of recent exports)."""
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = export_plan(
            dataset=form.chosen_dataset,
            date_from=data["date_from"],
            date_to=data["date_to"],
            start=form.start,
        )
        run = export_run_record(
            plan=plan,
            format=data["format"],
            dialect=data["dialect"],
            requested_by=Actor.staff(request.user).label,
        )
        if plan.dataset.has_personal_data:
            personal_data_access_record(
                staff=request.user,
                kind=PersonalDataAccess.Kind.EXPORT,
                reference=f"{plan.dataset.name} export {run.pk}",
            )
        chunks = export_chunks(
            dataset=plan.dataset, rows=export_rows(plan=plan), format=data["format"], dialect=data["dialect"]
        )
        response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[data["format"]])
        filename = export_filename(dataset=plan.dataset, format=data["format"], stamp=timezone.now())
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Export-Next-Cursor"] = plan.next_cursor
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "backoffice/export_form.html",
        {
            "form": form,
            "runs": export_run_list_recent(),
            "datasets": ExportForm.base_fields["dataset"].choices,
        },
    )


def feed_event_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(feed_event_list_undelivered(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/feed_event_list.html",
        {"page_obj": page, "events": page, "is_feed_on": is_feed_on()},
    )


@require_POST
def feed_event_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        event = feed_event_retry(event_id=pk, actor=Actor.staff(request.user))
    except FeedEvent.DoesNotExist as error:
        raise Http404("No such event.") from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The event %(kind)s of order %(number)s goes to the ERP again.")
            % {"kind": event.get_kind_display(), "number": event.order.number},
        )
    return redirect("backoffice:feed-event-list")
