"""Avise-me: a shopper asks to be told when a sold-out variant is back, and gets one email
when it can be bought online again, with a one-click link that stops the requests still
waiting for that address.

Two ways lead to the email, both ending in `stock_alerts_notify`: the catalog's stock
service enqueues it after the commit that brings a variant back (stock received, a return
restocked, a transfer, a reservation released: every one of them reaches
`variant_set_stock_online`), and a periodic reconciler finds requests whose variant is
available by any other way (a variant switched back on, a product published again) or
whose message was lost on the way to a worker. Each request is sent at most once: it
changes to "notified" in the transaction that queues its message, under its row lock, and
the message's deduplication key is the request's id.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.transitions import status_move
from storefront.catalog.exceptions import (
    StockAlertLinkInvalid,
    StockAlertTransitionNotAllowed,
    VariantInStock,
    VariantNotForSale,
)
from storefront.catalog.locks import lock_stock_alerts
from storefront.catalog.models import STOCK_ALERT_TRANSITIONS, AttributeValue, StockAlert, Variant
from storefront.catalog.tasks import stock_alerts_notify as stock_alerts_notify_task
from support.notifications.models import Notification
from support.notifications.services import notification_queue
from support.notifications.unsubscribe import unsubscribe_email_read, unsubscribe_headers, unsubscribe_token

UNSUBSCRIBE_SALT = "stock-alert-unsubscribe"
NOTIFY_BATCH = 200
RECONCILE_BATCH = 500

Status = StockAlert.Status


def stock_alert_transition(*, alert: StockAlert, to: str, **fields) -> StockAlert:
    """The one way to change a request's status. Caller holds its lock.
    Raises StockAlertTransitionNotAllowed."""
    return status_move(
        row=alert,
        to=to,
        transitions=STOCK_ALERT_TRANSITIONS,
        refused=StockAlertTransitionNotAllowed(),
        **fields,
    )


def _variants_for_sale() -> QuerySet[Variant]:
    return Variant.objects.filter(is_active=True, product__is_published=True)


def _variants_available() -> QuerySet[Variant]:
    """Variants a shopper can put in the cart now: what a request waits for."""
    return _variants_for_sale().filter(stock_online__gt=0)


# Asking


def stock_alert_subscribe(*, variant_id: int, email: str, user=None, language: str = "") -> StockAlert:
    """Ask for one email at `email` when the variant can be bought online again. Asking again
    for the same variant and address while the first request waits returns that request,
    unchanged.

    Raises VariantNotForSale (unknown, switched off or unpublished) and VariantInStock (there
    is nothing to wait for).
    """
    email = email.strip().lower()
    stock = _variants_for_sale().filter(pk=variant_id).values_list("stock_online", flat=True).first()
    if stock is None:
        raise VariantNotForSale()
    if stock > 0:
        raise VariantInStock()
    with transaction.atomic():
        alert, _created = StockAlert.objects.get_or_create(
            variant_id=variant_id,
            email=email,
            status=Status.WAITING,
            defaults={
                "user": user if user is not None and user.is_authenticated else None,
                "language": language or settings.LANGUAGE_CODE,
            },
        )
    return alert


# Telling


def stock_alerts_notify(*, variant_id: int) -> bool:
    """Email, once each, up to a batch of the shoppers waiting for a variant that can be
    bought online again; return whether more may wait. A variant still sold out, switched
    off or unpublished sends nothing. Safe to run twice and from two workers at once."""
    variant = (
        _variants_available()
        .select_related("product")
        .prefetch_related(Prefetch("attribute_values", queryset=AttributeValue.objects.order_by("pk")))
        .filter(pk=variant_id)
        .first()
    )
    if variant is None:
        return False
    waiting = list(
        StockAlert.objects.filter(variant_id=variant_id, status=Status.WAITING)
        .order_by("pk")
        .values_list("pk", flat=True)[:NOTIFY_BATCH]
    )
    with transaction.atomic():
        for alert in lock_stock_alerts(ids=waiting, skip_locked=True):
            if alert.status != Status.WAITING:  # cancelled or sent since it was read
                continue
            _alert_send(alert=alert, variant=variant)
            stock_alert_transition(alert=alert, to=Status.NOTIFIED, notified_at=timezone.now())
    return len(waiting) == NOTIFY_BATCH


def _alert_send(*, alert: StockAlert, variant: Variant) -> Notification:
    unsubscribe = stock_alert_unsubscribe_link(email=alert.email)
    return notification_queue(
        kind=Notification.Kind.STOCK_ALERT,
        dedup_key=f"{Notification.Kind.STOCK_ALERT}:{alert.pk}",
        recipient=alert.user,
        to_address=alert.email,
        language=alert.language,
        headers=unsubscribe_headers(url=unsubscribe),
        context={
            "product_name": variant.product.name,
            "options": variant.options_label,
            "price": variant.price,
            "product_url": settings.SITE_URL + variant.product.get_absolute_url(),
            "unsubscribe_url": unsubscribe,
        },
    )


def stock_alerts_reconcile(*, after_id: int = 0) -> int | None:
    """Read one batch of waiting requests in id order and enqueue the sending for those
    whose variant can be bought now; return the last id read when more may remain."""
    rows = list(
        StockAlert.objects.filter(status=Status.WAITING, pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", "variant_id")[:RECONCILE_BATCH]
    )
    variant_ids = {variant_id for _pk, variant_id in rows}
    for variant_id in sorted(_variants_available().filter(pk__in=variant_ids).values_list("pk", flat=True)):
        stock_alerts_notify_task.delay(variant_id=variant_id)
    return rows[-1][0] if len(rows) == RECONCILE_BATCH else None


# Stopping


def stock_alert_unsubscribe_link(*, email: str) -> str:
    token = unsubscribe_token(email=email, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("catalog:stock-alert-unsubscribe", kwargs={"token": token})


def stock_alert_email_read(*, token: str) -> str:
    """The address an unsubscribe link names. Raises StockAlertLinkInvalid."""
    try:
        return unsubscribe_email_read(token=token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise StockAlertLinkInvalid() from error


@transaction.atomic
def stock_alerts_cancel(*, email: str) -> int:
    """Stop every request still waiting for `email`; return how many stopped. Running it
    again stops nothing more."""
    ids = StockAlert.objects.filter(email=email.strip().lower(), status=Status.WAITING).values_list(
        "pk", flat=True
    )
    stopped = 0
    for alert in lock_stock_alerts(ids=list(ids)):
        if alert.status == Status.WAITING:
            stock_alert_transition(alert=alert, to=Status.CANCELLED, cancelled_at=timezone.now())
            stopped += 1
    return stopped
