"""Payment notices from providers, through the store's inbox: how they are read and applied."""

import uuid

from core.actor import Actor
from core.queues import Queue
from inbox.exceptions import NoticeMalformed, NoticeRejected
from inbox.models import WebhookEvent
from inbox.senders import Notice, Outcome, Sender
from inbox.services import notice_payload, notice_receive
from orders.locks import lock_payment
from orders.models import Order, Payment
from orders.services.payments import (
    payment_mark_expired,
    payment_mark_paid,
    payment_settle_for_cancelled_order,
)

NOTICE_ACTOR = Actor.job("payment_notice")
PAID, EXPIRED = "charge.paid", "charge.expired"


def payment_notice_read(provider: str, body: bytes) -> Notice:
    """A paid or expired notice about one of our charges. Raises NoticeRejected."""
    try:
        payload = notice_payload(body)
        event_id, kind, reference = payload["id"], payload["type"], payload["data"]["reference"]
    except (NoticeMalformed, KeyError, TypeError) as error:
        raise NoticeRejected("malformed notice", status=400) from error
    if kind not in (PAID, EXPIRED):
        raise NoticeRejected("unknown notice", status=400)
    if not Payment.objects.filter(gateway=provider, gateway_reference=reference).exists():
        raise NoticeRejected("unknown payment", status=404)
    return Notice(event_id=event_id, kind=kind, payload=payload)


def payment_notice_apply(*, event: WebhookEvent) -> Outcome:
    """A paid charge pays its order (and keeps its stock), an expired one cancels it (and
    frees its stock). Notices that come late, twice or out of order are ignored."""
    payment_id = Payment.objects.values_list("pk", flat=True).get(
        gateway=event.provider, gateway_reference=event.payload["data"]["reference"]
    )
    payment = lock_payment(payment_id)
    if payment.status in (Payment.Status.EXPIRED, Payment.Status.CANCELLED) and event.kind == PAID:
        # The money came after the charge expired or was withdrawn, its order cancelled: give it back.
        note = f"paid after {payment.status}: refunded"
        payment_settle_for_cancelled_order(payment=payment, paid=True)
        return Outcome(applied=True, note=note)
    # Pix and boletos wait for these notices; cards settle through capture and void instead.
    if payment.status != Payment.Status.PENDING:
        return Outcome(applied=False, note=f"payment already {payment.status}")
    if Order.objects.filter(pk=payment.order_id, status=Order.Status.CANCELLED).exists():
        # The order was cancelled before the charge settled: close the charge, refund money.
        payment_settle_for_cancelled_order(payment=payment, paid=event.kind == PAID)
        return Outcome(applied=True, note="order cancelled")
    if event.kind == PAID:
        payment_mark_paid(payment=payment, actor=NOTICE_ACTOR, note=event.event_id)
    else:
        payment_mark_expired(payment=payment, actor=NOTICE_ACTOR)
    return Outcome(applied=True)


PAYMENT_SENDER = Sender(
    name="payment",
    secrets_setting="STORE_PAYMENT_WEBHOOK_SECRETS",
    read=payment_notice_read,
    apply=payment_notice_apply,
    queue=Queue.PAYMENTS,
)


def sandbox_notice_deliver(*, payment: Payment, kind: str) -> WebhookEvent:
    """Do what the sandbox provider does when a pending Pix or boleto is paid or expires:
    sign the notice and deliver it to our inbox. Raises NoticeRejected, also when the
    provider refuses (a withdrawn charge can no longer be paid)."""
    from orders.adapters.sandbox import ChargeClosed, sandbox_notice

    try:
        body, signature = sandbox_notice(
            reference=payment.gateway_reference, kind=kind, event_id=f"evt_{uuid.uuid4().hex}"
        )
    except ChargeClosed as error:
        raise NoticeRejected(str(error), status=409) from error
    return notice_receive(
        sender=PAYMENT_SENDER.name, provider=payment.gateway, body=body, headers={"X-Signature": signature}
    )
