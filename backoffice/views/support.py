"""The agents' support desk: queues by deadline, the ticket screen and its actions."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from backoffice.forms import TicketActionForm, TicketNewForm, TicketNoteForm, TicketReplyForm
from backoffice.views.triage import triage_panel
from core.actor import Actor
from core.exceptions import DomainError
from orders.models import Order
from support.channels.social import ticket_public_answer_posted
from support.forms import ChatSayForm
from support.models import Channel, Macro, PhoneCall, Ticket, TicketQueue
from support.selectors import (
    DESK_FILTERS,
    DeskFilters,
    agents_for_queue,
    chat_get_for_agent,
    chat_list_live,
    queue_list_for_agent,
    ticket_desk_list,
    ticket_get_for_desk,
    ticket_viewers,
)
from support.services import (
    Contact,
    Incoming,
    macro_render,
    phone_call_log,
    ticket_assign,
    ticket_escalate,
    ticket_merge,
    ticket_move,
    ticket_note,
    ticket_open,
    ticket_reply,
    ticket_reply_with_macro,
    ticket_update,
    ticket_view_record,
)
from support.services.chat import chat_agent_say, chat_close
from support.services.replies import ticket_open_for_call, whatsapp_window_open

PAGE_SIZE = 25
# Query budgets, asserted in tests/backoffice/test_support_views.py.
DESK_QUERIES = 10  # session, user, two-factor, permissions (2), queues, counts, count, page, (navigation)
TICKET_QUERIES = 17  # session, user, two-factor, permissions (2), ticket, messages, attachments, events,
# escalations, tags, viewer upsert, viewers, triage, macros, agents, (navigation)


def _may_see(user, ticket: Ticket) -> bool:
    """Agents see the tickets of the queues they work; the ombudsman also reads the
    first-level tickets its cases review. Nobody else, whatever they can guess."""
    return user.has_perm(ticket.queue.work_permission) or (
        user.has_perm("support.work_ombudsman") and not ticket.queue.is_ombudsman
    )


def support_desk_view(request: HttpRequest) -> HttpResponse:
    queues = queue_list_for_agent(user=request.user)
    if not queues:
        raise PermissionDenied
    queue = next((queue for queue in queues if queue.code == request.GET.get("queue")), queues[0])
    show = request.GET.get("show", "all")
    status = request.GET.get("status", "")
    filters = DeskFilters(
        queue=queue,
        show=show if show in DESK_FILTERS else "all",
        status=status if status in Ticket.Status.values else "",
        search=request.GET.get("q", "").strip()[:100],
    )
    tickets = ticket_desk_list(filters=filters, user=request.user)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/support/desk.html",
        {
            "queues": queues,
            "filters": filters,
            "page_obj": page,
            "statuses": Ticket.Status.choices,
            "show_choices": [
                ("all", _("Every ticket")),
                ("mine", _("Mine")),
                ("unassigned", _("Unassigned")),
                ("breached", _("Past the deadline")),
            ],
            "can_open": True,
        },
    )


def _ticket(request: HttpRequest, protocol: str) -> Ticket:
    ticket = ticket_get_for_desk(protocol=protocol)
    if not _may_see(request.user, ticket):
        raise PermissionDenied
    return ticket


def ticket_desk_detail_view(request: HttpRequest, protocol: str) -> HttpResponse:
    ticket = _ticket(request, protocol)
    ticket_view_record(ticket=ticket, agent=request.user)
    can_work = request.user.has_perm(ticket.queue.work_permission)
    reply_form = TicketReplyForm()
    # Choosing a macro fills the reply box with its text for this ticket (htmx, no inline script).
    reply_form.fields["macro"].widget.attrs.update(
        {
            "hx-get": reverse("backoffice:ticket-macro", kwargs={"protocol": ticket.protocol}),
            "hx-target": "#reply-body",
            "hx-swap": "outerHTML",
            "hx-trigger": "change",
        }
    )
    return render(
        request,
        "backoffice/support/ticket.html",
        {
            "ticket": ticket,
            "can_work": can_work,
            "reply_form": reply_form,
            "note_form": TicketNoteForm(auto_id="note_%s"),
            # The same action fields appear in several small forms: each gets its own ids.
            "call_form": TicketActionForm(auto_id="call_%s"),
            "escalate_form": TicketActionForm(auto_id="escalate_%s"),
            "merge_form": TicketActionForm(auto_id="merge_%s"),
            "action_form": TicketActionForm(
                initial={
                    "priority": ticket.priority,
                    "status": ticket.status,
                    "tags": ", ".join(tag.name for tag in ticket.tags.all()),
                }
            ),
            "agents": agents_for_queue(queue=ticket.queue)
            if request.user.has_perm("support.assign_ticket")
            else [],
            "viewers": ticket_viewers(ticket=ticket, user=request.user),
            "whatsapp_window_closed": ticket.channel == Channel.WHATSAPP and not whatsapp_window_open(ticket),
            "can_escalate": not ticket.queue.is_ombudsman
            and not ticket.escalation_list
            and request.user.has_perm("support.escalate_ticket"),
            "triage_panel": triage_panel(request, ticket),
        },
    )


@require_GET
def ticket_viewers_view(request: HttpRequest, protocol: str) -> HttpResponse:
    """The collision warning, refreshed while the ticket stays open on screen."""
    ticket = _ticket(request, protocol)
    ticket_view_record(ticket=ticket, agent=request.user)
    return render(
        request,
        "backoffice/support/_viewers.html",
        {"ticket": ticket, "viewers": ticket_viewers(ticket=ticket, user=request.user)},
    )


@require_GET
def ticket_macro_view(request: HttpRequest, protocol: str) -> HttpResponse:
    """The reply box filled with a macro's text for this ticket, for the agent to edit."""
    ticket = _ticket(request, protocol)
    macro = Macro.objects.filter(pk=request.GET.get("macro") or None).first()
    text = macro_render(macro=macro, ticket=ticket) if macro else ""
    form = TicketReplyForm(initial={"body": text, "status_after": macro.set_status if macro else None})
    return render(request, "backoffice/support/_reply_body.html", {"reply_form": form})


def _back(ticket: Ticket) -> HttpResponse:
    return redirect("backoffice:ticket-desk-detail", protocol=ticket.protocol)


@require_POST
def ticket_reply_view(request: HttpRequest, protocol: str) -> HttpResponse:
    ticket = _ticket(request, protocol)
    form = TicketReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(ticket)
    data = form.cleaned_data
    actor = Actor.staff(request.user)
    try:
        if data["macro"]:
            ticket_reply_with_macro(
                ticket_id=ticket.pk,
                macro=data["macro"],
                actor=actor,
                body_text=data["body"],
                status_after=data["status_after"],
                files=data["files"],
            )
        else:
            ticket_reply(
                ticket_id=ticket.pk,
                actor=actor,
                body_text=data["body"],
                status_after=data["status_after"],
                files=data["files"],
            )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your reply was sent to the customer."))
    return _back(ticket)


@require_POST
def ticket_note_view(request: HttpRequest, protocol: str) -> HttpResponse:
    ticket = _ticket(request, protocol)
    form = TicketNoteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            ticket_note(
                ticket_id=ticket.pk,
                actor=Actor.staff(request.user),
                body_text=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Note added."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return _back(ticket)


@require_POST
def ticket_act_view(request: HttpRequest, protocol: str) -> HttpResponse:
    ticket = _ticket(request, protocol)
    form = TicketActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That action could not be read. Please try again."))
        return _back(ticket)
    data, actor = form.cleaned_data, Actor.staff(request.user)
    action = data["action"]
    try:
        if action == "take":
            ticket_assign(ticket_id=ticket.pk, assignee=request.user, actor=actor)
        elif action == "assign":
            assignee = agents_for_queue(queue=ticket.queue).filter(pk=data["assignee"]).first()
            ticket_assign(ticket_id=ticket.pk, assignee=assignee, actor=actor)
        elif action == "status":
            ticket_move(ticket_id=ticket.pk, to=data["status"], actor=actor, note=data["reason"])
        elif action == "update":
            tags = [tag for tag in data["tags"].split(",") if tag.strip()]
            ticket_update(ticket_id=ticket.pk, actor=actor, priority=data["priority"] or None, tags=tags)
        elif action == "merge":
            into = get_object_or_404(Ticket, protocol=data["into"].strip())
            ticket = ticket_merge(duplicate_id=ticket.pk, into_id=into.pk, actor=actor)
        elif action == "public_answer":
            ticket_public_answer_posted(ticket_id=ticket.pk, actor=actor)
        elif action == "escalate":
            ticket_escalate(ticket_id=ticket.pk, actor=actor, reason=data["reason"] or ticket.subject)
        else:
            phone_call_log(
                ticket_id=ticket.pk,
                actor=actor,
                direction=data["call_direction"] or "out",
                duration=timedelta(minutes=data["call_minutes"] or 0),
                outcome=data["call_outcome"] or "follow_up",
                notes=data["reason"],
            )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(action)s: done.") % {"action": TicketActionForm.ACTIONS[action]})
    return _back(ticket)


def ticket_new_view(request: HttpRequest) -> HttpResponse:
    """Open a ticket for a customer who called, or a case a consumer body brought."""
    queues = queue_list_for_agent(user=request.user)
    if not queues:
        raise PermissionDenied
    form = TicketNewForm(request.POST or None, queues=queues, initial={"queue": queues[0].pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        order = (
            Order.objects.filter(number=data["order_number"].strip()).first()
            if data["order_number"]
            else None
        )
        is_body = data["channel"] == Channel.CONSUMER_BODY
        fields = {
            "contact": Contact(
                customer=order.customer if order else None,
                name=data["name"],
                email=data["email"] or (order.email if order else ""),
                phone=data["phone"],
            ),
            "subject": data["subject"],
            "incoming": Incoming(channel=data["channel"], body_text=data["body"]),
            "actor": Actor.staff(request.user),
            "queue_code": data["queue"].code,
            "priority": data["priority"],
            "order": order,
            "external_reference": data["external_reference"] if is_body else "",
            "external_deadline": data["external_deadline"] if is_body else None,
        }
        try:
            if data["channel"] == Channel.PHONE:  # the call that brought it goes on the ticket
                ticket = ticket_open_for_call(
                    direction=data["call_direction"] or PhoneCall.Direction.INBOUND,
                    duration=timedelta(minutes=data["call_minutes"] or 0),
                    outcome=data["call_outcome"] or PhoneCall.Outcome.FOLLOW_UP,
                    **fields,
                )
            else:
                ticket = ticket_open(**fields)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Ticket %(protocol)s opened.") % {"protocol": ticket.protocol})
            return _back(ticket)
    return render(request, "backoffice/support/ticket_new.html", {"form": form})


@require_POST
def support_bulk_view(request: HttpRequest) -> HttpResponse:
    """One move on several tickets of the desk: take them, or change their status. Each
    ticket is moved on its own; those that cannot move are counted and left as they are."""
    ids = [int(value) for value in request.POST.getlist("ticket") if value.isdigit()][:PAGE_SIZE]
    action, status = request.POST.get("action"), request.POST.get("status", "")
    actor = Actor.staff(request.user)
    done = refused = 0
    for ticket in Ticket.objects.filter(pk__in=ids).select_related("queue"):
        if not _may_see(request.user, ticket):
            refused += 1
            continue
        try:
            if action == "take":
                ticket_assign(ticket_id=ticket.pk, assignee=request.user, actor=actor)
            elif action == "status" and status in Ticket.Status.values:
                ticket_move(ticket_id=ticket.pk, to=status, actor=actor)
            else:
                refused += 1
                continue
        except DomainError:
            refused += 1
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext("%(count)d ticket changed.", "%(count)d tickets changed.", done) % {"count": done},
        )
    if refused:
        messages.error(
            request,
            ngettext("%(count)d ticket could not change.", "%(count)d tickets could not change.", refused)
            % {"count": refused},
        )
    queue = (
        TicketQueue.objects.filter(code=request.POST.get("queue", "")).values_list("code", flat=True).first()
    )
    desk = reverse("backoffice:support-desk")
    return redirect(f"{desk}?{urlencode({'queue': queue})}" if queue else desk)


# --- Live chat ----------------------------------------------------------------------------


def chat_list_view(request: HttpRequest) -> HttpResponse:
    """Live chats, the waiting ones first; the list refreshes itself."""
    template = (
        "backoffice/support/_chat_list.html"
        if request.headers.get("HX-Request")
        else "backoffice/support/chat_list.html"
    )
    return render(request, template, {"chats": chat_list_live()})


def chat_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    chat = chat_get_for_agent(chat_id=pk)
    template = (
        "backoffice/support/_chat_messages.html"
        if request.headers.get("HX-Request")
        else "backoffice/support/chat_detail.html"
    )
    return render(request, template, {"chat": chat, "form": ChatSayForm()})


@require_POST
def chat_say_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = ChatSayForm(request.POST)
    if form.is_valid():
        try:
            chat_agent_say(chat_id=pk, actor=Actor.staff(request.user), body=form.cleaned_data["body"])
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Write a message first."))
    return redirect("backoffice:chat-detail", pk=pk)


@require_POST
def chat_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        ticket = chat_close(chat_id=pk, actor=Actor.staff(request.user))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("backoffice:chat-detail", pk=pk)
    messages.success(request, _("The chat was kept as ticket %(protocol)s.") % {"protocol": ticket.protocol})
    return _back(ticket)
