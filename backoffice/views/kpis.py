"""Indicator dashboards: the sections, and each section's charts over a range of days with
the previous period beside them, as a page or as CSV."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from backoffice.kpis.exporting import kpi_report_csv
from backoffice.kpis.forms import KpiRangeForm
from backoffice.kpis.sections import section_get, sections
from backoffice.kpis.selectors import kpi_section_report
from core.replica import replica_reads

# Query budget of a dashboard (asserted in tests/kpis/test_views.py and by bench/): session,
# user, two-factor, permissions (2), the stored facts (by day, and added up per period); plus
# the section's collector for today, counted live, and the names of what its charts list by
# key: at most LIVE_DAY_QUERIES (the after-sale section's 14, and its ticket queues' names).
# When the nightly rebuild has not stored the last two days, theirs run too.
BASE_QUERIES = 7
LIVE_DAY_QUERIES = 15
SECTION_QUERIES = BASE_QUERIES + LIVE_DAY_QUERIES


def kpi_index_view(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/kpis/index.html", {"sections": sections()})


def kpi_section_view(request: HttpRequest, section: str) -> HttpResponse:
    chosen = section_get(section)
    if chosen is None:
        raise Http404("No such dashboard.")
    form = KpiRangeForm(request.GET if "start" in request.GET or "end" in request.GET else None)
    start, end = form.range()
    with replica_reads():
        report = kpi_section_report(section=chosen, start=start, end=end)
    if request.GET.get("format") == "csv":
        excel = request.GET.get("excel") == "1"
        chart = request.GET.get("chart") or None
        response = HttpResponse(
            kpi_report_csv(report, chart=chart, excel=excel), content_type="text/csv; charset=utf-8"
        )
        name = slugify(f"{chosen.slug}-{chart or 'all'}-{start}-{end}")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if not form.is_bound:
        form = KpiRangeForm(initial={"start": start, "end": end})
    # A bound form with errors shows them; the figures are then the default range's.
    return render(
        request,
        "backoffice/kpis/section.html",
        {"section": chosen, "sections": sections(), "report": report, "form": form},
    )
