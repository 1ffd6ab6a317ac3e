"""The Django side of bench/backoffice_volume: seed a store with years of orders, and count the
queries of the back office's home, dashboards and queues.

Run by the bench in Django processes of their own (DATABASE_URL names the bench database):

    python -m bench.backoffice_volume_data seed --orders 1000000
    python -m bench.backoffice_volume_data count < pages.json

`seed` writes customers and their orders over the past two years (one to three lines each, at
the variant's cost), one payment per order (card, Pix or boleto), each order's timeline, a
shipment with its invoice for every order that left, a ticket for one order in twenty, a
return (with its timeline, and its refund once refunded) for one delivered order in twenty,
and the stock ledger: each line reserved when placed and shipped or released after, on
receipts that cover it all.
Statuses follow the order's age: the last days still being paid, analysed, picked and packed,
a few held for review, older ones delivered and completed, some cancelled. Rows go in with COPY
(`Table` of bench/support_desk_seed.py), a batch per transaction; the tables are analysed, then
the daily figures of the dashboards are built for the whole span (`kpi_rebuild`). It prints, as
JSON, what the bench needs to find its pages.

`returns-fill` (run after the pages are measured) adds a refunded return with its refund to
every order that has none, so that the returns and refunds exports stream as many rows as
there are orders: far more than a store returns, to measure those streams at volume.
"""

import io
import random
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from bench.backoffice_run import data_main
from bench.returns_queue_data import PATHS as RETURN_PATHS
from bench.returns_queue_data import REASON_WEIGHTS, REASONS
from bench.support_desk_seed import (
    CITIES,
    ORDER_COLUMNS,
    PLAIN,
    SUBJECTS,
    SeedFailed,
    Table,
    bench_variants,
    person,
    staff_member_ensure,
    valid_cpf,
)

SEED = 2026
SPAN = timedelta(days=730)
ORDERS_PER_DAY = 1370  # a million over two years, over a week at least
BATCH = 20_000
MANAGER_EMAIL = "gerente.bench@loja-aurora.example"
BUDGETS = {
    "home": "backoffice.views.staff.HOME_QUERIES",
    "kpis": "backoffice.views.kpis.SECTION_QUERIES",
    "hold": "backoffice.views.orders.HOLD_QUEUE_QUERIES",
    "search": "backoffice.views.orders.ORDER_SEARCH_QUERIES",
    "workspace": "backoffice.views.orders.WORKSPACE_QUERIES",
}
METHODS = ("card", "pix", "boleto")
METHOD_WEIGHTS = (55, 35, 10)
CHANNELS = ("web", "telesales")
CHANNEL_WEIGHTS = (94, 6)
HOLD_REASONS = ("fraud", "registration_data", "address", "stock")
# Statuses by the order's age: the last hours still moving through the warehouse, old ones done.
STATUS_BY_AGE = (
    (
        timedelta(hours=6),
        ("awaiting_payment", "paid", "on_hold", "validated", "picking", "packed", "cancelled"),
        (30, 5, 4, 25, 15, 15, 6),
    ),
    (
        timedelta(days=3),
        ("awaiting_payment", "on_hold", "validated", "packed", "shipped", "cancelled"),
        (4, 2, 3, 6, 75, 10),
    ),
    (timedelta(days=12), ("shipped", "delivered", "cancelled"), (15, 75, 10)),
    (timedelta(days=40), ("delivered", "cancelled"), (90, 10)),
    (SPAN * 2, ("completed", "cancelled"), (90, 10)),
)
# The statuses each order went through to reach its own, for its timeline.
PATHS = {
    "awaiting_payment": ("awaiting_payment",),
    "paid": ("awaiting_payment", "paid"),
    "on_hold": ("awaiting_payment", "paid", "on_hold"),
    "validated": ("awaiting_payment", "paid", "validated"),
    "picking": ("awaiting_payment", "paid", "validated", "picking"),
    "packed": ("awaiting_payment", "paid", "validated", "picking", "packed"),
    "shipped": ("awaiting_payment", "paid", "validated", "picking", "packed", "shipped"),
    "delivered": ("awaiting_payment", "paid", "validated", "picking", "packed", "shipped", "delivered"),
    "completed": (
        "awaiting_payment",
        "paid",
        "validated",
        "picking",
        "packed",
        "shipped",
        "delivered",
        "completed",
    ),
}
# When each step happens after the order is placed, at the latest.
STEP_AFTER = {
    "awaiting_payment": timedelta(0),
    "paid": timedelta(hours=2),
    "on_hold": timedelta(hours=2, minutes=5),
    "validated": timedelta(hours=3),
    "picking": timedelta(hours=8),
    "packed": timedelta(hours=12),
    "shipped": timedelta(days=1),
    "delivered": timedelta(days=6),
    "completed": timedelta(days=37),
}
LEFT = {"shipped", "delivered", "completed"}
PAID = {"paid", "on_hold", "validated", "picking", "packed", *LEFT}
FREIGHT = (Decimal("19.90"), Decimal("29.90"), Decimal("0.00"))
RETURN_SHARE = 0.05  # of the orders delivered
# A return's status by its order's: still coming back on recent orders, decided on old ones.
RETURN_STATUS = {
    "delivered": (("requested", "awaiting_shipment", "in_transit", "received"), (20, 30, 35, 15)),
    "completed": (("refunded", "rejected", "expired"), (80, 10, 10)),
}
RETURN_STEP = timedelta(days=1, hours=12)
STOCK_LEFT = 200  # units on hand of each variant after every order, beside those still reserved


def _infrastructure():
    """A warehouse, a box and the carrier services the orders left with."""
    from inventory.models import Warehouse
    from logistics.models import Box, CarrierService

    warehouse = Warehouse.objects.filter(sells_online=True).first() or Warehouse.objects.create(
        code="cd-bench", name="CD Bench", kind=Warehouse.Kind.choices[0][0], sells_online=True
    )
    box, _created = Box.objects.get_or_create(
        code="bench-m", defaults={"name": "Caixa M", "length_cm": 30, "width_cm": 20, "height_cm": 15}
    )
    services = list(CarrierService.objects.filter(is_active=True).order_by("position", "pk")[:3])
    if not services:
        services = [
            CarrierService.objects.create(code=code, carrier=carrier, name=name, position=position)
            for position, (code, carrier, name) in enumerate(
                (("pac", "Correios", "PAC"), ("sedex", "Correios", "SEDEX"), ("jadlog", "Jadlog", ".Package"))
            )
        ]
    return warehouse, box, services


class StockLedger:
    """The stock movements of the seeded orders in one warehouse: each line reserved when
    placed, then shipped from one bin or released when cancelled; a receipt per variant at the
    start covers it all, so that on hand is the sum of the ledger."""

    def __init__(self, warehouse, variants):
        from inventory.models import Bin, StockLevel, StockMovement, StockQuant

        self.bin, _created = Bin.objects.get_or_create(warehouse=warehouse, code="A-01-01")
        self.levels = {}
        for variant in variants:
            level, _created = StockLevel.objects.get_or_create(variant=variant, warehouse=warehouse)
            quant, _created = StockQuant.objects.get_or_create(level=level, bin=self.bin, lot=None)
            self.levels[variant.pk] = (level, quant)
        self.table = Table(
            StockMovement,
            [
                "level_id",
                "quant_id",
                "kind",
                "on_hand_change",
                "reserved_change",
                "reference",
                "actor",
                "created_at",
            ],
        )
        self.shipped: Counter = Counter()
        self.reserved: Counter = Counter()

    def line(self, variant_id: int, quantity: int, *, reference: str, placed, shipped=None, cancelled=None):
        level, quant = self.levels[variant_id]
        self.table.add(level.pk, None, "reserve", 0, quantity, reference, "customer", placed)
        if shipped:
            self.table.add(
                level.pk, quant.pk, "ship", -quantity, -quantity, reference, "job:logistics", shipped
            )
            self.shipped[variant_id] += quantity
        elif cancelled:
            self.table.add(level.pk, None, "release", 0, -quantity, reference, "job:payments", cancelled)
        else:
            self.reserved[variant_id] += quantity

    def receipts(self, start) -> None:
        """The receipts at `start`, and each level and its bin as the ledger leaves them."""
        from inventory.models import StockLevel, StockQuant

        levels, quants = [], []
        for variant_id, (level, quant) in self.levels.items():
            level.reserved = self.reserved[variant_id]
            level.on_hand = quant.on_hand = STOCK_LEFT + level.reserved
            received = level.on_hand + self.shipped[variant_id]
            self.table.add(
                level.pk, quant.pk, "receive", received, 0, "receipt:bench", "staff:estoque", start
            )
            levels.append(level)
            quants.append(quant)
        StockLevel.objects.bulk_update(levels, ["on_hand", "reserved"])
        StockQuant.objects.bulk_update(quants, ["on_hand"])


class Returns:
    """Return requests of delivered orders, each of one unit of the order's first line, with
    their timelines and, once refunded, their refunds."""

    def __init__(self, rng: random.Random, now):
        from orders.models import Refund
        from returns.models import ReturnEvent, ReturnLine, ReturnRequest

        self.rng, self.now, self.count = rng, now, 0
        self.requests = Table(
            ReturnRequest,
            [
                "id",
                "number",
                "order_id",
                "customer_id",
                "status",
                "reason",
                "resolution",
                "decided_at",
                "tracking_code",
                "shipped_at",
                "received_at",
                "items_refund",
                "created_at",
                "updated_at",
            ],
        )
        self.lines = Table(
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
        self.events = Table(
            ReturnEvent, ["request_id", "from_status", "to_status", "actor", "note", "created_at"]
        )
        self.refunds = Table(
            Refund,
            [
                "order_id",
                "payment_id",
                "source",
                "method",
                "status",
                "amount",
                "provider_reference",
                "done_at",
                "created_at",
                "updated_at",
            ],
        )

    def tables(self) -> tuple[Table, ...]:
        return (self.requests, self.lines, self.events, self.refunds)

    def add(
        self, *, order_id: int, number: str, customer_id: int, order_status: str, delivered, line
    ) -> None:
        """A return of one unit of `line` (its id and unit price) asked after `delivered`."""
        rng = self.rng
        self.count += 1
        request_id = self.count
        names, weights = RETURN_STATUS[order_status]
        status = rng.choices(names, weights)[0]
        path = RETURN_PATHS[status]
        asked = delivered + timedelta(days=rng.uniform(0.5, 6))
        moments = [min(self.now, asked + RETURN_STEP * step) for step in range(len(path))]
        line_id, unit_price = line
        received = "received" in path
        refunded = status == "refunded"
        self.requests.add(
            request_id,
            f"{number}-D1",
            order_id,
            customer_id,
            status,
            rng.choices(REASONS, REASON_WEIGHTS)[0],
            "refund",
            moments[1] if len(path) > 1 else None,
            f"RB{request_id:09d}BR" if "awaiting_shipment" in path else None,
            moments[3] if "in_transit" in path else None,
            moments[4] if received else None,
            unit_price if refunded else Decimal("0"),
            moments[0],
            moments[-1],
        )
        self.lines.add(request_id, line_id, 1, int(received), int(refunded), moments[0], moments[0])
        previous = ""
        for moment, to_status in zip(moments, path, strict=True):
            actor = "customer" if to_status == "requested" else "staff:devolucoes@loja-aurora.example"
            self.events.add(request_id, previous, to_status, actor, "", moment)
            previous = to_status
        if refunded:
            self.refunds.add(
                order_id,
                order_id,  # each order's one payment has its order's id
                f"return:{request_id}",
                "original",
                "done",
                unit_price,
                f"bench-refund-{request_id}",
                moments[-1],
                moments[-2],
                moments[-1],
            )


def seed(*, orders: int, customers: int, staff_password: str) -> dict:
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from backoffice.roles import Role
    from inventory.models import StockMovement
    from logistics.access_keys import access_key
    from logistics.models import InvoiceRecord, Shipment
    from orders.models import Order, OrderEvent, OrderLine, Payment, Refund
    from returns.models import ReturnEvent, ReturnLine, ReturnRequest
    from storefront.accounts.models import User
    from storefront.catalog.models import Variant
    from support.models import Message, Ticket, TicketQueue

    if Order.objects.exists() or User.objects.exists():
        raise SeedFailed("the database is not empty: the bench seeds a freshly migrated one")
    rng = random.Random(SEED)  # noqa: S311  # reproducible bench data, not a secret
    now = timezone.now()
    started = time.monotonic()

    manager = staff_member_ensure(
        email=MANAGER_EMAIL, full_name="Gerente do Bench", role=Role.MANAGER, password=staff_password
    )
    variants = bench_variants(rng, 200)
    for variant in variants:
        variant.cost_price = (variant.price * Decimal("0.55")).quantize(Decimal("0.01"))
    Variant.objects.bulk_update(variants, ["cost_price"])
    costs = {variant.pk: variant.cost_price for variant in variants}
    warehouse, box, services = _infrastructure()
    ledger = StockLedger(warehouse, variants)
    returns = Returns(rng, now)
    queue_id = TicketQueue.objects.order_by("pk").values_list("pk", flat=True).first()
    line_fields = {field.attname for field in OrderLine._meta.concrete_fields}
    has_cost = "unit_cost" in line_fields

    users = Table(User, ["id", "email", "full_name", "password", "date_joined", "created_at", "updated_at"])
    people = []
    first_user = manager.pk + 1
    for index in range(customers):
        name = person(rng)
        email = f"{name.lower().translate(PLAIN).replace(' ', '.')}.{index}@example.com.br"
        joined = now - SPAN * 2 * rng.random()
        users.add(first_user + index, email, name, "!", joined, joined, joined)
        phone = f"119{rng.randrange(10**7, 10**8)}"
        people.append((first_user + index, email, name, valid_cpf(rng), phone, rng.choice(CITIES)))
    with transaction.atomic(), connection.cursor() as cursor:
        users.write(cursor)

    order_table = Table(Order, [*ORDER_COLUMNS, "channel", "hold_reason", "held_at", "cancel_reason"])
    line_table = Table(
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
            *(["unit_cost"] if has_cost else []),
            "created_at",
            "updated_at",
        ],
    )
    payment_table = Table(
        Payment,
        [
            "id",
            "order_id",
            "method",
            "status",
            "amount",
            "installments",
            "gateway",
            "gateway_reference",
            "paid_at",
            "created_at",
            "updated_at",
        ],
    )
    event_table = Table(OrderEvent, ["order_id", "from_status", "to_status", "actor", "note", "created_at"])
    shipment_table = Table(
        Shipment,
        [
            "id",
            "number",
            "order_id",
            "warehouse_id",
            "service_id",
            "status",
            "box_id",
            "weight_grams",
            "length_cm",
            "width_cm",
            "height_cm",
            "declared_value",
            "packed_by",
            "tracking_code",
            "freight_cost",
            "shipped_at",
            "promised_on",
            "last_event_at",
            "delivered_at",
            "created_at",
            "updated_at",
        ],
    )
    invoice_table = Table(
        InvoiceRecord,
        [
            "shipment_id",
            "order_id",
            "series",
            "number",
            "access_key",
            "issued_at",
            "items_total",
            "freight_total",
            "discount_total",
            "total",
            "created_at",
            "updated_at",
        ],
    )
    ticket_table = Table(
        Ticket,
        [
            "id",
            "protocol",
            "subject",
            "channel",
            "status",
            "priority",
            "queue_id",
            "customer_id",
            "contact_name",
            "contact_email",
            "order_id",
            "first_responded_at",
            "resolved_at",
            "closed_at",
            "last_customer_message_at",
            "created_at",
            "updated_at",
        ],
    )
    message_table = Table(
        Message,
        ["ticket_id", "direction", "channel", "author_label", "body_text", "created_at", "updated_at"],
    )

    span = min(SPAN, max(timedelta(days=7), timedelta(days=orders / ORDERS_PER_DAY)))
    start, step = now - span, span / orders
    statuses: Counter = Counter()
    tickets_per_day: Counter = Counter()
    shipment_id = ticket_id = line_id = 0
    for first in range(0, orders, BATCH):
        for index in range(first, min(first + BATCH, orders)):
            order_id = index + 1
            placed = start + step * index + step * rng.random() * 0.9
            age = now - placed
            names, weights = next((names, weights) for limit, names, weights in STATUS_BY_AGE if age < limit)
            status = rng.choices(names, weights)[0]
            statuses[status] += 1
            customer_id, email, name, cpf, phone, (cep, street, district, city, state) = rng.choice(people)
            number = str(100000 + order_id)
            items = Decimal("0.00")
            lines = []
            for _line in range(rng.choice((1, 1, 1, 2, 2, 3))):
                variant = rng.choice(variants)
                quantity = rng.choice((1, 1, 1, 2))
                total = variant.price * quantity
                items += total
                line_id += 1
                lines.append((line_id, variant, quantity))
                line_table.add(
                    line_id,
                    order_id,
                    variant.pk,
                    variant.product.name,
                    variant.sku,
                    variant.price,
                    quantity,
                    total,
                    *([costs[variant.pk]] if has_cost else []),
                    placed,
                    placed,
                )
            shipping = rng.choice(FREIGHT)
            grand = items + shipping
            cancelled = status == "cancelled"
            path = PATHS["awaiting_payment" if cancelled else status]
            moments = {
                step_name: min(now, placed + STEP_AFTER[step_name] * rng.uniform(0.3, 1))
                for step_name in path
            }
            held = status == "on_hold"
            cancelled_at = min(now, placed + timedelta(days=3))
            for _line_id, variant, quantity in lines:
                ledger.line(
                    variant.pk,
                    quantity,
                    reference=f"order:{number}",
                    placed=placed,
                    shipped=moments.get("shipped"),
                    cancelled=cancelled_at if cancelled else None,
                )
            order_table.add(
                order_id,
                number,
                status,
                customer_id,
                email,
                name,
                cpf,
                phone,
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
                shipping,
                grand,
                placed,
                placed,
                max(moments.values()),
                rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
                rng.choice(HOLD_REASONS) if held else "",
                moments["on_hold"] if held else None,
                "payment_expired" if cancelled else "",
            )
            method = rng.choices(METHODS, METHOD_WEIGHTS)[0]
            is_paid = status in PAID
            payment_status = "paid" if is_paid else ("expired" if cancelled else "pending")
            if method == "card" and cancelled:
                payment_status = "failed"
            payment_table.add(
                order_id,
                order_id,
                method,
                payment_status,
                grand,
                rng.choice((1, 1, 3, 6, 10)) if method == "card" else 1,
                "sandbox",
                f"bench-{order_id}",
                moments.get("paid"),
                placed,
                placed,
            )
            previous = ""
            for to_status in (*path, "cancelled") if cancelled else path:
                moment = moments.get(to_status, cancelled_at)
                actor = (
                    "job:risk" if to_status == "validated" else "customer" if not previous else "job:payments"
                )
                event_table.add(order_id, previous, to_status, actor, "", min(moment, now))
                previous = to_status
            if status in LEFT:
                shipment_id += 1
                service = rng.choice(services)
                shipped = moments["shipped"]
                delivered = moments.get("delivered")
                promised = (shipped + timedelta(days=6)).date()
                shipment_table.add(
                    shipment_id,
                    f"{number}-1",
                    order_id,
                    warehouse.pk,
                    service.pk,
                    "delivered" if delivered else "in_transit",
                    box.pk,
                    rng.randrange(300, 5000),
                    30,
                    20,
                    15,
                    items,
                    "staff:expedicao@loja-aurora.example",
                    f"QB{shipment_id:09d}BR",
                    (shipping or Decimal("22.40")) * Decimal("0.8"),
                    shipped,
                    promised,
                    delivered or shipped,
                    delivered,
                    moments["packed"],
                    delivered or shipped,
                )
                invoice_table.add(
                    shipment_id,
                    order_id,
                    1,
                    shipment_id,
                    access_key(
                        state="SP",
                        issued_on=shipped.date(),
                        cnpj="12345678000195",
                        series=1,
                        number=shipment_id,
                        code=order_id % 10**8,
                    ),
                    moments["packed"],
                    items,
                    shipping,
                    Decimal("0.00"),
                    grand,
                    moments["packed"],
                    moments["packed"],
                )
            if status in ("delivered", "completed") and rng.random() < RETURN_SHARE:
                first_line_id, first_variant, _quantity = lines[0]
                returns.add(
                    order_id=order_id,
                    number=number,
                    customer_id=customer_id,
                    order_status=status,
                    delivered=moments["delivered"],
                    line=(first_line_id, first_variant.price),
                )
            if queue_id and rng.random() < 0.05:
                ticket_id += 1
                day = timezone.localdate(placed)
                tickets_per_day[day] += 1
                opened = min(now, placed + timedelta(days=rng.uniform(1, 8)))
                closed = age > timedelta(days=15)
                answered = min(now, opened + timedelta(hours=rng.uniform(0.2, 12)))
                ticket_table.add(
                    ticket_id,
                    f"{day:%Y%m%d}{tickets_per_day[day]:05d}",
                    rng.choice(SUBJECTS),
                    "web",
                    "closed" if closed else "open",
                    "normal",
                    queue_id,
                    customer_id,
                    name,
                    email,
                    order_id,
                    answered,
                    answered + timedelta(hours=2) if closed else None,
                    answered + timedelta(days=3) if closed else None,
                    opened,
                    opened,
                    answered,
                )
                message_table.add(ticket_id, "in", "web", name, "Onde está o meu pedido?", opened, opened)
                message_table.add(
                    ticket_id, "out", "web", "Atendimento", "Seu pedido está a caminho.", answered, answered
                )
        with transaction.atomic(), connection.cursor() as cursor:
            for table in (
                order_table,
                line_table,
                payment_table,
                event_table,
                shipment_table,
                invoice_table,
                ticket_table,
                message_table,
                ledger.table,
                *returns.tables(),
            ):
                table.write(cursor)
    ledger.receipts(start)
    with transaction.atomic(), connection.cursor() as cursor:
        ledger.table.write(cursor)
    seeded_models = [User, Order, OrderLine, Payment, OrderEvent, Shipment, InvoiceRecord, Ticket, Message]
    seeded_models += [StockMovement, ReturnRequest, ReturnLine, ReturnEvent, Refund]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), seeded_models):
            cursor.execute(statement)
        # A live database has its statistics: without them the planner takes a day's orders
        # for a handful and reads each one's payments through the wrong index.
        cursor.execute("ANALYZE")
    seeded_seconds = time.monotonic() - started
    # What the command says goes nowhere: stdout carries the JSON the bench reads.
    call_command(
        "kpi_rebuild",
        "--from",
        f"{timezone.localdate(start):%Y-%m-%d}",
        "--to",
        f"{timezone.localdate(now):%Y-%m-%d}",
        stdout=io.StringIO(),
    )
    return pages_data(
        orders=orders,
        customers=customers,
        statuses=statuses,
        tickets=ticket_id,
        shipments=shipment_id,
        returns=returns.count,
        seed_seconds=seeded_seconds,
        started=started,
    )


def returns_fill() -> dict:
    """A refunded return with its refund for every order that has none (see the module's doc)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from orders.models import Order, Refund
    from returns.models import ReturnRequest

    # Stamped an hour ago at the latest, so that exports take them at once (rows stay back while
    # they settle).
    settled = timezone.now() - timedelta(hours=1)
    requests = Table(
        ReturnRequest,
        [
            "id",
            "number",
            "order_id",
            "customer_id",
            "status",
            "reason",
            "resolution",
            "items_refund",
            "created_at",
            "updated_at",
        ],
    )
    refunds = Table(
        Refund,
        [
            "order_id",
            "payment_id",
            "source",
            "method",
            "status",
            "amount",
            "done_at",
            "created_at",
            "updated_at",
        ],
    )
    request_id = ReturnRequest.objects.aggregate(last=Max("pk"))["last"] or 0
    added, last_order = 0, 0
    while page := list(
        Order.objects.filter(pk__gt=last_order, return_requests__isnull=True)
        .order_by("pk")
        .values_list("pk", "number", "customer_id", "items_total", "placed_at")[:BATCH]
    ):
        for order_id, number, customer_id, items, placed in page:
            request_id += 1
            asked = max(placed, min(settled, placed + timedelta(days=10)))
            done = max(asked, min(settled, asked + timedelta(days=8)))
            requests.add(
                request_id,
                f"{number}-D1",
                order_id,
                customer_id,
                "refunded",
                "regret",
                "refund",
                items,
                asked,
                done,
            )
            # Each order's one payment has its order's id.
            refunds.add(
                order_id, order_id, f"return:{request_id}", "original", "done", items, done, asked, done
            )
        with transaction.atomic(), connection.cursor() as cursor:
            requests.write(cursor)
            refunds.write(cursor)
        added += len(page)
        last_order = page[-1][0]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [ReturnRequest, Refund]):
            cursor.execute(statement)
    return {
        "returns_added": added,
        "returns": ReturnRequest.objects.count(),
        "refunds": Refund.objects.count(),
    }


def pages_data(
    *,
    orders: int,
    customers: int,
    statuses: Counter,
    tickets: int,
    shipments: int,
    returns: int,
    seed_seconds: float,
    started: float,
) -> dict:
    """What the bench opens: a shipped order with a ticket from the middle of the span (found by
    number, email and CPF) and its workspace, and the span the dashboards show."""
    from django.utils import timezone

    from backoffice.kpis.sections import sections
    from inventory.models import StockMovement
    from orders.models import Order

    today = timezone.localdate()
    # An order of the same kind on every database (shipped, with a ticket), so that its
    # workspace runs the same queries on the tiny one and the full one.
    kind = Order.objects.filter(shipments__isnull=False, tickets__isnull=False).distinct()
    middle = kind.filter(pk__gte=orders // 2).order_by("pk").values("number", "email", "cpf").first()
    middle = middle or kind.order_by("pk").values("number", "email", "cpf")[0]
    return {
        "staff": {"manager": MANAGER_EMAIL},
        "order_number": middle["number"],
        "order_email": middle["email"],
        "order_cpf": middle["cpf"],
        "dashboards": [section.slug for section in sections()],
        "year_start": f"{today - timedelta(days=364):%Y-%m-%d}",
        "year_end": f"{today:%Y-%m-%d}",
        "orders": orders,
        "customers": customers,
        "tickets": tickets,
        "shipments": shipments,
        "returns": returns,
        "stock_movements": StockMovement.objects.count(),
        "statuses": dict(statuses),
        "rows_seconds": round(seed_seconds, 1),
        "seconds": round(time.monotonic() - started, 1),
    }


if __name__ == "__main__":
    data_main(
        __doc__,
        option="orders",
        seed=seed,
        budgets=BUDGETS,
        per_customer=10,
        commands={"returns-fill": returns_fill},
    )
