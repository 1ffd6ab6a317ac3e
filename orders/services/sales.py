from collections import defaultdict
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from orders.models import (
    Order,
    OrderLine,
)
from storefront.catalog.models import Variant
from storefront.catalog.services import product_relations_set_bought_together, product_sales_counts_set

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
