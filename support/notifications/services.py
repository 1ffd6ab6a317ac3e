import smtplib
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.actor import Actor
from core.transitions import status_move
from support.notifications.adapters.whatsapp import (
    WhatsAppRefused,
    WhatsAppUnavailable,
    template_text,
    whatsapp_gateway,
)
from support.notifications.exceptions import NotificationDeliveryFailed, NotificationTransitionNotAllowed
from support.notifications.locks import lock_notification
from support.notifications.models import (
    NOTIFICATION_TRANSITIONS,
    ContactPreference,
    MarketingConsent,
    Notification,
)
from support.notifications.tasks import notification_deliver as notification_deliver_task

# A pending message untouched for longer than the longest retry wait (two minutes) was lost
# on its way to a worker, or never reached the broker: enqueue it again. Soon enough for a
# Pix code, payable for 30 minutes, to arrive in time.
RECONCILE_AFTER = timedelta(minutes=4)
RECONCILE_BATCH = 200


def _render(*, kind: str, language: str, context: dict, channel: str) -> tuple[str, str, str]:
    context = {"store_name": settings.SITE_NAME, **context}
    with translation.override(language):
        subject = render_to_string(f"notifications/email/{kind}_subject.txt", context)
        if channel == Notification.Channel.WHATSAPP:  # plain text, no HTML
            text = render_to_string(f"notifications/whatsapp/{kind}.txt", context)
            return " ".join(subject.split())[:200], text.strip(), ""
        text = render_to_string(f"notifications/email/{kind}_body.txt", context)
        html = render_to_string(f"notifications/email/{kind}_body.html", context)
    return " ".join(subject.split()), text.strip() + "\n", html


def notification_queue(
    *,
    kind: str,
    dedup_key: str,
    context: dict,
    recipient=None,
    to_address: str = "",
    language: str = "",
    headers: dict[str, str] | None = None,
    channel: str = Notification.Channel.EMAIL,
    template: str = "",
    template_parameters: list[str] | None = None,
) -> Notification:
    """Render a message in the recipient's language, log it and deliver it after commit, by
    email or WhatsApp (`to_address` is then the phone; with `template`, the provider's
    approved template is sent with `template_parameters`, as outside the 24-hour window).

    Queuing the same `dedup_key` twice returns the first message and sends nothing more.
    """
    language = language or getattr(recipient, "language", "") or settings.LANGUAGE_CODE
    preference = _whatsapp_preference(recipient) if channel == Notification.Channel.EMAIL else None
    rendered = partial(_render, kind=kind, language=language, context=context)
    if preference is not None and kind in WHATSAPP_NOTICES:
        # The customer chose WhatsApp: the store writes first, so only an approved template goes,
        # with one link: the page the message is about (a return's own page, not its order's).
        link = (
            context.get("return_url")
            or context.get("order_url")
            or context.get("ticket_url")
            or settings.SITE_URL
        )
        channel, to_address = Notification.Channel.WHATSAPP, preference.whatsapp_phone
        template = "order_update"
        template_parameters = [rendered(channel=Notification.Channel.EMAIL)[0], link]
    if template:  # the provider's approved words, under the subject the email would have had
        subject = rendered(channel=Notification.Channel.EMAIL)[0]
        body_text = template_text(name=template, language=language, parameters=template_parameters or [])
        body_html = ""
    else:
        subject, body_text, body_html = rendered(channel=channel)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            dedup_key=dedup_key,
            defaults={
                "kind": kind,
                "recipient": recipient,
                "to_address": to_address or recipient.email,
                "language": language,
                "subject": subject,
                "body_text": body_text,
                "body_html": body_html,
                "headers": headers or {},
                "channel": channel,
                "template": template,
                "template_parameters": template_parameters or [],
            },
        )
        if created:
            notification_deliver_task.delay_on_commit(notification_id=notification.pk)
    return notification


# What a customer who chose WhatsApp gets there instead of by email.
WHATSAPP_NOTICES = frozenset(
    {
        Notification.Kind.ORDER_RECEIVED,
        Notification.Kind.PAYMENT_CONFIRMED,
        Notification.Kind.PAYMENT_EXPIRED,
        Notification.Kind.ORDER_CANCELLED,
        Notification.Kind.SHIPMENT_SHIPPED,
        Notification.Kind.SHIPMENT_NEWS,
        Notification.Kind.LATE_PAYMENT_REFUND,
        Notification.Kind.RETURN_UPDATE,
        Notification.Kind.STORE_CREDIT,
    }
)


def _whatsapp_preference(recipient) -> ContactPreference | None:
    if recipient is None or getattr(recipient, "pk", None) is None:
        return None
    preference = ContactPreference.objects.filter(user_id=recipient.pk).first()
    return preference if preference is not None and preference.uses_whatsapp else None


@transaction.atomic
def whatsapp_consent_set(*, user, phone: str, consent: bool) -> ContactPreference:
    """The customer gives (with the number) or withdraws consent to get order updates on
    WhatsApp; each is kept with its time."""
    preference, _created = ContactPreference.objects.select_for_update().get_or_create(user=user)
    now = timezone.now()
    if consent:
        preference.whatsapp_phone, preference.whatsapp_consent_at, preference.whatsapp_withdrawn_at = (
            phone,
            now,
            None,
        )
    elif preference.whatsapp_consent_at and not preference.whatsapp_withdrawn_at:
        preference.whatsapp_withdrawn_at = now
    preference.save()
    return preference


def notification_transition(
    *, notification: Notification, to: str, update_fields: tuple[str, ...] = ()
) -> None:
    """The one way to change `Notification.status`. Caller must hold the notification lock."""
    refused = NotificationTransitionNotAllowed()
    assigned = {name: getattr(notification, name) for name in update_fields}  # set by the caller
    status_move(row=notification, to=to, transitions=NOTIFICATION_TRANSITIONS, refused=refused, **assigned)


def _email_send(notification: Notification) -> None:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_address],
        headers=notification.headers or None,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    message.send()


def _whatsapp_send(notification: Notification) -> str:
    gateway = whatsapp_gateway()
    if notification.template:
        return gateway.send_template(
            to=notification.to_address,
            name=notification.template,
            language=notification.language,
            parameters=notification.template_parameters,
        )
    return gateway.send_text(to=notification.to_address, body=notification.body_text)


def _is_permanent(error: Exception) -> bool:
    """The mail server or the WhatsApp provider refused the message for good (5xx, outside
    the window): retrying cannot help."""
    if isinstance(error, WhatsAppRefused | smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


# Messages whose body is a key (a password reset link): once sent, the log keeps that it went,
# not the key, so nobody who reads the log can use it.
SECRET_KINDS = frozenset({Notification.Kind.PASSWORD_RESET})

# The notice that a person's data was erased goes to the address they had, the last thing the
# store knows of them: once sent or given up, the log keeps that it went, not where.
ERASED_RECIPIENT_KINDS = frozenset({Notification.Kind.ERASURE_DONE})


def _address_forget(notification: Notification) -> None:
    """Put the recipient's account address (anonymised by then) in place of the one the message
    went to, in the log and in any error that quotes it. Sets fields; the caller saves them."""
    old = notification.to_address
    recipient = notification.recipient
    new = recipient.email if recipient is not None and recipient.email != old else ""
    notification.to_address = new
    notification.headers = {}
    if old:
        notification.last_error = notification.last_error.replace(old, new)


def notification_deliver(*, notification_id: int) -> Notification:
    """Send a pending message once; a message already sent or given up is left alone.

    A permanent refusal fails the message at once. Raises NotificationDeliveryFailed (after
    recording the attempt) when the mail server is unreachable or answers "try later".
    """
    try:
        with transaction.atomic():
            notification = lock_notification(notification_id)
            if notification.status != Notification.Status.PENDING:
                return notification
            if notification.channel == Notification.Channel.WHATSAPP:
                notification.external_id = _whatsapp_send(notification)
            else:
                _email_send(notification)
            notification.attempts += 1
            notification.sent_at = timezone.now()
            notification.last_error = ""
            if notification.kind in SECRET_KINDS:
                notification.body_text = gettext("Not kept: the message held a link that opens the account.")
                notification.body_html = ""
            if notification.kind in ERASED_RECIPIENT_KINDS:
                _address_forget(notification)
            notification_transition(
                notification=notification,
                to=Notification.Status.SENT,
                update_fields=(
                    "attempts",
                    "sent_at",
                    "last_error",
                    "external_id",
                    "body_text",
                    "body_html",
                    "to_address",
                    "headers",
                ),
            )
            return notification
    except (smtplib.SMTPException, OSError, WhatsAppUnavailable, WhatsAppRefused) as error:
        notification = _notification_record_attempt(
            notification_id=notification_id,
            error=str(error) or type(error).__name__,
            give_up=_is_permanent(error),
        )
        if notification.status == Notification.Status.FAILED:
            return notification
        raise NotificationDeliveryFailed() from error


@transaction.atomic
def _notification_record_attempt(*, notification_id: int, error: str, give_up: bool) -> Notification:
    notification = lock_notification(notification_id)
    notification.attempts += 1
    notification.last_error = error[:2000]
    if give_up:
        if notification.kind in ERASED_RECIPIENT_KINDS:
            _address_forget(notification)
        notification_transition(
            notification=notification,
            to=Notification.Status.FAILED,
            update_fields=("attempts", "last_error", "to_address", "headers"),
        )
    else:
        notification.save(update_fields=["attempts", "last_error", "updated_at"])
    return notification


@transaction.atomic
def notification_fail(*, notification_id: int) -> Notification:
    """Give up on a message after its last retry; it shows in the back office as failed."""
    notification = lock_notification(notification_id)
    if notification.status == Notification.Status.PENDING:
        if notification.kind in ERASED_RECIPIENT_KINDS:
            _address_forget(notification)
        notification_transition(
            notification=notification,
            to=Notification.Status.FAILED,
            update_fields=("last_error", "to_address", "headers"),
        )
    return notification


@transaction.atomic
def notification_retry(*, notification_id: int, actor: Actor) -> Notification:
    """Staff send a failed message again. Raises PermissionMissing or NotificationTransitionNotAllowed
    (also for the notice of an erasure: the address it was for is forgotten)."""
    actor.require_perm("notifications.retry_notification")
    notification = lock_notification(notification_id)
    if notification.kind in ERASED_RECIPIENT_KINDS:
        raise NotificationTransitionNotAllowed()
    notification_transition(notification=notification, to=Notification.Status.PENDING)
    notification_deliver_task.delay_on_commit(notification_id=notification.pk)
    return notification


def notification_reconcile(*, after_id: int = 0) -> int | None:
    """Enqueue again one batch of messages stuck in pending; return the last id when more may remain."""
    stuck_ids = list(
        Notification.objects.filter(
            status=Notification.Status.PENDING,
            updated_at__lt=timezone.now() - RECONCILE_AFTER,
            pk__gt=after_id,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )
    for notification_id in stuck_ids:
        notification_deliver_task.delay(notification_id=notification_id)
    return stuck_ids[-1] if len(stuck_ids) == RECONCILE_BATCH else None


@transaction.atomic
def notification_channel_news(
    *, external_id: str, news: str, at=None, error: str = ""
) -> Notification | None:
    """What the channel later says of a message it took: delivered, read, or failed after
    all. Unknown ids (a message sent by someone else) change nothing; returns the message."""
    notification = Notification.objects.select_for_update().filter(external_id=external_id).first()
    if notification is None:
        return None
    at = at or timezone.now()
    if news in ("delivered", "read") and notification.delivered_at is None:
        notification.delivered_at = at
    if news == "read" and notification.read_at is None:
        notification.read_at = at
    notification.save(update_fields=["delivered_at", "read_at", "updated_at"])
    if news == "failed" and notification.status == Notification.Status.SENT:
        notification.last_error = error[:2000] or "failed"
        notification_transition(
            notification=notification, to=Notification.Status.FAILED, update_fields=("last_error",)
        )
    return notification


@transaction.atomic
def marketing_consent_set(
    *, email: str, channel: str, is_given: bool, source: str, user=None, recorded_by: str = ""
) -> MarketingConsent:
    """Record that the person gave or withdrew consent to marketing on a channel, with how.
    The history only grows; the same answer again records nothing and returns the change in
    force. Raises ValueError for an unknown channel or source, or no address."""
    email = email.strip().lower()
    if (
        not email
        or channel not in MarketingConsent.Channel.values
        or source not in MarketingConsent.Source.values
    ):
        raise ValueError(f"Cannot record marketing consent: {email!r} {channel!r} {source!r}")
    latest = (
        MarketingConsent.objects.select_for_update()
        .filter(email=email, channel=channel)
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is not None and latest.is_given == is_given:
        return latest
    return MarketingConsent.objects.create(
        email=email,
        user=user,
        channel=channel,
        is_given=is_given,
        source=source,
        recorded_by=recorded_by[:200],
    )


def marketing_consent_give(
    *, email: str, channel: str, source: str, user=None, recorded_by: str = ""
) -> MarketingConsent:
    return marketing_consent_set(
        email=email, channel=channel, is_given=True, source=source, user=user, recorded_by=recorded_by
    )


def marketing_consent_withdraw(
    *, email: str, channel: str, source: str, user=None, recorded_by: str = ""
) -> MarketingConsent:
    return marketing_consent_set(
        email=email, channel=channel, is_given=False, source=source, user=user, recorded_by=recorded_by
    )
