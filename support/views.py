"""The storefront's Help area: write to the store, follow your tickets and answer them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.actor import Actor
from core.exceptions import DomainError
from inbox.views import signed_notice_response
from support.channels.whatsapp import WHATSAPP_SENDER
from support.forms import ChatSayForm, ChatStartForm, ContactForm, EscalateForm, ReplyForm
from support.models import Channel, Message, Ticket
from support.selectors import (
    attachment_get,
    chat_get_for_visitor,
    order_for_contact,
    order_numbers_for_customer,
    ticket_access_token,
    ticket_get_for_customer,
    ticket_get_for_guest,
    ticket_list_for_customer,
)
from support.services import (
    Contact,
    Incoming,
    can_customer_escalate,
    ticket_customer_message,
    ticket_escalate,
    ticket_open,
)
from support.services.chat import chat_start, chat_visitor_say

TICKETS_PAGE_SIZE = 10
# Query budgets, asserted in tests/support/test_views.py.
TICKET_LIST_QUERIES = 5  # session, user, count, page, navigation
TICKET_DETAIL_QUERIES = 7  # session, user, ticket, messages, attachments, escalations, navigation


def _customer(request: HttpRequest):
    return request.user if request.user.is_authenticated and not request.user.is_staff else None


def _ticket_link(ticket: Ticket, *, signed_in: bool) -> str:
    url = reverse("support:ticket-detail", kwargs={"protocol": ticket.protocol})
    return url if signed_in else f"{url}?t={ticket_access_token(ticket=ticket)}"


@never_cache
def help_view(request: HttpRequest) -> HttpResponse:
    """The contact form: a new ticket, its protocol given at once."""
    customer = _customer(request)
    orders = order_numbers_for_customer(customer=customer) if customer else []
    initial = {"order": request.GET.get("pedido", ""), "order_number": request.GET.get("pedido", "")}
    form = ContactForm(
        request.POST or None, request.FILES or None, customer=customer, orders=orders, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if customer:
            contact = Contact(customer=customer, phone=data["phone"])
            order = order_for_contact(number=data["order"], customer=customer) if data["order"] else None
        else:
            contact = Contact(name=data["name"], email=data["email"], phone=data["phone"])
            order = (
                order_for_contact(number=data["order_number"], email=data["email"])
                if data["order_number"]
                else None
            )
        try:
            ticket = ticket_open(
                contact=contact,
                subject=data["subject"],
                incoming=Incoming(channel=Channel.WEB, body_text=data["body"], files=data["files"]),
                actor=Actor.customer(customer),
                order=order,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("We received your message. Your protocol number is %(protocol)s.")
                % {"protocol": ticket.protocol},
            )
            return redirect(_ticket_link(ticket, signed_in=customer is not None))
    return render(request, "support/help.html", {"form": form, "customer": customer})


@login_required
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(ticket_list_for_customer(customer=request.user), TICKETS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "support/ticket_list.html", {"page": page})


def _ticket_for_request(request: HttpRequest, protocol: str) -> tuple[Ticket, bool]:
    """The ticket the visitor may see: their own when signed in, or the one their signed
    link names. Anything else is not found."""
    token = request.GET.get("t", "")
    if token:
        return ticket_get_for_guest(protocol=protocol, token=token), False
    if not request.user.is_authenticated:
        raise Http404("No such ticket.")
    return ticket_get_for_customer(customer=request.user, protocol=protocol), True


@never_cache
def ticket_detail_view(request: HttpRequest, protocol: str) -> HttpResponse:
    """The whole conversation, and the customer's reply."""
    ticket, signed_in = _ticket_for_request(request, protocol)
    if ticket.merged_into_id:
        return redirect(_ticket_link(ticket.merged_into, signed_in=signed_in))
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket_customer_message(
                ticket_id=ticket.pk,
                incoming=Incoming(
                    channel=Channel.WEB, body_text=form.cleaned_data["body"], files=form.cleaned_data["files"]
                ),
                actor=Actor.customer(request.user if signed_in else None),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect(request.get_full_path())
    return render(
        request,
        "support/ticket_detail.html",
        {
            "ticket": ticket,
            "form": form,
            "escalate_form": EscalateForm()
            if can_customer_escalate(ticket) and not ticket.escalation_list
            else None,
            "token": request.GET.get("t", ""),
        },
    )


@require_POST
def ticket_escalate_view(request: HttpRequest, protocol: str) -> HttpResponse:
    """The customer takes an answered or late case to the ombudsman."""
    ticket, signed_in = _ticket_for_request(request, protocol)
    form = EscalateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell us why the answer is not enough."))
        return redirect(_ticket_link(ticket, signed_in=signed_in))
    try:
        case = ticket_escalate(
            ticket_id=ticket.pk,
            actor=Actor.customer(request.user if signed_in else None),
            reason=form.cleaned_data["reason"],
            by_customer=True,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_ticket_link(ticket, signed_in=signed_in))
    messages.success(
        request,
        _("Your case went to our ombudsman. Its protocol number is %(protocol)s.")
        % {"protocol": case.protocol},
    )
    return redirect(_ticket_link(case, signed_in=signed_in))


def attachment_view(request: HttpRequest, token: str) -> FileResponse:
    """A file of a conversation, to the ticket's customer (signed in or through the ticket's
    signed link) and to staff who see tickets; nobody else learns it exists."""
    attachment = attachment_get(token=token)
    message = attachment.message
    ticket = message.ticket
    is_staff = (
        request.user.is_authenticated
        and request.user.is_staff
        and request.user.has_perm("support.view_ticket")
    )
    if not is_staff:
        if message.direction == Message.Direction.NOTE:
            raise Http404("No such file.")
        ticket_token = request.GET.get("t", "")
        if ticket_token:
            ticket_get_for_guest(protocol=ticket.protocol, token=ticket_token)
        elif not (request.user.is_authenticated and ticket.customer_id == request.user.pk):
            raise Http404("No such file.")
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # the provider signs its calls instead
@require_http_methods(["GET", "POST"])
def whatsapp_webhook_view(request: HttpRequest, provider: str) -> HttpResponse:
    """The WhatsApp provider's webhook: GET is its subscription handshake (echo the challenge
    when the verify token matches), POST its signed calls, taken by the store's inbox."""
    if request.method == "GET":
        token = request.GET.get("hub.verify_token", "")
        if request.GET.get("hub.mode") != "subscribe" or not constant_time_compare(
            token, settings.STORE_WHATSAPP_VERIFY_TOKEN
        ):
            return HttpResponse("forbidden", status=403, content_type="text/plain")
        return HttpResponse(request.GET.get("hub.challenge", "")[:200], content_type="text/plain")
    return signed_notice_response(request, sender=WHATSAPP_SENDER.name, provider=provider)


# --- Live chat --------------------------------------------------------------------------

CHAT_SESSION_KEY = "support_chat"


def _chat_panel(request: HttpRequest, chat, form=None) -> HttpResponse:
    return render(
        request,
        "support/_chat_panel.html",
        {
            "chat": chat,
            "form": form or (ChatSayForm() if chat else _chat_start_form(request)),
            "bot_answers": "chat" in settings.STORE_SUPPORT_BOT_CHANNELS,  # support/bot
        },
    )


def _chat_start_form(request: HttpRequest, data=None) -> ChatStartForm:
    customer = _customer(request)
    initial = {"name": customer.full_name, "email": customer.email} if customer else {}
    return ChatStartForm(data, initial=initial)


@never_cache
@require_http_methods(["GET", "POST"])
def chat_view(request: HttpRequest) -> HttpResponse:
    """The chat box's content: the start form, or the visitor's conversation."""
    chat = chat_get_for_visitor(token=request.session.get(CHAT_SESSION_KEY, ""))
    if request.method == "GET" or chat is not None:
        return _chat_panel(request, chat)
    form = _chat_start_form(request, request.POST)
    if not form.is_valid():
        return _chat_panel(request, None, form)
    data = form.cleaned_data
    chat = chat_start(name=data["name"], email=data["email"], body=data["body"], customer=_customer(request))
    request.session[CHAT_SESSION_KEY] = chat.token
    return _chat_panel(request, chat_get_for_visitor(token=chat.token))


@never_cache
def chat_messages_view(request: HttpRequest) -> HttpResponse:
    """The conversation, polled while the chat box is open."""
    chat = chat_get_for_visitor(token=request.session.get(CHAT_SESSION_KEY, ""))
    if chat is None:
        raise Http404("No chat.")
    return render(request, "support/_chat_messages.html", {"chat": chat})


@never_cache
@require_POST
def chat_say_view(request: HttpRequest) -> HttpResponse:
    chat = chat_get_for_visitor(token=request.session.get(CHAT_SESSION_KEY, ""))
    if chat is None:
        raise Http404("No chat.")
    form = ChatSayForm(request.POST)
    if form.is_valid():
        try:
            chat_visitor_say(chat_id=chat.pk, body=form.cleaned_data["body"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            form = ChatSayForm()
    return _chat_panel(request, chat_get_for_visitor(token=chat.token), form)
