"""The Django side of bench/recovery_calls: seed lost sales at volume, and count the queries of
the sales-recovery screens.

Run by the bench in Django processes of their own (DATABASE_URL names the bench database):

    python -m bench.recovery_calls_data seed --opportunities 100000
    python -m bench.recovery_calls_data count < pages.json

`seed` writes customers (one for every 4 lost sales; a few lose far more than the rest) with the
orders they placed before (the call list's history column), and lost sales spread evenly over
the past 90 days: carts left behind (their items real variants, some sold out since), Pix or
boletos that expired, declined cards and orders the customer cancelled (those three with the
lost order). Sales lost in the last 7 days (the policy's "stop trying after") are mostly still
open; older ones were closed (time ran out, bought on their own, opted out, not interested,
items gone) or recovered, by a reminder's link or by a call, with the order that recovered
them. Each got the reminders of its kind's sequence (the migrated defaults) that fell due
before it ended, each with the notification that carried it (email, or WhatsApp for one in
five) and some clicked; people with a phone got calls (no answer, call back, not interested,
the order placed on the call), a few still asked to be called back later. Rows go in with
COPY (`Table` of bench/support_desk_seed.py: every column not named takes its field's
default), a batch per transaction. It prints, as JSON, the two staff members (a Telesales
agent and a Manager, whose password comes from BENCH_STAFF_PASSWORD) and what the bench needs
to find its pages.

`count` reads a staff member's cookies and their pages on stdin and writes, per page, its
status, query count, the view's budget, timings and the slowest query's plan (through
bench/support_desk_queries.py, with the recovery screens' budgets).
"""

import json
import random
import time
import uuid
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from bench.backoffice_run import data_main
from bench.support_desk_seed import (
    CITIES,
    NOTIFICATION_COLUMNS,
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
SPAN = timedelta(days=90)  # the longest period the report shows
PER_DAY = 1_112  # 100,000 in 90 days, over a week at least
GIVE_UP = timedelta(days=7)  # the policy's default: older lost sales are no longer open
BATCH = 10_000
TELESALES_EMAIL = "televendas.bench@loja-aurora.example"
MANAGER_EMAIL = "gerente.bench@loja-aurora.example"
OTHER_AGENTS = 5
BUDGETS = {
    "calls": "backoffice.views.recovery.CALL_LIST_QUERIES",
    "call": "backoffice.views.recovery.CALL_DETAIL_QUERIES",
    "report": "backoffice.views.recovery.REPORT_QUERIES",
}
KINDS = ("abandoned_cart", "expired_payment", "card_declined", "cancelled_order")
KIND_WEIGHTS = (60, 20, 8, 12)
# How lost sales ended, recent (still being worked) and old (past "stop trying after").
ENDINGS = {
    "recent": (("open", ""), ("recovered", ""), ("closed", "purchased"), ("closed", "opted_out"),
               ("closed", "not_interested"), ("closed", "items_gone")),
    "old": (("recovered", ""), ("closed", "ran_out"), ("closed", "purchased"), ("closed", "opted_out"),
            ("closed", "not_interested"), ("closed", "items_gone")),
}  # fmt: skip
ENDING_WEIGHTS = {"recent": (70, 9, 12, 3, 3, 3), "old": (12, 58, 20, 4, 4, 2)}
HISTORY_STATUSES = ("delivered", "completed", "completed", "completed", "shipped", "cancelled")
CALL_NOTES = ("", "", "Pediu para ligar depois do almoço.", "Caixa postal.", "Vai falar com o marido.")


def seed(*, opportunities: int, customers: int, staff_password: str) -> dict:
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from backoffice.roles import Role
    from orders.models import Order, RecoveryOpportunity
    from storefront.accounts.models import User
    from support.notifications.models import Notification
    from support.recovery.models import RecoveryCall, RecoveryMessage, RecoveryStep

    if RecoveryOpportunity.objects.exists() or User.objects.exists():
        raise SeedFailed("the database is not empty: the bench seeds a freshly migrated one")
    rng = random.Random(SEED)  # noqa: S311  # reproducible bench data, not a secret
    now = timezone.now()
    started = time.monotonic()

    telesales = staff_member_ensure(
        email=TELESALES_EMAIL, full_name="Televendas do Bench", role=Role.TELESALES, password=staff_password
    )
    staff_member_ensure(
        email=MANAGER_EMAIL, full_name="Gerente do Bench", role=Role.MANAGER, password=staff_password
    )
    steps: dict[str, list[tuple[int, timedelta, str]]] = {}
    for kind, position, delay, channel in RecoveryStep.objects.filter(sequence__is_active=True).values_list(
        "sequence__kind", "position", "delay", "channel"
    ):
        steps.setdefault(kind, []).append((position, delay, channel))
    # One in eight sold out since, one in twenty no longer sold.
    variants = bench_variants(rng, 40, sold_out_every=8, retired_every=20)

    users = Table(
        User, ["id", "email", "full_name", "password", "is_staff", "date_joined", "created_at", "updated_at"]
    )
    agents = [telesales.pk]
    next_user = User.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    for number in range(OTHER_AGENTS):
        users.add(next_user, f"televendas{number}@loja-aurora.example", person(rng), "!", True, now, now, now)
        agents.append(next_user)
        next_user += 1
    orders = Table(Order, ORDER_COLUMNS)
    order_ids = iter(range(1, 10 * opportunities + 1000))

    def order_add(who: tuple, status: str, total: Decimal, placed) -> int:
        customer_id, email, name, cpf, phone, (cep, street, district, city, state) = who
        order_id = next(order_ids)
        orders.add(
            order_id,
            str(300000 + order_id),
            status,
            customer_id,
            email,
            name or "Cliente",
            cpf,
            phone or "11987654321",
            cep,
            street,
            str(rng.randrange(1, 3000)),
            district,
            city,
            state,
            "pac",
            "Correios PAC",
            6,
            total,
            Decimal("19.90"),
            total + Decimal("19.90"),
            placed,
            placed,
            placed,
        )
        return order_id

    people = []
    for index in range(customers):
        name = person(rng)
        email = f"{name.lower().translate(PLAIN).replace(' ', '.')}.{index}@example.com.br"
        joined = now - SPAN * 3 * rng.random()
        users.add(next_user + index, email, name, "!", False, joined, joined, joined)
        phone = f"119{rng.randrange(10_000_000, 99_999_999)}" if rng.random() < 0.8 else ""
        who = (next_user + index, email, name, valid_cpf(rng), phone, rng.choice(CITIES))
        people.append(who)
        # What they bought before: most a few orders, some none, a few many.
        for _order in range(rng.choices((0, 1, 2, 3, 5, 12), (25, 30, 20, 12, 9, 4))[0]):
            placed = joined + (now - joined) * rng.random()
            order_add(who, rng.choice(HISTORY_STATUSES), Decimal(rng.randrange(3990, 89990)) / 100, placed)
    with transaction.atomic(), connection.cursor() as cursor:
        users.write(cursor)
        orders.write(cursor)

    lost = Table(
        RecoveryOpportunity,
        [
            "id",
            "kind",
            "status",
            "close_reason",
            "order_id",
            "cart_token",
            "customer_id",
            "name",
            "email",
            "phone",
            "language",
            "value",
            "lines",
            "lost_at",
            "next_step",
            "next_message_at",
            "clicked_at",
            "call_after",
            "recovered_at",
            "recovered_order_id",
            "recovered_value",
            "recovered_via",
            "recovered_step",
            "recovered_by_id",
            "created_at",
            "updated_at",
        ],
    )
    notifications = Table(Notification, NOTIFICATION_COLUMNS)
    messages = Table(
        RecoveryMessage,
        ["opportunity_id", "step", "email", "notification_id", "clicked_at", "created_at", "updated_at"],
    )
    calls = Table(
        RecoveryCall,
        ["opportunity_id", "agent_id", "outcome", "notes", "call_back_at", "created_at", "updated_at"],
    )

    span = min(SPAN, max(timedelta(days=7), timedelta(days=opportunities / PER_DAY)))
    start, step_length = now - span, span / opportunities
    # A few customers lose far more sales than the rest; one lost sale in four is a guest's.
    ranks = list(range(customers))
    losers = rng.choices(ranks, cum_weights=cumulative([1 / (rank + 100) for rank in ranks]), k=opportunities)
    counts: Counter = Counter()
    notification_id = 0
    for first in range(0, opportunities, BATCH):
        for index in range(first, min(first + BATCH, opportunities)):
            opportunity_id = index + 1
            lost_at = start + step_length * index + step_length * rng.random() * 0.9
            age = now - lost_at
            kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
            if rng.random() < 0.25:
                phone = f"219{rng.randrange(10_000_000, 99_999_999)}" if rng.random() < 0.4 else ""
                who = (
                    None,
                    f"visitante.{index}@example.com.br",
                    "",
                    valid_cpf(rng),
                    phone,
                    rng.choice(CITIES),
                )
            else:
                who = people[losers[index]]
            customer_id, email, name, _cpf, phone, _address = who
            if kind != "abandoned_cart" and not phone:  # the order asked for one
                phone = f"119{rng.randrange(10_000_000, 99_999_999)}"
                who = (*who[:4], phone, who[5])
            chosen = rng.sample(variants, rng.choices((1, 2, 3), (60, 30, 10))[0])
            items = [(variant, rng.choice((1, 1, 2))) for variant in chosen]
            value = sum((variant.price * quantity for variant, quantity in items), Decimal("0.00"))
            period = "recent" if age < GIVE_UP else "old"
            status, reason = rng.choices(ENDINGS[period], ENDING_WEIGHTS[period])[0]
            counts[status] += 1
            # When it ended (closed or recovered); the open ones go on.
            ended = now if status == "open" else lost_at + min(age, GIVE_UP) * rng.uniform(0.05, 1)
            sent = [
                (position, delay, channel)
                for position, delay, channel in steps.get(kind, [])
                if lost_at + delay <= ended
            ]
            clicked = {
                position: lost_at + delay + timedelta(minutes=rng.randrange(5, 600))
                for position, delay, _channel in sent
                if rng.random() < 0.15
            }
            via, recovered_step = "", None
            recovered_order_id = recovered_by = recovered_at = recovered_value = None
            if status == "recovered":
                via = "link" if clicked and rng.random() < 0.8 else "call"
                recovered_at = ended
                if via == "link":
                    recovered_step = rng.choice(sorted(clicked))
                    recovered_at = max(ended, clicked[recovered_step])
                else:
                    recovered_by = rng.choice(agents)
                recovered_value = value + Decimal("19.90")
                recovered_order_id = order_add(
                    who, "delivered" if age > GIVE_UP else "paid", value, recovered_at
                )
            lost_order_id = None
            if kind != "abandoned_cart":
                placed = lost_at - timedelta(hours=1 if kind == "expired_payment" else 0.2)
                lost_order_id = order_add(who, "cancelled", value, placed)
            later = [
                (position, delay)
                for position, delay, _channel in steps.get(kind, [])
                if (position, delay) not in {(p, d) for p, d, _c in sent}
            ]
            # Calls: a third of the people with a phone; an open one may wait to be called back.
            call_after = None
            if phone and age > timedelta(hours=2) and (rng.random() < 0.33 or reason == "not_interested"):
                moments = sorted(
                    lost_at + (min(ended, now) - lost_at) * rng.random() for _ in range(rng.choice((1, 1, 2)))
                )
                for moment in moments:
                    outcome = rng.choice(("no_answer", "no_answer", "call_back"))
                    call_back_at = (
                        moment + timedelta(hours=rng.randrange(3, 48)) if outcome == "call_back" else None
                    )
                    notes = rng.choice(CALL_NOTES)
                    calls.add(
                        opportunity_id, rng.choice(agents), outcome, notes, call_back_at, moment, moment
                    )
                    call_after = call_back_at or moment + timedelta(hours=3)
            if reason == "not_interested":
                calls.add(opportunity_id, rng.choice(agents), "not_interested", "", None, ended, ended)
            if via == "call":
                calls.add(opportunity_id, recovered_by, "order_placed", "", None, ended, ended)
            lost.add(
                opportunity_id,
                kind,
                status,
                reason,
                lost_order_id,
                uuid.UUID(int=rng.getrandbits(128)) if kind == "abandoned_cart" else None,
                customer_id,
                name,
                email,
                phone,
                "pt-br" if rng.random() < 0.95 else "en",
                value,
                json.dumps([[variant.pk, quantity] for variant, quantity in items]),
                lost_at,
                len(sent) + 1,
                (lost_at + later[0][1] if later else lost_at + GIVE_UP) if status == "open" else None,
                min(clicked.values()) if clicked else None,
                call_after if status == "open" else None,
                recovered_at,
                recovered_order_id,
                recovered_value,
                via,
                recovered_step,
                recovered_by,
                lost_at,
                ended if status != "open" else now,
            )
            for position, delay, channel in sent:
                notification_id += 1
                at = lost_at + delay + timedelta(seconds=rng.randrange(30, 300))
                whatsapp = channel == "whatsapp" and phone and rng.random() < 0.5
                notifications.add(
                    notification_id,
                    "sales_recovery",
                    "whatsapp" if whatsapp else "email",
                    customer_id,
                    phone if whatsapp else email,
                    "pt-br",
                    "Você esqueceu algo no carrinho",
                    "Seus itens ainda estão esperando por você.",
                    "sent",
                    at,
                    f"sales_recovery:{opportunity_id}:{position}",
                    at,
                    at,
                )
                messages.add(opportunity_id, position, email, notification_id, clicked.get(position), at, at)
        with transaction.atomic(), connection.cursor() as cursor:
            for table in (orders, lost, notifications, messages, calls):
                table.write(cursor)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [User, Order, RecoveryOpportunity, Notification, RecoveryMessage, RecoveryCall]
        ):
            cursor.execute(statement)
    return pages_data(opportunities=opportunities, customers=customers, counts=counts, started=started)


def pages_data(*, opportunities: int, customers: int, counts: Counter, started: float) -> dict:
    """What the bench opens: the call list (its pages), and the call screen of the open lost
    sale on the list with the most reminders and calls (of those, the highest value)."""
    from django.db.models import Count, F

    from orders.models import Order, RecoveryOpportunity
    from support.notifications.models import Notification
    from support.recovery.models import RecoveryCall, RecoveryMessage
    from support.recovery.selectors import recovery_call_list

    on_list = recovery_call_list().count()
    busiest = (
        recovery_call_list()
        .annotate(calls_made=Count("calls", distinct=True))
        .order_by((F("reminders_sent") + F("calls_made")).desc(), "-value", "id")
        .values("pk", "reminders_sent", "calls_made")
        .first()
    )
    return {
        "staff": {"telesales": TELESALES_EMAIL, "manager": MANAGER_EMAIL},
        "call_pk": busiest["pk"],
        "call_reminders": busiest["reminders_sent"],
        "call_calls": busiest["calls_made"],
        "on_list": on_list,
        "opportunities": opportunities,
        "statuses": dict(counts),
        "open_with_phone": RecoveryOpportunity.objects.filter(status="open").exclude(phone="").count(),
        "customers": customers,
        "orders": Order.objects.count(),
        "reminders": RecoveryMessage.objects.count(),
        "clicked": RecoveryMessage.objects.filter(clicked_at__isnull=False).count(),
        "notifications": Notification.objects.count(),
        "calls": RecoveryCall.objects.count(),
        "seconds": round(time.monotonic() - started, 1),
    }


if __name__ == "__main__":
    data_main(__doc__, option="opportunities", seed=seed, budgets=BUDGETS, per_customer=4)
