"""Notices taken in fast, stored raw once per (sender, provider, event id), applied by a
task, and enqueued again by a reconciler when the task was lost."""

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.locks import for_update
from core.storable_text import json_is_storable
from core.transitions import status_move
from inbox.exceptions import NoticeMalformed, NoticeRejected, SignatureInvalid
from inbox.models import EVENT_ID_MAX_LENGTH, NOTICE_TRANSITIONS, WebhookEvent
from inbox.senders import Notice, sender_get, senders_all
from inbox.tasks import notice_apply as notice_apply_task

# A notice still unapplied after this was lost on its way to a worker: enqueue it again.
RECONCILE_AFTER = timedelta(minutes=2)
RECONCILE_BATCH = 200


def notice_payload(body: bytes) -> dict[str, Any]:
    """The notice's JSON object, checked before any of it reaches a query: every text
    storable (no NUL, no lone surrogate), every number finite, and an event id ("id") of text
    that fits its column. A sender retries what we fail to answer, so what could never be
    stored must be refused (4xx), not crash (5xx). Raises NoticeMalformed."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise NoticeMalformed("not JSON") from error
    if not isinstance(payload, dict) or not json_is_storable(payload):
        raise NoticeMalformed("not a storable JSON object")
    event_id = payload.get("id")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= EVENT_ID_MAX_LENGTH:
        raise NoticeMalformed("event id missing, not text or too long")
    return payload


def _enqueue_apply(event: WebhookEvent) -> None:
    notice_apply_task.apply_async(kwargs={"event_id": event.pk}, queue=sender_get(event.sender).queue)


def notice_receive(*, sender: str, provider: str, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
    """Check a notice's signature and shape, store it once under (sender, provider, event id)
    and apply it after commit. A repeated notice returns the stored one and changes nothing.

    Raises NoticeRejected, storing nothing: 404 for an unknown provider, 400 for a bad or old
    signature, and whatever the sender's reader refuses.
    """
    plug = sender_get(sender)
    secret = plug.secret(provider)
    if secret is None:
        raise NoticeRejected(plug.unknown_provider, status=404)
    try:
        plug.verify(body=body, headers=headers, secret=secret)
    except SignatureInvalid as error:
        raise NoticeRejected(str(error), status=400) from error
    return notice_store(sender=sender, provider=provider, notice=plug.read(provider, body))[0]


def notice_store(*, sender: str, provider: str, notice: Notice) -> tuple[WebhookEvent, bool]:
    """Keep a notice once under (sender, provider, event id) and apply it after commit; for
    a notice already kept, return it and change nothing. Returns the notice and whether it is
    new. Signed notices come through notice_receive; the store's own sources (its mailbox)
    come here directly."""
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                sender=sender,
                provider=provider,
                event_id=notice.event_id,
                kind=notice.kind,
                payload=notice.payload,
            )
            transaction.on_commit(lambda: _enqueue_apply(event))
    except IntegrityError:  # delivered before: the first copy is the one that counts
        return WebhookEvent.objects.get(sender=sender, provider=provider, event_id=notice.event_id), False
    return event, True


def notice_transition(*, event: WebhookEvent, to: str, note: str = "") -> None:
    """The one way to change `WebhookEvent.status`. Caller holds the notice's lock."""
    refused = ValueError(f"notice {event.pk} cannot go from {event.status} to {to}")
    status_move(
        row=event,
        to=to,
        transitions=NOTICE_TRANSITIONS,
        refused=refused,
        note=note[:200],
        applied_at=timezone.now(),
    )


@transaction.atomic
def notice_apply(*, event_id: int) -> WebhookEvent:
    """Apply a stored notice once through its sender; a notice already applied or ignored is
    returned as it is."""
    event = for_update(WebhookEvent.objects.filter(pk=event_id)).get()
    if event.status != WebhookEvent.Status.RECEIVED:
        return event
    outcome = sender_get(event.sender).apply(event=event)
    status = WebhookEvent.Status.APPLIED if outcome.applied else WebhookEvent.Status.IGNORED
    notice_transition(event=event, to=status, note=outcome.note)
    return event


def notices_stuck(*, now: datetime | None = None) -> list[int]:
    """Ids of one batch of notices stored but not applied in time, from registered senders."""
    return list(
        WebhookEvent.objects.filter(
            status=WebhookEvent.Status.RECEIVED,
            sender__in=[plug.name for plug in senders_all()],
            created_at__lt=(now or timezone.now()) - RECONCILE_AFTER,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )


def notices_reconcile(*, now: datetime | None = None) -> int:
    """Enqueue again the notices stored but not applied in time; return how many."""
    stuck = notices_stuck(now=now)
    for event in WebhookEvent.objects.filter(pk__in=stuck).only("pk", "sender"):
        _enqueue_apply(event)
    return len(stuck)
