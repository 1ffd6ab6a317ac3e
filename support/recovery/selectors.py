"""Reads for the recovery screens: the telesales call list and what recovery brings."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from orders.models import Order, RecoveryOpportunity
from storefront.catalog.models import Variant
from support.recovery.models import RecoveryCall, RecoveryMessage, RecoveryPolicy, RecoveryStep

Status = RecoveryOpportunity.Status


def recovery_policy() -> RecoveryPolicy:
    """The one policy row (the defaults until a manager saves it)."""
    return RecoveryPolicy.objects.order_by("pk").first() or RecoveryPolicy()


def recovery_call_list(*, now: datetime | None = None) -> QuerySet[RecoveryOpportunity]:
    """Open lost sales with a phone to call and nothing asking to wait, highest value first,
    with the calls made so far."""
    now = now or timezone.now()
    # Counted per row shown, not by joining every reminder of every open lost sale (a scan of
    # all reminders and a sort of the whole list, for each page and for the paginator's count,
    # which now leaves the reminders out); COUNT(*) reads only the index on the lost sale.
    reminders = (
        RecoveryMessage.objects.filter(opportunity=OuterRef("pk"))
        .order_by()
        .values("opportunity")
        .annotate(sent=Count("*"))
        .values("sent")
    )
    return (
        RecoveryOpportunity.objects.filter(status=Status.OPEN)
        .exclude(phone="")
        .filter(Q(call_after__isnull=True) | Q(call_after__lte=now))
        .select_related("customer")
        .prefetch_related(Prefetch("calls", queryset=RecoveryCall.objects.select_related("agent")))
        .annotate(reminders_sent=Coalesce(Subquery(reminders), 0))
        .order_by("-value", "id")
    )


def recovery_opportunity_get(*, pk: int) -> RecoveryOpportunity:
    return (
        RecoveryOpportunity.objects.select_related("customer", "order", "recovered_order", "recovered_by")
        .prefetch_related(
            Prefetch("calls", queryset=RecoveryCall.objects.select_related("agent")),
            Prefetch("messages", queryset=RecoveryMessage.objects.select_related("notification")),
        )
        .get(pk=pk)
    )


@dataclass
class LostItem:
    variant: Variant | None
    quantity: int

    @property
    def value_today(self) -> Decimal | None:
        return self.variant.price * self.quantity if self.variant else None


def recovery_items(opportunities: list[RecoveryOpportunity]) -> dict[int, list[LostItem]]:
    """The items of each lost sale with today's variant (None: no longer exists), in one query."""
    ids = {int(variant_id) for opportunity in opportunities for variant_id, _quantity in opportunity.lines}
    variants = (
        Variant.objects.filter(pk__in=ids)
        .select_related("product")
        .prefetch_related("attribute_values")
        .in_bulk()
    )
    return {
        opportunity.pk: [
            LostItem(variant=variants.get(int(variant_id)), quantity=int(quantity))
            for variant_id, quantity in opportunity.lines
        ]
        for opportunity in opportunities
    }


@dataclass
class History:
    orders: int = 0
    spent: Decimal = Decimal("0.00")
    last_order_at: datetime | None = None


# Orders that never became sales.
NOT_SOLD = [Order.Status.CANCELLED, Order.Status.AWAITING_PAYMENT]


def recovery_customer_history(emails: list[str]) -> dict[str, History]:
    """How much each address bought before (orders not cancelled nor unpaid), in one query."""
    rows = (
        Order.objects.filter(email__in=set(emails))
        .exclude(status__in=NOT_SOLD)
        .values("email")
        .annotate(orders=Count("id"), spent=Sum("grand_total"), last=Max("placed_at"))
    )
    return {
        row["email"]: History(orders=row["orders"], spent=row["spent"], last_order_at=row["last"])
        for row in rows
    }


def recovery_recent_orders(*, email: str, limit: int = 5) -> list[Order]:
    return list(Order.objects.filter(email=email).order_by("-placed_at")[:limit])


@dataclass
class StepFigures:
    kind: str
    kind_label: str
    step: int | None
    sent: int = 0
    clicks: int = 0
    orders: int = 0
    revenue: Decimal = Decimal("0.00")

    @property
    def click_rate(self) -> float | None:
        return self.clicks / self.sent if self.sent else None


@dataclass
class KindFigures:
    kind: str
    kind_label: str
    lost: int = 0
    lost_value: Decimal = Decimal("0.00")
    steps: list[StepFigures] = field(default_factory=list)
    by_call: StepFigures | None = None

    @property
    def orders(self) -> int:
        return sum(step.orders for step in self.steps) + (self.by_call.orders if self.by_call else 0)

    @property
    def revenue(self) -> Decimal:
        total = sum((step.revenue for step in self.steps), Decimal("0.00"))
        return total + (self.by_call.revenue if self.by_call else Decimal("0.00"))


def recovery_report(*, since: datetime, until: datetime) -> list[KindFigures]:
    """Per kind of lost sale and per reminder: reminders sent and clicked, orders and revenue
    recovered, for lost sales of the period; and what telesales calls recovered. Four
    grouped queries whatever the volume."""
    lost = RecoveryOpportunity.objects.filter(lost_at__gte=since, lost_at__lt=until)
    labels = dict(RecoveryOpportunity.Kind.choices)
    kinds = {kind: KindFigures(kind=kind, kind_label=str(label)) for kind, label in labels.items()}
    for row in lost.values("kind").annotate(count=Count("id"), value=Sum("value")):
        kinds[row["kind"]].lost, kinds[row["kind"]].lost_value = row["count"], row["value"]
    steps: dict[tuple[str, int], StepFigures] = {}

    def step_of(kind: str, position: int) -> StepFigures:
        if (kind, position) not in steps:
            steps[kind, position] = StepFigures(kind=kind, kind_label=kinds[kind].kind_label, step=position)
        return steps[kind, position]

    for kind, position in RecoveryStep.objects.values_list("sequence__kind", "position"):
        step_of(kind, position)
    # The period on the joined lost sale itself, not `opportunity__in=lost`: that joined the
    # lost sales a second time.
    sent = (
        RecoveryMessage.objects.filter(opportunity__lost_at__gte=since, opportunity__lost_at__lt=until)
        .values("opportunity__kind", "step")
        .annotate(sent=Count("id"), clicks=Count("id", filter=Q(clicked_at__isnull=False)))
    )
    for row in sent:
        figures = step_of(row["opportunity__kind"], row["step"])
        figures.sent, figures.clicks = row["sent"], row["clicks"]
    recovered = (
        lost.filter(status=Status.RECOVERED)
        .values("kind", "recovered_via", "recovered_step")
        .annotate(orders=Count("id"), revenue=Sum("recovered_value"))
    )
    for row in recovered:
        if row["recovered_via"] == RecoveryOpportunity.Via.CALL or row["recovered_step"] is None:
            figures = kinds[row["kind"]].by_call or StepFigures(
                kind=row["kind"], kind_label=kinds[row["kind"]].kind_label, step=None
            )
            kinds[row["kind"]].by_call = figures
        else:
            figures = step_of(row["kind"], row["recovered_step"])
        figures.orders += row["orders"]
        figures.revenue += row["revenue"] or Decimal("0.00")
    for (kind, _position), figures in sorted(steps.items()):
        kinds[kind].steps.append(figures)
    return list(kinds.values())


BUYER_FIELDS = ("cpf", "phone", "cep", "street", "street_number", "complement", "district", "city", "state")


def recovery_order_draft(*, opportunity_id: int) -> dict:
    """What an agent placing the order on the phone starts from: the person, the address of
    the lost order (or of their last one), and the items still for sale, as "SKU quantity";
    nothing for an unknown lost sale."""
    opportunity = RecoveryOpportunity.objects.select_related("order").filter(pk=opportunity_id).first()
    if opportunity is None:
        return {}
    source = opportunity.order or Order.objects.filter(email=opportunity.email).order_by("-placed_at").first()
    draft = {field_name: getattr(source, field_name) for field_name in BUYER_FIELDS} if source else {}
    draft.update(
        {
            "email": opportunity.email,
            "full_name": opportunity.name or getattr(source, "full_name", ""),
            "phone": opportunity.phone or draft.get("phone", ""),
            "recovery": opportunity.pk,
        }
    )
    items = recovery_items([opportunity])[opportunity.pk]
    draft["lines"] = "\n".join(
        f"{item.variant.sku} {item.quantity}" for item in items if item.variant and item.variant.is_available
    )
    return draft
