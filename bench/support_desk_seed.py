"""Seeds a bench database with the support desk at volume, for bench/support_desk.

Run by the bench in a Django process of its own (DATABASE_URL names the bench database):

    python -m bench.support_desk_seed --tickets 100000 --messages 1000000

It writes customers with their orders and payments, support agents, then tickets with their
messages, events, attachments and the notifications that carried the replies, a year of them
spread over the customers (a few customers write far more than the rest). Rows go in with COPY,
a batch of tickets per transaction, ids chosen here; every column the bench does not fill takes
its field's default, so a new field with a default needs nothing here (one without a default
stops the seeding, naming it). It prints, as JSON on stdout, what the bench needs to find its
pages: the agent's email, the ticket with 50 messages, the customer with the most tickets.
The agent's password comes from BENCH_AGENT_PASSWORD.
"""

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

import django

SEED = 2026
SPAN = timedelta(days=365)  # tickets arrived over the past year at most,
TICKETS_PER_DAY = 275  # this many a day (100,000 a year), over a week at least
TICKET_BATCH = 5000  # tickets, with their messages and the rest, written and committed together
AGENTS = 12
TICKET_SCREEN_MESSAGES = 50  # the conversation of the ticket the bench opens
AGENT_EMAIL = "agente.bench@loja-aurora.example"

FIRST_NAMES = (
    "Ana",
    "Maria",
    "João",
    "Pedro",
    "Lucas",
    "Juliana",
    "Fernanda",
    "Rafael",
    "Gabriel",
    "Beatriz",
    "Camila",
    "Bruno",
    "Larissa",
    "Felipe",
    "Mariana",
    "Gustavo",
    "Letícia",
    "Rodrigo",
    "Aline",
    "Thiago",
)
SURNAMES = (
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Almeida",
    "Lopes",
    "Soares",
    "Fernandes",
    "Vieira",
    "Rocha",
)
PLAIN = str.maketrans("áàâãéêíóôõúç", "aaaaeeiooouc")
CITIES = (
    ("01310100", "Avenida Paulista", "Bela Vista", "São Paulo", "SP"),
    ("20040002", "Rua da Assembleia", "Centro", "Rio de Janeiro", "RJ"),
    ("30130010", "Avenida Afonso Pena", "Centro", "Belo Horizonte", "MG"),
    ("80010000", "Rua XV de Novembro", "Centro", "Curitiba", "PR"),
    ("40020000", "Avenida Sete de Setembro", "Centro", "Salvador", "BA"),
    ("90010150", "Rua dos Andradas", "Centro Histórico", "Porto Alegre", "RS"),
)
SUBJECTS = (
    "Pedido não entregue",
    "Troca de tamanho",
    "Produto com defeito",
    "Nota fiscal do pedido",
    "Reembolso do Pix",
    "Boleto pago e pedido não liberado",
    "Quero cancelar o pedido",
    "Rastreamento parado há dias",
    "Cupom não foi aplicado",
    "Dúvida sobre a garantia",
    "Entrega atrasada",
    "Produto diferente do anunciado",
    "Alterar o endereço de entrega",
    "Devolução do produto",
    "Cobrança em duplicidade no cartão",
    "Faltou um item na caixa",
)
SENTENCES = (
    "Olá, fiz um pedido na semana passada e ainda não recebi nenhuma atualização.",
    "O código de rastreamento não mostra movimentação desde sexta-feira.",
    "Gostaria de trocar o tamanho da camiseta por um M, se possível.",
    "O produto chegou com a embalagem amassada e não liga.",
    "Segue em anexo a foto do produto como ele chegou.",
    "Preciso da nota fiscal para apresentar na empresa.",
    "Paguei o boleto na segunda-feira e o pedido continua aguardando pagamento.",
    "Foi cobrado duas vezes no meu cartão de crédito.",
    "Obrigado pelo retorno, aguardo a solução.",
    "Já faz mais de dez dias e ninguém me respondeu.",
    "Olá! Sentimos muito pelo transtorno e já estamos verificando com a transportadora.",
    "Seu pedido foi localizado e a entrega está prevista para os próximos dias úteis.",
    "Enviamos a etiqueta de devolução para o seu e-mail; basta postar em uma agência dos Correios.",
    "O estorno foi solicitado e aparece na fatura em até duas faturas, conforme a operadora.",
    "Pode nos confirmar o endereço completo, com CEP e complemento?",
    "A nota fiscal está disponível na página do pedido, em Meus pedidos.",
    "Qualquer dúvida, estamos à disposição pelo número do protocolo.",
    "Cliente ligou novamente pedindo urgência; prometido retorno até amanhã.",
    "Transportadora confirmou extravio; seguir com reenvio do pedido.",
    "Verificado no gateway: pagamento compensado hoje às 14h.",
)
# An order's columns as the benches write them; the others take their defaults.
ORDER_COLUMNS = (
    "id",
    "number",
    "status",
    "customer_id",
    "email",
    "full_name",
    "cpf",
    "phone",
    "cep",
    "street",
    "street_number",
    "district",
    "city",
    "state",
    "delivery_service",
    "delivery_label",
    "delivery_days",
    "items_total",
    "shipping_total",
    "grand_total",
    "placed_at",
    "created_at",
    "updated_at",
)
# A notification's columns as the benches write them.
NOTIFICATION_COLUMNS = (
    "id",
    "kind",
    "channel",
    "recipient_id",
    "to_address",
    "language",
    "subject",
    "body_text",
    "status",
    "sent_at",
    "dedup_key",
    "created_at",
    "updated_at",
)
ORDER_STATUSES = ("delivered", "completed", "completed", "shipped", "paid", "cancelled")
CHANNELS = ("web", "email", "whatsapp", "chat", "phone", "social")
CHANNEL_WEIGHTS = (30, 35, 20, 8, 5, 2)
PRIORITIES = ("normal", "high", "low", "urgent")
PRIORITY_WEIGHTS = (70, 15, 10, 5)
FIRST_RESPONSE = {"urgent": timedelta(hours=1), "high": timedelta(hours=4), "normal": timedelta(hours=8)}
RESOLUTION = {"urgent": timedelta(days=2), "high": timedelta(days=5)}
ACTIVE = ("new", "open", "waiting_customer", "waiting_third_party")
PAUSED = ("waiting_customer", "resolved", "closed")
# Statuses by the ticket's age: recent tickets are still being worked, old ones closed, with a
# few forgotten ones (the desk lists them first, past their deadline).
STATUS_BY_AGE = (
    (timedelta(days=2), (*ACTIVE, "resolved"), (35, 40, 15, 5, 5)),
    (timedelta(days=10), (*ACTIVE, "resolved"), (5, 30, 20, 10, 35)),
    (
        timedelta(days=30),
        ("open", "waiting_customer", "waiting_third_party", "resolved", "closed"),
        (5, 5, 3, 17, 70),
    ),
    (SPAN * 2, ("open", "waiting_customer", "closed"), (1, 2, 97)),
)


class SeedFailed(Exception):
    pass


class Table:
    """COPY rows into a model's table: the columns named here come with each row, every other
    column takes its field's default."""

    def __init__(self, model, columns: Sequence[str]):
        from django.db import connection

        fields = {field.attname: field for field in model._meta.concrete_fields}
        if unknown := set(columns) - fields.keys():
            raise SeedFailed(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
        # The primary key, when not given, comes from its sequence.
        rest = [field for name, field in fields.items() if name not in columns and not field.primary_key]
        defaults = []
        for field in rest:
            value = field.get_default()
            if value is None and not field.null:
                raise SeedFailed(
                    f"{model.__name__}.{field.name} has no default: give it a value in this module"
                )
            defaults.append(field.get_db_prep_save(value, connection))
        self.defaults = tuple(defaults)
        names = ", ".join(f'"{fields[name].column}"' for name in columns)
        names += "".join(f', "{field.column}"' for field in rest)
        self.sql = f'COPY "{model._meta.db_table}" ({names}) FROM STDIN'
        self.rows: list[tuple] = []

    def add(self, *values) -> None:
        self.rows.append(values + self.defaults)

    def write(self, cursor) -> int:
        with cursor.copy(self.sql) as copy:
            for row in self.rows:
                copy.write_row(row)
        written, self.rows = len(self.rows), []
        return written


def valid_cpf(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(9)]
    for length in (9, 10):
        remainder = sum(digit * (length + 1 - index) for index, digit in enumerate(digits)) * 10 % 11
        digits.append(0 if remainder == 10 else remainder)
    return "".join(map(str, digits))


def staff_member_ensure(*, email: str, full_name: str, role: str, password: str):
    """A staff member of one role, who logs in with a password: refused when the role's policy
    asks for two-factor login."""
    from backoffice.models import RolePolicy
    from storefront.accounts.services import staff_user_ensure

    if RolePolicy.objects.filter(group__name=role, requires_two_factor=True).exists():
        raise SeedFailed(f"the {role} role requires two-factor login: the bench logs in with a password")
    return staff_user_ensure(email=email, full_name=full_name, password=password, group_names=[role])[0]


def bench_variants(
    rng: random.Random, count: int, *, sold_out_every: int = 0, retired_every: int = 0
) -> list:
    """`count` published products of one variant each, in a category of their own; every
    `sold_out_every`-th out of stock online and every `retired_every`-th no longer sold."""
    from storefront.catalog.models import Category, Product, Variant

    category = Category.objects.create(name="Bench", slug="bench")
    variants = []
    for number in range(count):
        product = Product.objects.create(
            category=category, name=f"Produto {number}", slug=f"produto-{number}", is_published=True
        )
        variants.append(
            Variant.objects.create(
                product=product,
                sku=f"BENCH-{number:03d}",
                ean=f"789{number:09d}0",
                price=Decimal(rng.randrange(3990, 59990)) / 100,
                stock_online=0 if sold_out_every and number % sold_out_every == sold_out_every - 1 else 50,
                is_active=not retired_every or number % retired_every != retired_every - 1,
            )
        )
    return variants


def seed(*, tickets: int, messages: int, customers: int, agent_password: str, progress: bool) -> dict:
    from django.contrib.auth.models import Group
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone
    from tqdm import tqdm

    from backoffice.models import RolePolicy
    from backoffice.roles import Role
    from orders.models import Order, Payment
    from storefront.accounts.models import User
    from storefront.accounts.services import staff_user_ensure
    from support.models import Attachment, Message, Ticket, TicketEvent, TicketQueue
    from support.notifications.models import Notification

    if messages < tickets + TICKET_SCREEN_MESSAGES - 1:
        raise SeedFailed(f"{messages} messages are too few for {tickets} tickets: every ticket has one")
    if Ticket.objects.exists() or User.objects.exists():
        raise SeedFailed("the database is not empty: the bench seeds a freshly migrated one")
    rng = random.Random(SEED)  # noqa: S311  # reproducible bench data, not a secret
    now = timezone.now()
    started = time.monotonic()

    # Agents: the bench's own, logging in with a password, and colleagues sharing the work.
    support_group = Group.objects.get(name=Role.SUPPORT_AGENT)
    if RolePolicy.objects.filter(group=support_group, requires_two_factor=True).exists():
        raise SeedFailed(
            "the Support agent role requires two-factor login: the bench logs in with a password"
        )
    agent, _created = staff_user_ensure(
        email=AGENT_EMAIL,
        full_name="Agente do Bench",
        password=agent_password,
        group_names=[Role.SUPPORT_AGENT],
    )
    colleagues = [
        User(email=f"agente{number:02d}@loja-aurora.example", full_name=person(rng), is_staff=True)
        for number in range(1, AGENTS)
    ]
    for colleague in colleagues:
        colleague.set_unusable_password()
    User.objects.bulk_create(colleagues)
    support_group.user_set.add(*colleagues)
    agents = [(agent.pk, agent.full_name), *((user.pk, user.full_name) for user in colleagues)]
    queues = {queue.code: queue.pk for queue in TicketQueue.objects.all()}

    # Customers, each with orders, each order paid once and announced by two notifications.
    users = Table(User, ["id", "email", "full_name", "password", "date_joined", "created_at", "updated_at"])
    orders = Table(Order, ORDER_COLUMNS)
    payments = Table(
        Payment,
        [
            "id",
            "order_id",
            "method",
            "status",
            "amount",
            "gateway",
            "gateway_reference",
            "paid_at",
            "created_at",
            "updated_at",
        ],
    )
    notifications = Table(Notification, NOTIFICATION_COLUMNS)
    first_user = max(pk for pk, _name in agents) + 1
    people = []  # (id, email, name, phone, [order ids])
    order_id = notification_id = 0
    for index in range(customers):
        user_id, name = first_user + index, person(rng)
        email = f"{name.lower().translate(PLAIN).replace(' ', '.')}.{index}@example.com.br"
        phone = f"119{rng.randrange(10**8):08d}"
        joined = now - SPAN * 2 * rng.random()
        users.add(user_id, email, name, "!", joined, joined, joined)
        cpf, (cep, street, district, city, state) = valid_cpf(rng), rng.choice(CITIES)
        own_orders = []
        for _ in range(1 + min(int(rng.expovariate(1 / 2.5)), 30)):
            order_id += 1
            placed = joined + (now - joined) * rng.random()
            items, shipping = Decimal(rng.randrange(3990, 89990)) / 100, Decimal("19.90")
            total = items + shipping
            orders.add(
                order_id,
                str(100000 + order_id),
                rng.choice(ORDER_STATUSES),
                user_id,
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
                total,
                placed,
                placed,
                placed,
            )
            method = rng.choice(("card", "pix", "boleto"))
            payments.add(
                order_id,
                order_id,
                method,
                "paid",
                total,
                "sandbox",
                f"bench-{order_id}",
                placed,
                placed,
                placed,
            )
            for kind, subject in (
                ("order_received", "Recebemos seu pedido"),
                ("payment_confirmed", "Pagamento confirmado"),
            ):
                notification_id += 1
                notifications.add(
                    notification_id,
                    kind,
                    "email",
                    user_id,
                    email,
                    "pt-br",
                    f"{subject} {100000 + order_id}",
                    f"{subject}: pedido {100000 + order_id}.",
                    "sent",
                    placed,
                    f"{kind}:{order_id}",
                    placed,
                    placed,
                )
            own_orders.append(order_id)
        people.append((user_id, email, name, phone, own_orders))
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (users, orders, payments, notifications):
            table.write(cursor)

    # Who writes, when, where and how it stands: decided first for every ticket, so that the
    # messages can be spread among them before any row is written.
    span = min(SPAN, max(timedelta(days=7), timedelta(days=tickets / TICKETS_PER_DAY)))
    start = now - span
    step = span / tickets
    # A few customers write far more than the rest (1 / (rank + 200)); one ticket in ten is a
    # guest's, known only by email.
    ranks = list(range(customers))
    writers = rng.choices(ranks, cum_weights=cumulative([1 / (rank + 200) for rank in ranks]), k=tickets)
    plan = []  # (created, status, queue, customer index or -1)
    for index in range(tickets):
        created = start + step * index + step * rng.random() * 0.9
        age = now - created
        statuses, weights = next((names, weights) for limit, names, weights in STATUS_BY_AGE if age < limit)
        status = rng.choices(statuses, weights)[0]
        queue = "ouvidoria" if rng.random() < 0.05 else "sac"
        plan.append((created, status, queue, writers[index] if rng.random() < 0.9 else -1))
    screen = next(
        index for index in reversed(range(tickets)) if plan[index][2] == "sac" and plan[index][3] >= 0
    )
    plan[screen] = (plan[screen][0], "open", "sac", plan[screen][3])
    # One message each, the rest spread unevenly (a new ticket has only the customer's first).
    counts = [1] * tickets
    counts[screen] = TICKET_SCREEN_MESSAGES
    weights = [
        0.0 if plan[index][1] == "new" or index == screen else rng.expovariate(1) for index in range(tickets)
    ]
    if not any(weights):
        weights = [1.0 if index != screen else 0.0 for index in range(tickets)]
    for index, extra in Counter(
        rng.choices(range(tickets), cum_weights=cumulative(weights), k=messages - sum(counts))
    ).items():
        counts[index] += extra

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
            "assignee_id",
            "customer_id",
            "contact_name",
            "contact_email",
            "contact_phone",
            "order_id",
            "escalated_from_id",
            "merged_into_id",
            "first_response_due_at",
            "resolution_due_at",
            "sla_due_at",
            "sla_warn_at",
            "sla_paused_at",
            "sla_breached_at",
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
        [
            "id",
            "ticket_id",
            "direction",
            "channel",
            "author_id",
            "author_label",
            "body_text",
            "body_html",
            "message_id",
            "external_id",
            "notification_id",
            "is_automatic",
            "created_at",
            "updated_at",
        ],
    )
    event_table = Table(TicketEvent, ["ticket_id", "from_status", "to_status", "actor", "note", "created_at"])
    attachment_table = Table(
        Attachment,
        ["message_id", "token", "file", "filename", "content_type", "size", "created_at", "updated_at"],
    )
    bodies = [" ".join(rng.sample(SENTENCES, rng.randint(1, 6))) for _ in range(400)]
    day_counts: Counter = Counter()
    last_ticket: dict[int, tuple[int, str]] = {}  # customer index: (ticket id, queue)
    message_id = 0
    bar = tqdm(
        total=messages, desc="messages", unit=" rows", disable=None if progress else True, mininterval=0.5
    )
    for first in range(0, tickets, TICKET_BATCH):
        for index in range(first, min(first + TICKET_BATCH, tickets)):
            ticket_id = index + 1
            created, status, queue, writer = plan[index]
            day = timezone.localdate(created)
            day_counts[day] += 1
            protocol = f"{day:%Y%m%d}{day_counts[day]:05d}"
            channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
            priority = rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0]
            if writer >= 0:
                customer_id, email, name, phone, own_orders = people[writer]
                order = rng.choice(own_orders) if rng.random() < 0.6 else None
            else:
                customer_id, name, order = None, person(rng), None
                email, phone = f"contato{ticket_id}@example.net", ""
            escalated_from = merged_into = None
            if writer >= 0 and (previous := last_ticket.get(writer)):
                if queue == "ouvidoria" and previous[1] == "sac":
                    escalated_from = previous[0]
                elif status == "closed" and rng.random() < 0.005:
                    merged_into = previous[0]
            if writer >= 0:
                last_ticket[writer] = (ticket_id, queue)
            assignee = None if status == "new" and rng.random() < 0.9 else rng.choice(agents)
            worker = assignee or rng.choice(agents)
            # When the conversation ended: resolved tickets within days; the others are still going.
            age = now - created
            if status in ("resolved", "closed"):
                end = created + min(age, timedelta(days=10)) * rng.uniform(0.05, 0.9)
            elif status == "new":
                end = created
            else:
                end = created + min(age, timedelta(days=20)) * rng.uniform(0.3, 0.95)
            count = counts[index]
            first_response = last_customer = None
            previous_direction = "out"
            for number in range(count):
                message_id += 1
                at = created + (end - created) * (number / count)
                if number == 0:
                    direction = previous_direction = "in"
                elif number == 1 or rng.random() > 0.1:
                    direction = "out" if previous_direction == "in" else "in"
                    previous_direction = direction
                else:
                    direction = "note"
                if direction == "in":
                    author, label, last_customer = customer_id, name, at
                else:
                    author, label = worker
                    first_response = first_response or (at if direction == "out" else None)
                body = bodies[rng.randrange(len(bodies))]
                notification = None
                if direction == "out":
                    notification_id += 1
                    notification = notification_id
                    kind = "ticket_received" if number == 1 else "ticket_reply"
                    notifications.add(
                        notification_id,
                        kind,
                        "email",
                        customer_id,
                        email,
                        "pt-br",
                        f"Protocolo {protocol}",
                        body,
                        "sent",
                        at,
                        f"ticket_message:{message_id}",
                        at,
                        at,
                    )
                message_table.add(
                    message_id,
                    ticket_id,
                    direction,
                    "internal" if direction == "note" else channel,
                    author,
                    label,
                    body,
                    f"<p>{body}</p>" if channel == "email" and direction == "in" else "",
                    f"<{ticket_id}.{number}@mail.example.com.br>" if channel == "email" else "",
                    f"wamid.{message_id}" if channel == "whatsapp" and direction != "note" else "",
                    notification,
                    number == 1,
                    at,
                    at,
                )
                if direction == "in" and rng.random() < 0.03:
                    token = f"{message_id:040x}"
                    attachment_table.add(
                        message_id,
                        token,
                        f"support/attachments/{ticket_id}/{token}",
                        "foto.jpg",
                        "image/jpeg",
                        rng.randrange(40_000, 3_000_000),
                        at,
                        at,
                    )
            if status == "new":
                first_response = None
            first_due = created + FIRST_RESPONSE.get(priority, timedelta(hours=16))
            resolution_due = created + RESOLUTION.get(priority, timedelta(days=7))
            due = resolution_due if first_response else min(first_due, resolution_due)
            resolved = end if status in ("resolved", "closed") else None
            closed = min(resolved + timedelta(days=7), now) if status == "closed" else None
            paused = (resolved or end) if status in PAUSED else None
            breached = due if due < (resolved or now) else None
            ticket_table.add(
                ticket_id,
                protocol,
                rng.choice(SUBJECTS),
                channel,
                status,
                priority,
                queues[queue],
                assignee and assignee[0],
                customer_id,
                name,
                email,
                phone,
                order,
                escalated_from,
                merged_into,
                first_due,
                resolution_due,
                due,
                due - timedelta(hours=1),
                paused,
                breached,
                first_response,
                resolved,
                closed,
                last_customer,
                created,
                max(end, closed or end),
            )
            event_table.add(ticket_id, "", "new", name, "", created)
            if status != "new":
                moved = first_response or end
                event_table.add(ticket_id, "new", "open", worker[1], "", moved)
                if status != "open":
                    event_table.add(
                        ticket_id, "open", "resolved" if closed else status, worker[1], "", resolved or end
                    )
                if closed:
                    event_table.add(ticket_id, "resolved", "closed", "job:tickets_close_resolved", "", closed)
        written = len(message_table.rows)
        with transaction.atomic(), connection.cursor() as cursor:
            for table in (ticket_table, notifications, message_table, attachment_table, event_table):
                table.write(cursor)
        bar.update(written)
    bar.close()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [User, Order, Payment, Notification, Ticket, Message, TicketEvent, Attachment]
        ):
            cursor.execute(statement)

    from django.db.models import Count

    busiest = (
        Ticket.objects.filter(customer__isnull=False)
        .values("customer_id", "customer__email")
        .annotate(tickets=Count("pk"))
        .order_by("-tickets", "customer_id")
        .first()
    )
    return {
        "agent_email": AGENT_EMAIL,
        "ticket_protocol": Ticket.objects.get(pk=screen + 1).protocol,
        "ticket_messages": Message.objects.filter(ticket_id=screen + 1).count(),
        "customer_id": busiest["customer_id"],
        "customer_email": busiest["customer__email"],
        "customer_tickets": busiest["tickets"],
        "customer_messages": Message.objects.filter(ticket__customer_id=busiest["customer_id"]).count(),
        "tickets": Ticket.objects.count(),
        "active_tickets": Ticket.objects.active().count(),
        "mine": Ticket.objects.active().filter(assignee=agent, queue__code="sac").count(),
        "messages": Message.objects.count(),
        "customers": customers,
        "orders": order_id,
        "notifications": notification_id,
        "seconds": round(time.monotonic() - started, 1),
    }


def cumulative(weights: list[float]) -> list[float]:
    total, running = 0.0, []
    for weight in weights:
        total += weight
        running.append(total)
    return running


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, required=True)
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--customers", type=int, help="default: one for every 30 tickets, at least 20")
    parser.add_argument("--progress", action="store_true", help="draw a progress bar on a terminal")
    options = parser.parse_args()
    django.setup()
    try:
        result = seed(
            tickets=options.tickets,
            messages=options.messages,
            customers=options.customers or max(20, options.tickets // 30),
            agent_password=os.environ["BENCH_AGENT_PASSWORD"],
            progress=options.progress,
        )
    except SeedFailed as error:
        sys.exit(f"seeding failed: {error}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
