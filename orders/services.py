from collections import defaultdict
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from core.actor import Actor
from orders.exceptions import TransitionNotAllowed
from orders.locks import lock_order
from orders.models import ORDER_TRANSITIONS, TRANSITION_PERMISSIONS, Order, OrderEvent, OrderLine
from storefront.catalog.models import Variant
from storefront.catalog.services import product_relations_set_bought_together, product_sales_counts_set


def order_transition(*, order_id: int, to: str, actor: Actor, note: str = "") -> Order:
    """Move an order along ORDER_TRANSITIONS, writing its event. The one place that assigns
    `Order.status`; callers add the move's own effects.

    Must run inside the caller's transaction (it takes the order lock). Raises
    TransitionNotAllowed or PermissionMissing, changing nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("order_transition must run inside a transaction")
    order = lock_order(order_id)
    if to not in ORDER_TRANSITIONS[order.status]:
        raise TransitionNotAllowed(order=order, to=to)
    actor.require_perm(TRANSITION_PERMISSIONS[to])
    OrderEvent.objects.create(
        order=order, from_status=order.status, to_status=to, actor=actor.label, note=note
    )
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    return order


@transaction.atomic
def order_note_add(*, order_id: int, actor: Actor, note: str) -> OrderEvent:
    """An internal note on the order's timeline (no status change)."""
    actor.require_perm("orders.view_order")
    order = lock_order(order_id)
    return OrderEvent.objects.create(order=order, actor=actor.label, note=note)


# What the catalog learns from sales

# Orders whose items count as sold, for best sellers and "customers also bought".
SOLD_STATUSES = (
    Order.Status.PAID,
    Order.Status.ON_HOLD,
    Order.Status.VALIDATED,
    Order.Status.PICKING,
    Order.Status.PACKED,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
    Order.Status.COMPLETED,
)
SALES_WINDOW = timedelta(days=180)

_CO_PURCHASES_SQL = """
    SELECT first_variant.product_id, other_variant.product_id, COUNT(DISTINCT first_line.order_id)
    FROM {line} first_line
    JOIN {line} other_line ON other_line.order_id = first_line.order_id
    JOIN {variant} first_variant ON first_variant.id = first_line.variant_id
    JOIN {variant} other_variant ON other_variant.id = other_line.variant_id
    JOIN {order} placed ON placed.id = first_line.order_id
    WHERE placed.placed_at >= %s AND placed.status IN ({statuses})
      AND first_variant.product_id <> other_variant.product_id
    GROUP BY first_variant.product_id, other_variant.product_id
"""


def product_sales_refresh(*, now=None) -> int:
    """Recompute, from the last 180 days of sales, the units sold per product and which
    products were bought together; return how many products got a "bought together" list."""
    since = (now or timezone.now()) - SALES_WINDOW
    sold_lines = OrderLine.objects.filter(order__status__in=SOLD_STATUSES, order__placed_at__gte=since)
    units = dict(sold_lines.values_list("variant__product_id").annotate(units=Sum("quantity")).order_by())
    sql = _CO_PURCHASES_SQL.format(
        line=OrderLine._meta.db_table,
        variant=Variant._meta.db_table,
        order=Order._meta.db_table,
        statuses=", ".join(["%s"] * len(SOLD_STATUSES)),
    )
    together: dict[int, list[tuple[int, int]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, *SOLD_STATUSES])
        for product_id, other_id, times in cursor.fetchall():
            together[product_id].append((other_id, times))
    lists = {
        product_id: sorted(pairs, key=lambda pair: (-pair[1], -units.get(pair[0], 0), pair[0]))
        for product_id, pairs in together.items()
    }
    with transaction.atomic():
        product_sales_counts_set(counts=units)
        product_relations_set_bought_together(lists=lists)
    return len(lists)
