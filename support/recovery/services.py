"""Winning back lost sales. Reminders go on time, by email or WhatsApp as the customer
agreed, never after the person bought, asked for no more, or the items are gone, and never
more than the weekly limit; their link restores the items at today's prices; telesales log
their calls; and the order that came from a link or a call is counted as recovered."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.actor import Actor
from core.transitions import status_move
from orders.locks import lock_recovery_opportunity
from orders.models import RECOVERY_TRANSITIONS, Order, RecoveryOpportunity
from storefront.catalog.models import Variant
from support.notifications.models import ContactPreference, MarketingConsent, Notification
from support.notifications.selectors import marketing_allowed
from support.notifications.services import (
    marketing_consent_give,
    marketing_consent_withdraw,
    notification_queue,
)
from support.notifications.unsubscribe import unsubscribe_email_read, unsubscribe_headers, unsubscribe_token
from support.recovery.exceptions import RecoveryClosed, RecoveryLinkInvalid, RecoveryTransitionNotAllowed
from support.recovery.models import (
    RecoveryCall,
    RecoveryMessage,
    RecoveryOptOut,
    RecoveryPolicy,
    RecoveryStep,
)
from support.recovery.selectors import recovery_policy

Status = RecoveryOpportunity.Status
Reason = RecoveryOpportunity.CloseReason

DUE_BATCH = 200
WEEK = timedelta(days=7)
# A reminder's link restores the items for a month, and an order placed within a week of
# the click counts as recovered by it.
LINK_MAX_AGE = timedelta(days=30)
ATTRIBUTION_WINDOW = timedelta(days=7)
# Nobody answered: try again a few hours later, not at once.
NO_ANSWER_RETRY = timedelta(hours=3)
LINK_SALT = "recovery-link"
UNSUBSCRIBE_SALT = "recovery-unsubscribe"


def recovery_transition(*, opportunity: RecoveryOpportunity, to: str, **fields) -> RecoveryOpportunity:
    """The one way to change a lost sale's status, along RECOVERY_TRANSITIONS; a closed or
    recovered one sends nothing more. Caller holds its lock. Raises RecoveryTransitionNotAllowed."""
    return status_move(
        row=opportunity,
        to=to,
        transitions=RECOVERY_TRANSITIONS,
        refused=RecoveryTransitionNotAllowed(),
        next_message_at=None,
        **fields,
    )


def _close(opportunity: RecoveryOpportunity, reason: str) -> RecoveryOpportunity:
    return recovery_transition(opportunity=opportunity, to=Status.CLOSED, close_reason=reason)


# Links


def recovery_link(*, opportunity_id: int, step: int) -> str:
    """The absolute link of a reminder, that puts the lost sale's items back in a cart."""
    token = signing.dumps({"o": opportunity_id, "s": step}, salt=LINK_SALT, compress=True)
    return settings.SITE_URL + reverse("cart:cart-recover", kwargs={"token": token})


def recovery_unsubscribe_link(*, email: str) -> str:
    token = unsubscribe_token(email=email, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("recovery:recovery-unsubscribe", kwargs={"token": token})


@dataclass(frozen=True)
class LinkOpened:
    opportunity: RecoveryOpportunity
    step: int


def recovery_link_read(*, token: str) -> LinkOpened:
    """The lost sale and reminder a link names. Raises RecoveryLinkInvalid for a link that
    was changed, is too old, or names nothing."""
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
        opportunity = RecoveryOpportunity.objects.get(pk=int(payload["o"]))
        return LinkOpened(opportunity=opportunity, step=int(payload["s"]))
    except (signing.BadSignature, RecoveryOpportunity.DoesNotExist, KeyError, TypeError, ValueError) as error:
        raise RecoveryLinkInvalid() from error


def recovery_email_read(*, token: str) -> str:
    """The address an unsubscribe link names. Raises RecoveryLinkInvalid."""
    try:
        return unsubscribe_email_read(token=token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise RecoveryLinkInvalid() from error


def recovery_lines_for_sale(*, opportunity: RecoveryOpportunity) -> list[tuple[Variant, int]]:
    """The lost sale's items still for sale and in stock, with the quantity wanted."""
    wanted = {int(variant_id): int(quantity) for variant_id, quantity in opportunity.lines}
    variants = (
        Variant.objects.filter(pk__in=wanted, is_active=True, product__is_published=True, stock_online__gt=0)
        .select_related("product")
        .prefetch_related("attribute_values")
        .order_by("pk")
    )
    return [(variant, wanted[variant.pk]) for variant in variants]


@transaction.atomic
def recovery_click_record(*, opportunity_id: int, step: int, now: datetime | None = None) -> None:
    """Someone opened a reminder's link: the first time counts, for the reminder and the lost sale."""
    now = now or timezone.now()
    RecoveryOpportunity.objects.filter(pk=opportunity_id, clicked_at__isnull=True).update(clicked_at=now)
    RecoveryMessage.objects.filter(opportunity_id=opportunity_id, step=step, clicked_at__isnull=True).update(
        clicked_at=now
    )


# Reminders


def _has_bought_since(opportunity: RecoveryOpportunity) -> bool:
    person = Q(email=opportunity.email)  # orders keep the address lowercased, as lost sales do
    if opportunity.customer_id:
        person |= Q(customer_id=opportunity.customer_id)
    if opportunity.cart_token:
        person |= Q(cart_token=opportunity.cart_token)
    return (
        Order.objects.filter(person, placed_at__gte=opportunity.lost_at)
        .exclude(channel=Order.Channel.EXCHANGE)
        .exclude(pk=opportunity.order_id)
        .exists()
    )


def _is_opted_out(email: str) -> bool:
    """The person asked for no more reminders, or withdrew consent to marketing by email (the
    reminders are marketing: see support.notifications.selectors)."""
    return RecoveryOptOut.objects.filter(
        email=email.lower(), opted_back_in_at__isnull=True
    ).exists() or not marketing_allowed(email=email, channel=MarketingConsent.Channel.EMAIL)


def _stop_reason(opportunity: RecoveryOpportunity, *, lines: list[tuple[Variant, int]]) -> str:
    if _has_bought_since(opportunity):
        return Reason.PURCHASED
    if _is_opted_out(opportunity.email):
        return Reason.OPTED_OUT
    if not lines:
        return Reason.ITEMS_GONE
    return ""


def recovery_reminders_send_due(*, now: datetime | None = None) -> int:
    """Move one batch of open lost sales whose next reminder is due; return how many were
    looked at (a full batch means more may be waiting)."""
    now = now or timezone.now()
    due_ids = list(
        RecoveryOpportunity.objects.filter(status=Status.OPEN, next_message_at__lte=now)
        .order_by("next_message_at")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )
    for opportunity_id in due_ids:
        with transaction.atomic():
            recovery_advance(opportunity_id=opportunity_id, now=now)
    return len(due_ids)


def recovery_advance(*, opportunity_id: int, now: datetime) -> RecoveryOpportunity:
    """Send the lost sale's reminder that is due, or close it when the person bought, asked
    for no more or the items are gone, or when its time ran out; then note when to look
    again. A reminder overtaken by the next one's time is skipped, so a late run never sends
    two at once. Must run inside the caller's transaction."""
    opportunity = lock_recovery_opportunity(opportunity_id)
    due_at = opportunity.next_message_at
    if opportunity.status != Status.OPEN or due_at is None or due_at > now:
        return opportunity  # done by an earlier run
    lines = recovery_lines_for_sale(opportunity=opportunity)
    reason = _stop_reason(opportunity, lines=lines)
    if reason:
        return _close(opportunity, reason)
    policy = recovery_policy()
    steps = list(
        RecoveryStep.objects.filter(
            sequence__kind=opportunity.kind, sequence__is_active=True, position__gte=opportunity.next_step
        ).order_by("position")
    )
    due = [step for step in steps if opportunity.lost_at + step.delay <= now]
    later = [step for step in steps if opportunity.lost_at + step.delay > now]
    give_up_at = opportunity.lost_at + policy.give_up_after
    if not due:
        if not later and now >= give_up_at:
            return _close(opportunity, Reason.RAN_OUT)
        opportunity.next_message_at = opportunity.lost_at + later[0].delay if later else give_up_at
        opportunity.save(update_fields=["next_message_at", "updated_at"])
        return opportunity
    free_at = _weekly_limit_free_at(email=opportunity.email, policy=policy, now=now)
    if free_at is not None:
        opportunity.next_message_at = free_at
        opportunity.save(update_fields=["next_message_at", "updated_at"])
        return opportunity
    _reminder_send(opportunity=opportunity, step=due[-1], lines=lines)
    opportunity.next_step = due[-1].position + 1
    opportunity.next_message_at = opportunity.lost_at + later[0].delay if later else max(give_up_at, now)
    opportunity.save(update_fields=["next_step", "next_message_at", "updated_at"])
    return opportunity


def _weekly_limit_free_at(*, email: str, policy: RecoveryPolicy, now: datetime) -> datetime | None:
    """When the person may get another reminder, if the weekly limit holds them back now."""
    sent = list(
        RecoveryMessage.objects.filter(email=email.lower(), created_at__gt=now - WEEK)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: policy.weekly_limit]
    )
    if len(sent) < policy.weekly_limit:
        return None
    return sent[-1] + WEEK  # the oldest of the last `weekly_limit` leaves the window


def _whatsapp_phone(opportunity: RecoveryOpportunity) -> str:
    """The number a WhatsApp reminder goes to: the customer's for WhatsApp, unless they withdrew
    consent to marketing on WhatsApp ("": the reminder goes by email)."""
    preference = ContactPreference.objects.filter(user_id=opportunity.customer_id).first()
    if preference is None or not preference.uses_whatsapp:
        return ""
    if not marketing_allowed(email=opportunity.email, channel=MarketingConsent.Channel.WHATSAPP):
        return ""
    return preference.whatsapp_phone


def _reminder_send(
    *, opportunity: RecoveryOpportunity, step: RecoveryStep, lines: list[tuple[Variant, int]]
) -> RecoveryMessage:
    with override(opportunity.language):
        first_name = opportunity.name.split()[0] if opportunity.name.strip() else _("customer")
    subject, words = step.words(opportunity.language)
    message = words.replace("{name}", first_name)
    link = recovery_link(opportunity_id=opportunity.pk, step=step.position)
    unsubscribe = recovery_unsubscribe_link(email=opportunity.email)
    phone = _whatsapp_phone(opportunity) if step.channel == RecoveryStep.Channel.WHATSAPP else ""
    notification = notification_queue(
        kind=Notification.Kind.SALES_RECOVERY,
        dedup_key=f"{Notification.Kind.SALES_RECOVERY}:{opportunity.pk}:{step.position}",
        recipient=opportunity.customer,
        to_address=phone or opportunity.email,
        language=opportunity.language,
        channel=Notification.Channel.WHATSAPP if phone else Notification.Channel.EMAIL,
        template="sales_recovery" if phone else "",
        template_parameters=[first_name, message, link] if phone else None,
        headers=unsubscribe_headers(url=unsubscribe),
        context={
            "subject": subject,
            "message": message,
            "first_name": first_name,
            "lines": lines,
            "restore_url": link,
            "unsubscribe_url": unsubscribe,
        },
    )
    return RecoveryMessage.objects.get_or_create(
        opportunity=opportunity,
        step=step.position,
        defaults={"email": opportunity.email.lower(), "notification": notification},
    )[0]


# Opting out

# How an opt-out of the reminders was asked, as the marketing consent records it.
CONSENT_SOURCES = {
    RecoveryOptOut.Source.LINK: MarketingConsent.Source.UNSUBSCRIBE_LINK,
    RecoveryOptOut.Source.MAIL_CLIENT: MarketingConsent.Source.MAIL_CLIENT,
    RecoveryOptOut.Source.WHATSAPP: MarketingConsent.Source.WHATSAPP_REPLY,
    RecoveryOptOut.Source.STAFF: MarketingConsent.Source.STAFF,
}


@transaction.atomic
def recovery_opt_out(*, email: str, source: str, now: datetime | None = None) -> RecoveryOptOut | None:
    """The person asks for no more recovery reminders: kept as their consent record, and
    every lost sale of theirs stops at once. An address the store never reminded of
    anything is not recorded (the caller answers the same either way)."""
    now, email = now or timezone.now(), email.lower()
    # The link or reply came from a message of ours: the withdrawal of consent to marketing is
    # kept whatever the lost sales (on both channels when asked on WhatsApp, where it was asked).
    channels = [MarketingConsent.Channel.EMAIL]
    if source == RecoveryOptOut.Source.WHATSAPP:
        channels.append(MarketingConsent.Channel.WHATSAPP)
    for channel in channels:
        marketing_consent_withdraw(email=email, channel=channel, source=CONSENT_SOURCES[source])
    opportunities = RecoveryOpportunity.objects.filter(email=email)
    if not opportunities.exists():
        return None
    opt_out, created = RecoveryOptOut.objects.select_for_update().get_or_create(
        email=email,
        defaults={
            "source": source,
            "opted_out_at": now,
            "customer_id": opportunities.exclude(customer=None).values_list("customer", flat=True).first(),
        },
    )
    if not created and not opt_out.is_in_force:
        opt_out.source, opt_out.opted_out_at, opt_out.opted_back_in_at = source, now, None
        opt_out.save(update_fields=["source", "opted_out_at", "opted_back_in_at", "updated_at"])
    for opportunity_id in opportunities.filter(status=Status.OPEN).values_list("pk", flat=True):
        _close(lock_recovery_opportunity(opportunity_id), Reason.OPTED_OUT)
    return opt_out


def recovery_opt_out_whatsapp(*, phone: str) -> int:
    """The person at a WhatsApp number replied to stop the reminders: every customer who gave
    the store that number for WhatsApp opts out; return how many."""
    emails = ContactPreference.objects.filter(whatsapp_phone=phone).values_list("user__email", flat=True)
    return sum(
        recovery_opt_out(email=email, source=RecoveryOptOut.Source.WHATSAPP) is not None for email in emails
    )


@transaction.atomic
def recovery_opt_in(*, email: str, now: datetime | None = None) -> RecoveryOptOut | None:
    """The person takes their opt-out back; lost sales it stopped stay closed."""
    marketing_consent_give(
        email=email, channel=MarketingConsent.Channel.EMAIL, source=MarketingConsent.Source.UNSUBSCRIBE_LINK
    )
    opt_out = RecoveryOptOut.objects.select_for_update().filter(email=email.lower()).first()
    if opt_out is not None and opt_out.is_in_force:
        opt_out.opted_back_in_at = now or timezone.now()
        opt_out.save(update_fields=["opted_back_in_at", "updated_at"])
    return opt_out


# Calls and orders


@transaction.atomic
def recovery_call_log(
    *,
    opportunity_id: int,
    actor: Actor,
    outcome: str,
    notes: str = "",
    call_back_at: datetime | None = None,
    now: datetime | None = None,
) -> RecoveryCall:
    """A telesales agent says how a call went. Not interested closes the lost sale; a wrong
    number takes it off the call list (reminders go on by email); no answer or a call back
    puts it back on the list later. Raises PermissionMissing or RecoveryClosed."""
    actor.require_perm("orders.work_recovery_calls")
    now = now or timezone.now()
    opportunity = lock_recovery_opportunity(opportunity_id)
    if opportunity.status != Status.OPEN:
        raise RecoveryClosed()
    call = RecoveryCall.objects.create(
        opportunity=opportunity, agent=actor.user, outcome=outcome, notes=notes, call_back_at=call_back_at
    )
    Outcome = RecoveryCall.Outcome
    if outcome == Outcome.NOT_INTERESTED:
        _close(opportunity, Reason.NOT_INTERESTED)
    elif outcome == Outcome.WRONG_NUMBER:
        opportunity.phone = ""
        opportunity.save(update_fields=["phone", "updated_at"])
    elif outcome in (Outcome.NO_ANSWER, Outcome.CALL_BACK):
        opportunity.call_after = call_back_at or now + NO_ANSWER_RETRY
        opportunity.save(update_fields=["call_after", "updated_at"])
    return call


@transaction.atomic
def recovery_order_placed(
    *,
    order: Order,
    opportunity_id: int | None = None,
    step: int | None = None,
    agent=None,
    clicked_at: datetime | None = None,
) -> RecoveryOpportunity | None:
    """An order was placed. The lost sale it came from, through a reminder's link clicked
    within the attribution window or through an agent's call, is recovered with the order's
    value; the person's other open lost sales stop, since they bought. Returns the one
    recovered, if any. Placing the same order twice changes nothing more."""
    recovered = None
    now = timezone.now()
    by_link = clicked_at is not None and now - clicked_at <= ATTRIBUTION_WINDOW
    if opportunity_id is not None and (by_link or agent is not None):
        opportunity = lock_recovery_opportunity(opportunity_id)
        if opportunity.status != Status.RECOVERED and opportunity.order_id != order.pk:
            recovered = recovery_transition(
                opportunity=opportunity,
                to=Status.RECOVERED,
                recovered_at=now,
                recovered_order=order,
                recovered_value=order.grand_total,
                recovered_via=RecoveryOpportunity.Via.CALL if agent else RecoveryOpportunity.Via.LINK,
                recovered_step=None if agent else step,
                recovered_by=agent,
            )
            if agent is not None:
                RecoveryCall.objects.create(
                    opportunity=opportunity, agent=agent, outcome=RecoveryCall.Outcome.ORDER_PLACED
                )
    person = Q(email=order.email.lower())
    if order.customer_id:
        person |= Q(customer_id=order.customer_id)
    open_ids = RecoveryOpportunity.objects.filter(person, status=Status.OPEN).values_list("pk", flat=True)
    for other_id in open_ids:
        _close(lock_recovery_opportunity(other_id), Reason.PURCHASED)
    return recovered
