"""The Django side of bench/returns_queue: seed return requests at volume, and count the
queries of the returns screens.

Run by the bench in Django processes of their own (DATABASE_URL names the bench database):

    python -m bench.returns_queue_data seed --requests 100000
    python -m bench.returns_queue_data count < pages.json

`seed` writes customers, their orders (one line each), and return requests arriving over the
past year with their lines, timelines and the carrier's events, statuses by age (recent ones
still being decided, on their way or waiting for inspection; older ones refunded, exchanged,
closed, rejected or expired, a few forgotten open). Rows go in with COPY (`Table` of
bench/support_desk_seed.py: every column not named takes its field's default), a batch per
transaction. It prints, as JSON, what the bench needs to find its pages.

`count` reads the Returns staff member's cookies and the pages on stdin and writes, per page,
its status, query count, the view's budget, timings and the slowest query's plan (through
bench/support_desk_queries.py, with the returns screens' budgets).
"""

import random
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from bench.backoffice_run import data_main
from bench.support_desk_seed import (
    CITIES,
    ORDER_COLUMNS,
    PLAIN,
    SeedFailed,
    Table,
    bench_variants,
    cumulative,
    person,
    staff_member_ensure,
    valid_cpf,
)

SEED = 2026
SPAN = timedelta(days=365)
REQUESTS_PER_DAY = 275  # 100,000 a year, over a week at least
BATCH = 10_000
STAFF_EMAIL = "devolucoes.bench@loja-aurora.example"
BUDGETS = {
    "queue": "backoffice.views.returns.QUEUE_QUERIES",
    "request": "backoffice.views.returns.REQUEST_QUERIES",
    "inspection": "backoffice.views.returns.INSPECTION_QUERIES",
}
REASONS = (
    "regret",
    "defect",
    "dissatisfaction",
    "wrong_item",
    "transport_damage",
    "hidden_defect",
    "missing_item",
)
REASON_WEIGHTS = (40, 25, 15, 8, 6, 4, 2)
RESOLUTIONS = ("refund", "store_credit", "exchange")
RESOLUTION_WEIGHTS = (70, 10, 20)
# Statuses by the request's age: recent ones still moving, old ones finished, a few forgotten.
STATUS_BY_AGE = (
    (
        timedelta(days=2),
        ("requested", "approved", "awaiting_shipment", "in_transit"),
        (30, 5, 45, 20),
    ),
    (
        timedelta(days=10),
        ("requested", "awaiting_shipment", "in_transit", "received", "inspected", "refunded"),
        (5, 25, 40, 15, 5, 10),
    ),
    (
        timedelta(days=30),
        ("in_transit", "received", "inspected", "refunded", "exchanged", "closed", "rejected", "expired"),
        (5, 3, 2, 55, 10, 10, 8, 7),
    ),
    (
        SPAN * 2,
        ("requested", "received", "refunded", "exchanged", "closed", "rejected", "expired"),
        (0.2, 0.3, 65, 10, 10, 8, 7),
    ),
)
# The way each status was reached, for the timeline.
PATHS = {
    "requested": ("requested",),
    "approved": ("requested", "approved"),
    "rejected": ("requested", "rejected"),
    "awaiting_shipment": ("requested", "approved", "awaiting_shipment"),
    "expired": ("requested", "approved", "awaiting_shipment", "expired"),
    "in_transit": ("requested", "approved", "awaiting_shipment", "in_transit"),
    "received": ("requested", "approved", "awaiting_shipment", "in_transit", "received"),
    "inspected": ("requested", "approved", "awaiting_shipment", "in_transit", "received", "inspected"),
    "refunded": (
        "requested",
        "approved",
        "awaiting_shipment",
        "in_transit",
        "received",
        "inspected",
        "refunded",
    ),
    "exchanged": (
        "requested",
        "approved",
        "awaiting_shipment",
        "in_transit",
        "received",
        "inspected",
        "exchanged",
    ),
    "closed": ("requested", "approved", "awaiting_shipment", "in_transit", "received", "inspected", "closed"),
}
AUTHORISED = {
    "awaiting_shipment",
    "expired",
    "in_transit",
    "received",
    "inspected",
    "refunded",
    "exchanged",
    "closed",
}
POSTED = {"in_transit", "received", "inspected", "refunded", "exchanged", "closed"}
DESCRIPTIONS = (
    "Chegou com a tela riscada.",
    "Não serviu, ficou apertado.",
    "A cor é diferente da foto do site.",
    "Parou de funcionar depois de uma semana.",
    "A caixa veio amassada e o produto quebrado.",
    "",
)


def seed(*, requests: int, customers: int, staff_password: str) -> dict:
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from backoffice.roles import Role
    from logistics.models import CarrierService
    from orders.models import Order, OrderLine
    from returns.models import ReturnEvent, ReturnLine, ReturnRequest, ReturnTrackingEvent
    from storefront.accounts.models import User

    if ReturnRequest.objects.exists() or User.objects.exists():
        raise SeedFailed("the database is not empty: the bench seeds a freshly migrated one")
    rng = random.Random(SEED)  # noqa: S311  # reproducible bench data, not a secret
    now = timezone.now()
    started = time.monotonic()

    staff = staff_member_ensure(
        email=STAFF_EMAIL, full_name="Devoluções do Bench", role=Role.RETURNS, password=staff_password
    )
    variants = bench_variants(rng, 20)
    service = CarrierService.objects.filter(code="pac").first() or CarrierService.objects.first()

    users = Table(User, ["id", "email", "full_name", "password", "date_joined", "created_at", "updated_at"])
    people = []
    first_user = staff.pk + 1
    for index in range(customers):
        name = person(rng)
        email = f"{name.lower().translate(PLAIN).replace(' ', '.')}.{index}@example.com.br"
        joined = now - SPAN * 2 * rng.random()
        users.add(first_user + index, email, name, "!", joined, joined, joined)
        people.append((first_user + index, email, name, valid_cpf(rng), rng.choice(CITIES)))
    with transaction.atomic(), connection.cursor() as cursor:
        users.write(cursor)

    orders = Table(Order, ORDER_COLUMNS)
    lines = Table(
        OrderLine,
        [
            "id",
            "order_id",
            "variant_id",
            "product_name",
            "sku",
            "unit_price",
            "quantity",
            "line_total",
            "created_at",
            "updated_at",
        ],
    )
    return_table = Table(
        ReturnRequest,
        [
            "id",
            "number",
            "order_id",
            "customer_id",
            "status",
            "reason",
            "description",
            "resolution",
            "decided_at",
            "carrier_service_id",
            "authorisation_code",
            "authorisation_valid_until",
            "tracking_code",
            "shipped_at",
            "last_event_at",
            "received_at",
            "received_by",
            "items_refund",
            "shipping_refund",
            "created_at",
            "updated_at",
        ],
    )
    return_lines = Table(
        ReturnLine,
        [
            "request_id",
            "order_line_id",
            "quantity",
            "received_quantity",
            "accepted_quantity",
            "created_at",
            "updated_at",
        ],
    )
    events = Table(ReturnEvent, ["request_id", "from_status", "to_status", "actor", "note", "created_at"])
    tracking = Table(
        ReturnTrackingEvent,
        [
            "request_id",
            "event_id",
            "kind",
            "occurred_at",
            "description",
            "location",
            "created_at",
            "updated_at",
        ],
    )

    span = min(SPAN, max(timedelta(days=7), timedelta(days=requests / REQUESTS_PER_DAY)))
    start, step = now - span, span / requests
    # A few customers return far more than the rest.
    ranks = list(range(customers))
    buyers = rng.choices(ranks, cum_weights=cumulative([1 / (rank + 50) for rank in ranks]), k=requests)
    statuses: Counter = Counter()
    order_id = 0
    last_order: tuple[int, str, int] = (0, "", 0)  # the request before's (order id, number, line id)
    per_order: Counter = Counter()  # requests of each order so far, for their numbers
    for first in range(0, requests, BATCH):
        for index in range(first, min(first + BATCH, requests)):
            request_id = index + 1
            created = start + step * index + step * rng.random() * 0.9
            age = now - created
            names, weights = next((names, weights) for limit, names, weights in STATUS_BY_AGE if age < limit)
            status = rng.choices(names, weights)[0]
            statuses[status] += 1
            customer_id, email, name, cpf, (cep, street, district, city, state) = people[buyers[index]]
            # One request in ten is a second one on the order of the request before it.
            if index and rng.random() < 0.1:
                order_id_here, order_number, line_id = last_order
            else:
                order_id += 1
                order_id_here, order_number, line_id = order_id, str(200000 + order_id), order_id
                variant = rng.choice(variants)
                placed = created - timedelta(days=rng.uniform(3, 20))
                quantity = rng.choice((1, 1, 1, 2))
                items = variant.price * quantity
                orders.add(
                    order_id,
                    order_number,
                    "delivered" if age < timedelta(days=40) else "completed",
                    customer_id,
                    email,
                    name,
                    cpf,
                    "11987654321",
                    cep,
                    street,
                    str(rng.randrange(1, 3000)),
                    district,
                    city,
                    state,
                    "pac",
                    "Correios PAC",
                    6,
                    items,
                    Decimal("19.90"),
                    items + Decimal("19.90"),
                    placed,
                    placed,
                    placed,
                )
                lines.add(
                    order_id,
                    order_id,
                    variant.pk,
                    variant.product.name,
                    variant.sku,
                    variant.price,
                    quantity,
                    items,
                    placed,
                    placed,
                )
            last_order = (order_id_here, order_number, line_id)
            per_order[order_id_here] += 1
            path = PATHS[status]
            moments = [created + (age * 0.9) * (number / len(path)) for number in range(len(path))]
            authorised = status in AUTHORISED
            posted = status in POSTED
            received = "received" in path
            refunded = status in ("refunded", "exchanged") or (status == "closed" and rng.random() < 0.5)
            reason = rng.choices(REASONS, REASON_WEIGHTS)[0]
            return_table.add(
                request_id,
                f"{order_number}-D{per_order[order_id_here]}",
                order_id_here,
                customer_id,
                status,
                reason,
                rng.choice(DESCRIPTIONS) if reason not in ("regret", "dissatisfaction") else "",
                rng.choices(RESOLUTIONS, RESOLUTION_WEIGHTS)[0],
                moments[1] if len(path) > 1 else None,
                service.pk if authorised and service else None,
                f"{request_id:011d}" if authorised else "",
                (moments[2] + timedelta(days=10)).date() if authorised else None,
                f"QB{request_id:09d}BR" if authorised else None,
                moments[3] if posted else None,
                moments[3] if posted else None,
                moments[4] if received else None,
                "staff:estoque@loja-aurora.example" if received else "",
                Decimal("99.90") if refunded else Decimal("0"),
                Decimal("19.90") if refunded and reason in ("defect", "wrong_item") else Decimal("0"),
                created,
                moments[-1],
            )
            return_lines.add(
                request_id, line_id, 1, int(received), int(received and refunded), created, created
            )
            previous = ""
            for moment, to_status in zip(moments, path, strict=True):
                actor = "customer" if to_status == "requested" else "staff:devolucoes@loja-aurora.example"
                events.add(request_id, previous, to_status, actor, "", moment)
                previous = to_status
            if posted:
                for kind, moment, text in (
                    ("posted", moments[3], "Objeto postado"),
                    ("in_transit", moments[3] + (moments[-1] - moments[3]) / 2, "Objeto em trânsito"),
                ):
                    tracking.add(
                        request_id, f"{request_id}-{kind}", kind, moment, text, "São Paulo/SP", moment, moment
                    )
        with transaction.atomic(), connection.cursor() as cursor:
            for table in (orders, lines, return_table, return_lines, events, tracking):
                table.write(cursor)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [User, Order, OrderLine, ReturnRequest, ReturnLine, ReturnEvent, ReturnTrackingEvent]
        ):
            cursor.execute(statement)
    return pages_data(
        requests=requests, customers=customers, orders=order_id, statuses=statuses, started=started
    )


def pages_data(*, requests: int, customers: int, orders: int, statuses: Counter, started: float) -> dict:
    """What the bench opens: a request in transit (searched by its tracking code), the customer
    with the most requests (searched by email), the request screen of a refunded defect with
    its whole timeline, and the inspection of a received parcel."""
    from django.db.models import Count

    from returns.models import ReturnRequest
    from returns.selectors import QUEUES

    in_transit = (
        ReturnRequest.objects.filter(status="in_transit").order_by("-pk").values("number", "tracking_code")[0]
    )
    busiest = (
        ReturnRequest.objects.values("order__email")
        .annotate(requests=Count("pk"))
        .order_by("-requests", "order__email")
        .first()
    )
    # Searched in the tab of their newest request, so that the page lists it.
    newest = ReturnRequest.objects.filter(order__email=busiest["order__email"]).order_by("-pk").first()
    busiest_queue = next(queue for queue, statuses in QUEUES.items() if newest.status in statuses)
    finished = (
        ReturnRequest.objects.filter(status="refunded").order_by("-pk").values("number", "order__number")[0]
    )
    received = (
        ReturnRequest.objects.filter(status="received").order_by("-pk").values_list("number", flat=True)[0]
    )
    return {
        "staff": {"returns": STAFF_EMAIL},
        "in_transit_number": in_transit["number"],
        "in_transit_tracking": in_transit["tracking_code"],
        "busiest_email": busiest["order__email"],
        "busiest_requests": busiest["requests"],
        "busiest_queue": busiest_queue,
        "refunded_number": finished["number"],
        "refunded_order": finished["order__number"],
        "received_number": received,
        "requests": requests,
        "open_requests": sum(count for status, count in statuses.items() if status in OPEN),
        "statuses": dict(statuses),
        "customers": customers,
        "orders": orders,
        "seconds": round(time.monotonic() - started, 1),
    }


OPEN = {"requested", "approved", "awaiting_shipment", "in_transit", "received", "inspected"}


if __name__ == "__main__":
    data_main(__doc__, option="requests", seed=seed, budgets=BUDGETS, per_customer=3)
