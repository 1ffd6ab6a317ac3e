"""Returns screens: the team's queues, a request with its decision, the parcel scanned in at the
warehouse, and its inspection unit by unit (each unit scanned out of the parcel, then put back
on sale, in quarantine, written off, sent to the supplier or refused)."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.actor import Actor
from core.exceptions import DomainError
from inventory.models import Bin
from logistics.selectors import carrier_claim_for
from returns.exceptions import UnitsNotOnRequest
from returns.models import ReturnLine, ReturnPhoto, ReturnRequest, ReturnUnit
from returns.selectors import (
    QUEUES,
    return_get,
    return_queue,
    return_queue_counts,
    return_restock_bins,
    return_unit_codes,
)
from returns.services import (
    UnitDecision,
    return_approve,
    return_exchange_ship_now,
    return_inspect,
    return_receive,
    return_reject,
)

PAGE_SIZE = 25
# Query budgets, asserted in tests/backoffice/test_returns_views.py and by bench/returns_queue.
QUEUE_QUERIES = 8  # session, user, two-factor, permissions (2), queue counts, count, page
REQUEST_QUERIES = 11  # session, user, two-factor, permissions (2), request, lines, units, events,
# carrier events, photos
INSPECTION_QUERIES = 13  # the request's, plus the bins it may go back to and the lines' EANs

RS = ReturnRequest.Status
Disposition = ReturnUnit.Disposition
QUEUE_LABELS = {
    "decide": gettext_lazy("To decide"),
    "in_transit": gettext_lazy("On the way back"),
    "inspect": gettext_lazy("To inspect"),
    "settle": gettext_lazy("To settle"),
    "done": gettext_lazy("Finished"),
}


class CodeNotOnRequest(DomainError):
    code = "code_not_on_request"

    def __init__(self, *, code: str, number: str) -> None:
        super().__init__(
            _("%(code)s is not an item of return request %(number)s: set it apart, nothing was counted.")
            % {"code": code, "number": number}
        )


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note to the customer (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    # Required by the service, which says so in its own words: the form only bounds the length.
    note = forms.CharField(
        label=gettext_lazy("Why it is rejected (the customer reads it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ParcelScanForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Tracking code, authorisation code or request number"),
        max_length=60,
    )


@dataclass
class InspectedLine:
    """A line of the request on the inspection form: the units counted out of the parcel so
    far, each with its own row of fields."""

    line: ReturnLine
    codes: frozenset[str]
    counted: int
    rows: list

    @property
    def is_complete(self) -> bool:
        return self.counted >= self.line.quantity


class InspectionForm(forms.Form):
    """One row per unit counted out of the parcel: what was done with it, the bin when it goes
    back on sale, and why when refused. The counts travel with the form as hidden fields; a
    scanned code, or the plus and minus buttons of a line, change them."""

    scan = forms.CharField(label=gettext_lazy("SKU or EAN of a unit"), required=False, max_length=60)
    note = forms.CharField(
        label=gettext_lazy("Inspection note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, data=None, *, request: ReturnRequest, codes: dict[int, frozenset[str]], bins: list[Bin]
    ):
        # Rows that appear with a count carry their defaults, so they never show as missing.
        super().__init__(data.copy() if data is not None else None)
        self.request = request
        self.bins = bins
        self.lines = [
            InspectedLine(
                line=line,
                codes=codes.get(line.order_line_id, frozenset()),
                counted=self._count_from(data, line),
                rows=[],
            )
            for line in request.lines.all()
        ]
        self._build_rows()

    @staticmethod
    def _count_from(data, line: ReturnLine) -> int:
        """The count the form carried; a tampered one is kept within what was asked."""
        try:
            counted = int((data or {}).get(f"count-{line.order_line_id}", 0))
        except (TypeError, ValueError):
            counted = 0
        return min(max(counted, 0), line.quantity)

    def _build_rows(self) -> None:
        bin_choices = [(str(bin.pk), bin.code) for bin in self.bins]
        for field in [name for name in self.fields if name.startswith("u-")]:
            del self.fields[field]
        for inspected in self.lines:
            inspected.rows = []
            for number in range(1, inspected.counted + 1):
                prefix = f"u-{inspected.line.order_line_id}-{number}"
                if self.is_bound and f"{prefix}-disposition" not in self.data:
                    self.data[f"{prefix}-disposition"] = Disposition.RESTOCK
                    self.data[f"{prefix}-bin"] = bin_choices[0][0] if bin_choices else ""
                self.fields[f"{prefix}-disposition"] = forms.ChoiceField(
                    label=_("What was done with unit %(number)s") % {"number": number},
                    choices=Disposition.choices,
                    initial=Disposition.RESTOCK,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
                self.fields[f"{prefix}-bin"] = forms.ChoiceField(
                    label=_("Bin, when back on sale"),
                    choices=bin_choices,
                    required=False,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
                self.fields[f"{prefix}-note"] = forms.CharField(
                    label=_("Note (refused: why, the customer reads it)"),
                    required=False,
                    max_length=300,
                    widget=forms.TextInput(
                        attrs={
                            "class": "form-control form-control-sm",
                            "placeholder": _("Note; when refused, why (the customer reads it)"),
                        }
                    ),
                )
                inspected.rows.append(
                    {
                        "number": number,
                        "disposition": self[f"{prefix}-disposition"],
                        "bin": self[f"{prefix}-bin"],
                        "note": self[f"{prefix}-note"],
                    }
                )

    def change_count(self, *, order_line_id: int, by: int) -> None:
        """The plus and minus buttons of a line: a unit counted by hand, or one counted by mistake."""
        for inspected in self.lines:
            if inspected.line.order_line_id == order_line_id:
                if by > 0 and inspected.is_complete:
                    raise UnitsNotOnRequest(
                        item=inspected.line.order_line.product_name, count=inspected.line.quantity
                    )
                inspected.counted = min(max(inspected.counted + by, 0), inspected.line.quantity)
        self._build_rows()

    def count_scan(self, code: str) -> None:
        """Count one unit scanned out of the parcel. Raises CodeNotOnRequest for an item the
        request does not name and UnitsNotOnRequest for one unit more than it asked back;
        either way nothing is counted."""
        code = code.strip().upper()
        inspected = next((inspected for inspected in self.lines if code in inspected.codes), None)
        if inspected is None:
            raise CodeNotOnRequest(code=code, number=self.request.number)
        self.change_count(order_line_id=inspected.line.order_line_id, by=1)

    def decisions(self) -> list[UnitDecision]:
        decisions = []
        for inspected in self.lines:
            for row in inspected.rows:
                prefix = f"u-{inspected.line.order_line_id}-{row['number']}"
                disposition = self.cleaned_data[f"{prefix}-disposition"]
                bin_id = self.cleaned_data[f"{prefix}-bin"]
                decisions.append(
                    UnitDecision(
                        order_line_id=inspected.line.order_line_id,
                        disposition=disposition,
                        bin_id=int(bin_id) if bin_id and disposition == Disposition.RESTOCK else None,
                        note=self.cleaned_data[f"{prefix}-note"],
                    )
                )
        return decisions

    @property
    def counted(self) -> int:
        return sum(inspected.counted for inspected in self.lines)


def _ticket(request: ReturnRequest):
    """The request's support ticket, when the desk opened one."""
    try:
        return request.ticket
    except ObjectDoesNotExist:
        return None


def _can_inspect(request: HttpRequest, return_request: ReturnRequest) -> bool:
    return return_request.status == RS.RECEIVED and request.user.has_perm("returns.receive_return")


def _render_request(
    request: HttpRequest, return_request: ReturnRequest, *, inspection: InspectionForm | None = None
) -> HttpResponse:
    can_inspect = _can_inspect(request, return_request)
    if can_inspect and inspection is None:
        inspection = InspectionForm(
            request=return_request,
            codes=return_unit_codes(request=return_request),
            bins=return_restock_bins(request=return_request),
        )
    context = {
        "return_request": return_request,
        "ticket": _ticket(return_request),
        "can_decide": return_request.status == RS.REQUESTED
        and request.user.has_perm("returns.decide_return"),
        "approve_form": ApproveForm(auto_id="approve_%s"),
        "reject_form": RejectForm(auto_id="reject_%s"),
        "can_inspect": can_inspect,
        "inspection": inspection,
        "can_ship_early": return_request.is_open and request.user.has_perm("returns.ship_exchange_early"),
        "claim": carrier_claim_for(source=f"return:{return_request.pk}")
        if return_request.reason == ReturnRequest.Reason.TRANSPORT_DAMAGE
        else None,
    }
    if inspection is not None and request.headers.get("HX-Request") == "true":
        return render(request, "backoffice/returns/_inspection.html", context)
    return render(request, "backoffice/returns/return_detail.html", context)


def return_queue_view(request: HttpRequest) -> HttpResponse:
    queue = request.GET.get("queue", "decide")
    queue = queue if queue in QUEUES else "decide"
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(return_queue(queue=queue, search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = return_queue_counts()
    return render(
        request,
        "backoffice/returns/return_queue.html",
        {
            "queue": queue,
            "queues": [(code, label, counts.get(code)) for code, label in QUEUE_LABELS.items()],
            "search": search,
            "page_obj": page,
        },
    )


def return_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    return _render_request(request, return_get(number=number))


def _decide(request: HttpRequest, number: str, *, form_class, service, done: str) -> HttpResponse:
    """Approve or reject with a note: the form checks the note, the service the rest."""
    return_request = get_object_or_404(ReturnRequest, number=number)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("note", [])))
        return redirect("backoffice:return-detail", number=number)
    try:
        service(request_id=return_request.pk, actor=Actor.staff(request.user), note=form.cleaned_data["note"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done % {"number": number})
    return redirect("backoffice:return-detail", number=number)


@require_POST
def return_approve_view(request: HttpRequest, number: str) -> HttpResponse:
    return _decide(
        request,
        number,
        form_class=ApproveForm,
        service=return_approve,
        done=_("Return %(number)s approved: the carrier is being asked for the parcel's code."),
    )


@require_POST
def return_reject_view(request: HttpRequest, number: str) -> HttpResponse:
    return _decide(
        request,
        number,
        form_class=RejectForm,
        service=return_reject,
        done=_("Return %(number)s rejected; the customer was told why."),
    )


def return_receive_view(request: HttpRequest) -> HttpResponse:
    """The warehouse scans a returned parcel in, then inspects it."""
    form = ParcelScanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return_request = return_receive(code=form.cleaned_data["code"], actor=Actor.staff(request.user))
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            messages.success(
                request,
                _("Parcel of %(number)s received: count its units out and inspect them.")
                % {"number": return_request.number},
            )
            return redirect("backoffice:return-inspect", number=return_request.number)
    return render(request, "backoffice/returns/return_receive.html", {"form": form})


def return_inspect_view(request: HttpRequest, number: str) -> HttpResponse:
    """The inspection of a received parcel: each unit scanned (or counted by hand) out of it
    gets a row, and the whole parcel is submitted at once. Counting changes nothing stored."""
    return_request = return_get(number=number)
    if request.method != "POST":
        return _render_request(request, return_request)
    if not _can_inspect(request, return_request):  # inspected meanwhile, on another screen
        messages.error(request, _("This return request is not waiting for its inspection."))
        return _to_request(request, number)
    form = InspectionForm(
        request.POST,
        request=return_request,
        codes=return_unit_codes(request=return_request),
        bins=return_restock_bins(request=return_request),
    )
    action = request.POST.get("action", "scan")
    try:
        if "add" in request.POST or "drop" in request.POST:
            by = 1 if "add" in request.POST else -1
            line_id = request.POST.get("add") or request.POST.get("drop") or ""
            form.change_count(order_line_id=int(line_id) if line_id.isdigit() else 0, by=by)
        elif action == "scan":
            form.count_scan(request.POST.get("scan", ""))
    except DomainError as error:
        form.add_error("scan", error.message)
    if action != "inspect" or not form.is_valid():
        return _render_request(request, return_request, inspection=form)
    if not form.counted:
        form.add_error("scan", _("Scan or add the units taken out of the parcel first."))
        return _render_request(request, return_request, inspection=form)
    try:
        inspected = return_inspect(
            request_id=return_request.pk,
            actor=Actor.staff(request.user),
            decisions=form.decisions(),
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _render_request(request, return_request, inspection=form)
    messages.success(
        request,
        _("Return %(number)s inspected: %(status)s.")
        % {"number": number, "status": inspected.get_status_display()},
    )
    return _to_request(request, number)


def _to_request(request: HttpRequest, number: str) -> HttpResponse:
    """Back to the request's screen, the whole page even from an htmx form."""
    detail = reverse("backoffice:return-detail", kwargs={"number": number})
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(headers={"HX-Redirect": detail})
    return redirect(detail)


def return_photo_view(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """A photo the customer sent, to staff who see returns only; shown inline as a picture."""
    photo = get_object_or_404(ReturnPhoto, pk=pk, request__number=number)
    try:
        file = photo.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("No such photo.") from error
    response = FileResponse(file, content_type=photo.content_type, filename=photo.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def return_exchange_ship_now_view(request: HttpRequest, number: str) -> HttpResponse:
    """A manager sends an exchange's replacement before the return arrives."""
    return_request = get_object_or_404(ReturnRequest, number=number)
    try:
        return_exchange_ship_now(request_id=return_request.pk, actor=Actor.staff(request.user))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Return %(number)s: the replacement ships now.") % {"number": number})
    return redirect("backoffice:return-detail", number=number)
