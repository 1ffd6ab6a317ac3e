"""A delivered order becomes completed, and its sale final, once every return window counted
from its delivery has closed and no return of it is open."""

from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from orders.locks import lock_order
from orders.models import Order
from orders.services import order_transition
from returns.models import OPEN_STATUSES, ReturnRequest
from returns.selectors import return_policy
from returns.windows import sale_final_on

COMPLETION_ACTOR = Actor.job("orders_complete")
BATCH = 500


def orders_complete(*, today: date | None = None) -> int:
    """Complete one batch of delivered orders whose windows all closed before `today`; return
    how many. Runs daily; an order with a return still open waits for it."""
    today = today or timezone.localdate()
    policy = return_policy()
    # Windows end at the close of a store day; one that ended yesterday started this long ago.
    longest = sale_final_on(delivered_on=today, policy=policy) - today
    delivered_before = timezone.make_aware(datetime.combine(today - longest, time.min))
    open_return = ReturnRequest.objects.filter(order=OuterRef("pk"), status__in=OPEN_STATUSES)
    due = list(
        Order.objects.filter(status=Order.Status.DELIVERED)
        .annotate(delivered_at=Max("shipments__delivered_at"))
        .filter(delivered_at__lt=delivered_before)
        .exclude(Exists(open_return))
        .order_by("delivered_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    completed = 0
    for order_id in due:
        with transaction.atomic():
            order = lock_order(order_id)
            if (
                order.status != Order.Status.DELIVERED
                or ReturnRequest.objects.filter(order_id=order_id, status__in=OPEN_STATUSES).exists()
            ):
                continue
            order_transition(
                order_id=order_id,
                to=Order.Status.COMPLETED,
                actor=COMPLETION_ACTOR,
                note=_("The return window closed"),
            )
            completed += 1
    return completed
