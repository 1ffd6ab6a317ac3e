"""Complaint triage on the ticket screen: why a ticket was classified as it was, and the
agent's correction, which routes it again and becomes training data."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actor import Actor
from core.exceptions import DomainError
from support.models import Ticket
from support.triage.forms import TriageCorrectionForm
from support.triage.models import TicketTriage
from support.triage.selectors import ticket_triage_get
from support.triage.services import REPEAT_WINDOW, triage_correct


@dataclass(frozen=True)
class TriagePanel:
    triage: TicketTriage
    form: TriageCorrectionForm | None  # None: the agent may not correct it
    topic_terms: list[str]
    urgency_terms: list[str]
    alarm_terms: list[str]
    repeat_window_days: int


def triage_panel(request: HttpRequest, ticket: Ticket) -> TriagePanel | None:
    """What the ticket screen shows about its triage (one query), or None when no customer
    message of the ticket was classified."""
    triage = ticket_triage_get(ticket=ticket)
    if triage is None:
        return None
    reasons = triage.reasons or {}
    may_correct = request.user.has_perm("support.answer_ticket") and request.user.has_perm(
        ticket.queue.work_permission
    )
    form = (
        TriageCorrectionForm(auto_id="triage_%s", initial={"topic": triage.topic, "urgency": triage.urgency})
        if may_correct
        else None
    )
    return TriagePanel(
        triage=triage,
        form=form,
        topic_terms=[term for term, _weight in reasons.get("topic_terms", [])],
        urgency_terms=[term for term, _weight in reasons.get("urgency_terms", [])],
        alarm_terms=list(reasons.get("alarm_terms", [])),
        repeat_window_days=REPEAT_WINDOW.days,
    )


@require_POST
def ticket_triage_correct_view(request: HttpRequest, protocol: str) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.select_related("queue"), protocol=protocol)
    form = TriageCorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a topic and an urgency from the lists."))
    else:
        try:
            triage_correct(
                ticket_id=ticket.pk,
                topic=form.cleaned_data["topic"],
                urgency=form.cleaned_data["urgency"],
                actor=Actor.staff(request.user),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Triage corrected; the ticket was routed again."))
    return redirect("backoffice:ticket-desk-detail", protocol=ticket.protocol)
