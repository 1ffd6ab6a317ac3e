"""Surveys sent, answered and followed up: NPS some days after delivery, CSAT when a ticket is
resolved, each once; a detractor or a low CSAT opens a ticket for someone to call back."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.actor import Actor
from core.transitions import status_move
from logistics.models import Shipment
from orders.locks import lock_order
from support.locks import lock_ticket
from support.models import Channel, Priority, Ticket
from support.notifications.models import MarketingConsent, Notification
from support.notifications.selectors import contact_preference_get, marketing_allowed
from support.notifications.services import notification_queue
from support.services import Contact, Incoming, ticket_open
from support.services.replies import ticket_note
from support.surveys.exceptions import ScoreOutOfScale, SurveyAlreadyAnswered, SurveyNotAnswered
from support.surveys.locks import lock_survey
from support.surveys.models import ASPECT_SCALE, SURVEY_TRANSITIONS, Survey
from support.surveys.selectors import (
    TICKETS_NOT_SURVEYED,
    order_ids_due_survey,
    survey_links,
    survey_policy,
    ticket_ids_unsurveyed,
)

SURVEY_ACTOR = Actor.job("surveys")
SEND_BATCH = 200
COMMENT_MAX_LENGTH = 2000
ASPECTS = ("product_score", "delivery_score", "packaging_score")


def _first_name(name: str) -> str:
    return name.split()[0] if name.strip() else ""


def _send(*, survey: Survey, to_address: str, first_name: str, about: str, recipient) -> Notification:
    """The survey's message, in the customer's language: by email with the scale as one-click
    links, or on WhatsApp as the approved template pointing to the page of the scale."""
    kind = (
        Notification.Kind.SATISFACTION_SURVEY
        if survey.kind == Survey.Kind.NPS
        else Notification.Kind.TICKET_SURVEY
    )
    links = survey_links(survey=survey)
    context = {
        "survey": survey,
        "order": survey.order,
        "ticket": survey.ticket,
        "first_name": first_name,
        **links,
    }
    whatsapp = survey.channel == Survey.Channel.WHATSAPP
    return notification_queue(
        kind=kind,
        dedup_key=f"survey:{survey.pk}",
        context=context,
        recipient=recipient,
        to_address=to_address,
        language=survey.language,
        channel=Notification.Channel.WHATSAPP if whatsapp else Notification.Channel.EMAIL,
        template=kind if whatsapp else "",
        template_parameters=[first_name, about, links["survey_url"]] if whatsapp else None,
    )


def surveys_send_due(*, now: datetime | None = None) -> int:
    """Send the surveys of one batch of orders delivered long enough ago (the policy's days);
    return how many were sent. Runs periodically and again while a whole batch was sent."""
    policy = survey_policy()
    if not policy.nps_enabled:
        return 0
    due = order_ids_due_survey(now=now or timezone.now(), days=policy.days_after_delivery, limit=SEND_BATCH)
    return sum(1 for order_id in due if order_survey_send(order_id=order_id) is not None)


@transaction.atomic
def order_survey_send(*, order_id: int) -> Survey | None:
    """Ask how the order went, once: on WhatsApp when the customer consented to it, by email
    otherwise. An order already asked returns its survey and sends nothing."""
    order = lock_order(order_id)
    existing = Survey.objects.filter(order=order, kind=Survey.Kind.NPS).first()
    if existing is not None:
        return existing
    preference = contact_preference_get(user=order.customer) if order.customer_id else None
    whatsapp = (
        preference is not None
        and preference.uses_whatsapp
        and marketing_allowed(email=order.email, channel=MarketingConsent.Channel.WHATSAPP)
    )
    if not whatsapp and not marketing_allowed(email=order.email, channel=MarketingConsent.Channel.EMAIL):
        return None  # surveys are marketing: the person withdrew (support.notifications.selectors)
    carrier = (
        Shipment.objects.filter(order=order, status=Shipment.Status.DELIVERED)
        .order_by("-delivered_at", "-pk")
        .values_list("service__carrier", flat=True)
        .first()
    )
    survey = Survey.objects.create(
        kind=Survey.Kind.NPS,
        order=order,
        customer=order.customer,
        channel=Survey.Channel.WHATSAPP if whatsapp else Survey.Channel.EMAIL,
        language=order.language,
        carrier=carrier or "",
    )
    survey.notification = _send(
        survey=survey,
        to_address=preference.whatsapp_phone if whatsapp else order.email,
        first_name=_first_name(order.full_name),
        about=order.number,
        recipient=order.customer,
    )
    survey.save(update_fields=["notification", "updated_at"])
    return survey


def _ticket_address(ticket: Ticket) -> tuple[str, str]:
    """Where a ticket's survey goes: on WhatsApp for a WhatsApp conversation (unless the
    customer withdrew their consent), by email otherwise, or on WhatsApp for a contact known
    only by phone who consented. ("", "") when there is nobody to ask, or when the person
    withdrew consent to marketing on the channel (surveys are marketing:
    support.notifications.selectors)."""
    preference = contact_preference_get(user=ticket.customer) if ticket.customer_id else None
    withdrawn = preference is not None and preference.whatsapp_withdrawn_at is not None
    email = ticket.contact_email or getattr(ticket.customer, "email", "")
    whatsapp_allowed = marketing_allowed(email=email, channel=MarketingConsent.Channel.WHATSAPP)
    if ticket.channel == Channel.WHATSAPP and ticket.contact_phone and not withdrawn and whatsapp_allowed:
        return Survey.Channel.WHATSAPP, ticket.contact_phone
    if email:
        if not marketing_allowed(email=email, channel=MarketingConsent.Channel.EMAIL):
            return "", ""
        return Survey.Channel.EMAIL, email
    if preference is not None and preference.uses_whatsapp:
        return Survey.Channel.WHATSAPP, preference.whatsapp_phone
    return "", ""


def ticket_survey_send(*, ticket_id: int) -> Survey | None:
    """Ask how the service went on a resolved ticket, once per ticket (reopening and resolving
    it again asks nothing more). Tickets the store opened itself or a consumer body brought
    are not surveyed; a ticket reopened before this runs waits for its next resolution."""
    if not survey_policy().csat_enabled:
        return None
    with transaction.atomic():
        ticket = lock_ticket(ticket_id)
        existing = Survey.objects.filter(ticket=ticket, kind=Survey.Kind.CSAT).first()
        if existing is not None:
            return existing
        if ticket.status != Ticket.Status.RESOLVED or ticket.channel in TICKETS_NOT_SURVEYED:
            return None
        channel, address = _ticket_address(ticket)
        if not address:
            return None
        survey = Survey.objects.create(
            kind=Survey.Kind.CSAT,
            ticket=ticket,
            customer=ticket.customer,
            channel=channel,
            language=ticket.language,
            agent=ticket.assignee,
        )
        survey.notification = _send(
            survey=survey,
            to_address=address,
            first_name=_first_name(ticket.contact_name or getattr(ticket.customer, "full_name", "")),
            about=ticket.protocol,
            recipient=ticket.customer,
        )
        survey.save(update_fields=["notification", "updated_at"])
        return survey


def ticket_surveys_reconcile(*, now: datetime | None = None) -> int:
    """Send the surveys of one batch of recently resolved tickets whose task was lost; return
    how many were sent."""
    if not survey_policy().csat_enabled:
        return 0
    due = ticket_ids_unsurveyed(now=now or timezone.now(), limit=SEND_BATCH)
    return sum(1 for ticket_id in due if ticket_survey_send(ticket_id=ticket_id) is not None)


@transaction.atomic
def survey_answer(*, survey_id: int, score: int) -> Survey:
    """Keep the customer's score; the first one counts. A detractor (NPS 0-6) or a low CSAT
    (1-2) opens its follow-up ticket in the same transaction.

    The caller checked the survey is the customer's (its signed link). Raises ScoreOutOfScale
    or SurveyAlreadyAnswered, changing nothing.
    """
    survey = lock_survey(survey_id)
    if survey.is_answered:
        raise SurveyAlreadyAnswered()
    if score not in survey.scale:
        raise ScoreOutOfScale()
    status_move(
        row=survey,
        to=Survey.Status.ANSWERED,
        transitions=SURVEY_TRANSITIONS,
        refused=SurveyAlreadyAnswered(),
        score=score,
        answered_at=timezone.now(),
    )
    if survey.is_low:
        _follow_up_open(survey)
    return survey


@transaction.atomic
def survey_details_add(
    *,
    survey_id: int,
    comment: str = "",
    product_score: int | None = None,
    delivery_score: int | None = None,
    packaging_score: int | None = None,
) -> Survey:
    """Keep the optional comment and, after a delivery, the scores of the product, the delivery
    time and the packaging (1-5), once. A follow-up ticket gets them as a note.

    Raises SurveyNotAnswered, SurveyAlreadyAnswered or ScoreOutOfScale, changing nothing.
    """
    survey = lock_survey(survey_id)
    if not survey.is_answered:
        raise SurveyNotAnswered()
    if survey.details_at is not None:
        raise SurveyAlreadyAnswered()
    aspects = dict(zip(ASPECTS, (product_score, delivery_score, packaging_score), strict=True))
    if survey.kind != Survey.Kind.NPS:
        aspects = dict.fromkeys(ASPECTS)
    low, high = ASPECT_SCALE
    if any(value is not None and not low <= value <= high for value in aspects.values()):
        raise ScoreOutOfScale()
    survey.comment = comment.strip()[:COMMENT_MAX_LENGTH]
    survey.details_at = timezone.now()
    for name, value in aspects.items():
        setattr(survey, name, value)
    survey.save(update_fields=["comment", "details_at", *ASPECTS, "updated_at"])
    if survey.follow_up_ticket_id and (
        survey.comment or any(value is not None for value in aspects.values())
    ):
        ticket_note(ticket_id=survey.follow_up_ticket_id, actor=SURVEY_ACTOR, body_text=_details_note(survey))
    return survey


def _details_note(survey: Survey) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        lines = []
        if survey.comment:
            lines.append(gettext("The customer's comment: %(comment)s") % {"comment": survey.comment})
        aspects = [
            (gettext("product"), survey.product_score),
            (gettext("delivery time"), survey.delivery_score),
            (gettext("packaging"), survey.packaging_score),
        ]
        given = [f"{name} {value}/5" for name, value in aspects if value is not None]
        if given:
            lines.append(gettext("Scores: %(scores)s") % {"scores": ", ".join(given)})
        return "\n".join(lines)


def _follow_up_open(survey: Survey) -> Ticket:
    """The follow-up ticket of a low score, once per survey: high priority, linked to the order
    (or to the first ticket's order), its first note saying the score and, for a CSAT, the first
    ticket. The customer did not write, so no protocol is acknowledged: the agent who calls or
    writes back starts the conversation. Caller holds the survey's lock."""
    if survey.follow_up_ticket_id:
        return survey.follow_up_ticket
    if survey.kind == Survey.Kind.NPS:
        order, first = survey.order, None
        contact = Contact(
            customer=order.customer,
            name=order.full_name,
            email=order.email,
            phone=order.phone,
            language=order.language,
        )
        shipment = None
    else:
        first = survey.ticket
        order, shipment = first.order, first.shipment
        contact = Contact(
            customer=first.customer,
            name=first.contact_name,
            email=first.contact_email,
            phone=first.contact_phone,
            language=first.language,
        )
    with translation.override(survey.language):
        subject = (
            gettext("Your opinion about order %(number)s") % {"number": order.number}
            if first is None
            else gettext("Your opinion about our service on protocol %(protocol)s")
            % {"protocol": first.protocol}
        )
    ticket = ticket_open(
        contact=contact,
        subject=subject,
        incoming=Incoming(channel=Channel.INTERNAL, body_text=""),
        actor=SURVEY_ACTOR,
        priority=Priority.HIGH,
        order=order,
        shipment=shipment,
        incident_key=f"survey:{survey.pk}",
        acknowledge=False,
    )
    survey.follow_up_ticket = ticket
    survey.save(update_fields=["follow_up_ticket", "updated_at"])
    ticket_note(ticket_id=ticket.pk, actor=SURVEY_ACTOR, body_text=_follow_up_note(survey))
    return ticket


def _follow_up_note(survey: Survey) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if survey.kind == Survey.Kind.NPS:
            return gettext(
                "Survey after delivery of order %(number)s: score %(score)s of 10 (detractor). "
                "Call or write to the customer to understand what went wrong."
            ) % {"number": survey.order.number, "score": survey.score}
        first = survey.ticket
        path = reverse("backoffice:ticket-desk-detail", kwargs={"protocol": first.protocol})
        return gettext(
            "Survey after ticket %(protocol)s (%(url)s): score %(score)s of 5, agent %(agent)s. "
            "Call or write to the customer to understand what went wrong."
        ) % {
            "protocol": first.protocol,
            "url": f"{settings.SITE_URL}{path}",
            "score": survey.score,
            "agent": (survey.agent.get_full_name() or survey.agent.email) if survey.agent else "—",
        }
