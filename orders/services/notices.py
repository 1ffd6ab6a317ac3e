"""Payment notices from providers: taken in fast, stored raw, applied once by a task."""

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.actor import Actor
from core.locks import for_update
from orders.exceptions import NoticeRejected
from orders.locks import lock_payment
from orders.models import WEBHOOK_TRANSITIONS, Order, Payment, WebhookEvent
from orders.services.payments import (
    payment_mark_expired,
    payment_mark_paid,
    payment_settle_for_cancelled_order,
)
from orders.tasks import webhook_apply as webhook_apply_task
from orders.webhooks import SignatureInvalid, notice_payload, signature_verify

NOTICE_ACTOR = Actor.job("payment_notice")
PAID, EXPIRED = "charge.paid", "charge.expired"
# A notice still unapplied after this was lost on its way to a worker: enqueue it again.
RECONCILE_AFTER = timedelta(minutes=2)
RECONCILE_BATCH = 200


def webhook_receive(*, provider: str, body: bytes, signature: str) -> WebhookEvent:
    """Check a notice's signature and shape, store it once under (provider, event id), and
    apply it after commit. A repeated notice returns the stored one and changes nothing.

    Raises NoticeRejected (nothing stored) for a bad signature, an old timestamp, malformed
    JSON, an unknown kind or an unknown payment.
    """
    secrets = settings.STORE_PAYMENT_WEBHOOK_SECRETS
    if provider not in secrets:
        raise NoticeRejected("unknown provider", status=404)
    try:
        signature_verify(body=body, header=signature, secret=secrets[provider])
    except SignatureInvalid as error:
        raise NoticeRejected(str(error), status=400) from error
    try:
        payload = notice_payload(body)
        event_id, kind, reference = payload["id"], payload["type"], payload["data"]["reference"]
    except (ValueError, KeyError, TypeError) as error:
        raise NoticeRejected("malformed notice", status=400) from error
    if kind not in (PAID, EXPIRED) or not isinstance(event_id, str):
        raise NoticeRejected("unknown notice", status=400)
    if not Payment.objects.filter(gateway=provider, gateway_reference=reference).exists():
        raise NoticeRejected("unknown payment", status=404)
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                provider=provider, event_id=event_id, kind=kind, payload=payload
            )
            webhook_apply_task.delay_on_commit(event_id=event.pk)
    except IntegrityError:  # delivered before: the first copy is the one that counts
        event = WebhookEvent.objects.get(provider=provider, event_id=event_id)
    return event


def webhook_transition(*, event: WebhookEvent, to: str, note: str = "") -> None:
    if to not in WEBHOOK_TRANSITIONS[event.status]:
        raise ValueError(f"notice {event.pk} cannot go from {event.status} to {to}")
    event.status, event.note, event.applied_at = to, note, timezone.now()
    event.save(update_fields=["status", "note", "applied_at", "updated_at"])


@transaction.atomic
def webhook_apply(*, event_id: int) -> WebhookEvent:
    """Apply a stored notice once: a paid charge pays its order (and keeps its stock), an
    expired one cancels it (and frees its stock). Notices that come late or twice, or
    out of order, are recorded as ignored."""
    event = for_update(WebhookEvent.objects.filter(pk=event_id)).get()
    if event.status != WebhookEvent.Status.RECEIVED:
        return event
    payment_id = Payment.objects.values_list("pk", flat=True).get(
        gateway=event.provider, gateway_reference=event.payload["data"]["reference"]
    )
    payment = lock_payment(payment_id)
    if payment.status in (Payment.Status.EXPIRED, Payment.Status.CANCELLED) and event.kind == PAID:
        # The money came after the charge expired or was withdrawn, its order cancelled: give it back.
        note = f"paid after {payment.status}: refunded"
        payment_settle_for_cancelled_order(payment=payment, paid=True)
        webhook_transition(event=event, to=WebhookEvent.Status.APPLIED, note=note)
        return event
    # Pix and boletos wait for these notices; cards settle through capture and void instead.
    if payment.status != Payment.Status.PENDING:
        webhook_transition(
            event=event, to=WebhookEvent.Status.IGNORED, note=f"payment already {payment.status}"
        )
        return event
    if Order.objects.filter(pk=payment.order_id, status=Order.Status.CANCELLED).exists():
        # The order was cancelled before the charge settled: close the charge, refund money.
        payment_settle_for_cancelled_order(payment=payment, paid=event.kind == PAID)
        webhook_transition(event=event, to=WebhookEvent.Status.APPLIED, note="order cancelled")
        return event
    if event.kind == PAID:
        payment_mark_paid(payment=payment, actor=NOTICE_ACTOR, note=event.event_id)
    else:
        payment_mark_expired(payment=payment, actor=NOTICE_ACTOR)
    webhook_transition(event=event, to=WebhookEvent.Status.APPLIED)
    return event


def sandbox_notice_deliver(*, payment: Payment, kind: str) -> WebhookEvent:
    """Do what the sandbox provider does when a pending Pix or boleto is paid or expires:
    sign the notice and deliver it to our webhook handler. Raises NoticeRejected, also when
    the provider refuses (a withdrawn charge can no longer be paid)."""
    from orders.adapters.sandbox import ChargeClosed, sandbox_notice

    try:
        body, signature = sandbox_notice(
            reference=payment.gateway_reference, kind=kind, event_id=f"evt_{uuid.uuid4().hex}"
        )
    except ChargeClosed as error:
        raise NoticeRejected(str(error), status=409) from error
    return webhook_receive(provider=payment.gateway, body=body, signature=signature)


def webhooks_stuck(*, providers: Iterable[str], now: datetime | None = None) -> list[int]:
    """Ids of one batch of these providers' notices stored but not applied in time."""
    return list(
        WebhookEvent.objects.filter(
            status=WebhookEvent.Status.RECEIVED,
            provider__in=list(providers),
            created_at__lt=(now or timezone.now()) - RECONCILE_AFTER,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )


def webhooks_reconcile(*, now: datetime | None = None) -> int:
    """Enqueue again the payment notices stored but not applied in time; return how many."""
    stuck = webhooks_stuck(providers=settings.STORE_PAYMENT_WEBHOOK_SECRETS, now=now)
    for event_id in stuck:
        webhook_apply_task.delay(event_id=event_id)
    return len(stuck)
