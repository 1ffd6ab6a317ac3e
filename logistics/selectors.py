from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from core.calendar import BusinessCalendar, business_calendar
from core.cep import is_capital_cep, normalize_cep, state_for_cep
from inventory.models import Bin, ReservationAllocation, Warehouse
from logistics.models import CarrierClaim, PickLine, PickList, Shipment, ShippingRate, TrackingEvent
from orders.models import Order
from storefront.catalog.models import Variant

# Correios' cubic factor: a parcel weighs at least its volume in cm3 / 6000, in kg.
CUBIC_DIVISOR = 6000


@dataclass(frozen=True)
class Parcel:
    """What goes in the box: the items' real weight and their volume added up."""

    weight_grams: int
    volume_cm3: Decimal

    @property
    def billable_grams(self) -> int:
        return max(self.weight_grams, int(self.volume_cm3 * 1000 / CUBIC_DIVISOR))


@dataclass(frozen=True)
class ShippingOption:
    code: str
    label: str
    price: Decimal
    days: int
    arrives_by: date | None = None  # filled by `delivery_dates_add`


def parcel_for(items: Iterable[tuple[Variant, int]]) -> Parcel:
    """The parcel `(variant, quantity)` items make: their weights and volumes added up."""
    weight, volume = 0, Decimal("0")
    for variant, quantity in items:
        weight += variant.weight_grams * quantity
        volume += variant.length_cm * variant.width_cm * variant.height_cm * quantity
    return Parcel(weight_grams=weight, volume_cm3=volume)


def dispatch_date(*, calendar: BusinessCalendar | None = None) -> date:
    """The day an order paid today leaves the warehouse, at the latest."""
    calendar = calendar or business_calendar()
    return calendar.add_business_days(timezone.localdate(), settings.STORE_DISPATCH_BUSINESS_DAYS)


# Orders whose parcels have not left: their page promises a day counted from the next dispatch.
NOT_SHIPPED_YET = frozenset(
    {
        Order.Status.AWAITING_PAYMENT,
        Order.Status.PAID,
        Order.Status.ON_HOLD,
        Order.Status.VALIDATED,
        Order.Status.PICKING,
        Order.Status.PACKED,
    }
)


def order_arrival_estimate(*, order: Order) -> date | None:
    """The day an order that has not shipped should arrive by, leaving on the next dispatch
    day with the service chosen; None once it shipped (its shipments carry their promise) or
    was cancelled."""
    if order.status not in NOT_SHIPPED_YET:
        return None
    calendar = business_calendar()
    return calendar.add_business_days(dispatch_date(calendar=calendar), order.delivery_days)


def delivery_dates_add(options: list[ShippingOption]) -> list[ShippingOption]:
    """The options with the day each arrives by, for an order paid today: the store's dispatch
    days, then the carrier's business days."""
    if not options:
        return options
    calendar = business_calendar()
    leaves_on = dispatch_date(calendar=calendar)
    return [
        replace(option, arrives_by=calendar.add_business_days(leaves_on, option.days)) for option in options
    ]


def shipping_quote(*, cep: str, parcel: Parcel) -> list[ShippingOption]:
    """Every active service that delivers this parcel to this CEP, cheapest first. Per
    service the rate that names the destination most closely wins (CEP range, then the
    state's capital or interior, then the state, then every state), in the lightest weight
    band the parcel fits."""
    state = state_for_cep(cep)
    if state is None:
        return []
    cep = normalize_cep(cep)
    area = ShippingRate.Area.CAPITAL if is_capital_cep(cep) else ShippingRate.Area.INTERIOR
    destination = (
        Q(cep_start__lte=cep, cep_end__gte=cep)
        | Q(cep_start="", state=state, area__in=[ShippingRate.Area.ALL, area])
        | Q(cep_start="", state="")
    )
    rates = ShippingRate.objects.filter(destination, service__is_active=True).select_related("service")
    closest: dict[int, int] = {}
    chosen: dict[int, ShippingRate] = {}
    for rate in sorted(rates, key=lambda rate: (-rate.specificity, rate.max_weight_grams, rate.pk)):
        # The closest destination decides; a wider one never prices what it has no band for.
        if closest.setdefault(rate.service_id, rate.specificity) != rate.specificity:
            continue
        if rate.max_weight_grams >= parcel.billable_grams:
            chosen.setdefault(rate.service_id, rate)
    options = [
        ShippingOption(code=rate.service.code, label=str(rate.service), price=rate.price, days=rate.days)
        for rate in sorted(chosen.values(), key=lambda rate: (rate.service.position, rate.service_id))
    ]
    return sorted(options, key=lambda option: (option.price, option.days))


def _allocations_here(*, warehouse: Warehouse, picked: bool) -> QuerySet[ReservationAllocation]:
    """Allocations of each outer order in the warehouse, picked (in the dispatch bin) or not."""
    allocations = ReservationAllocation.objects.filter(
        reservation__reference=Concat(Value("order:"), Cast(OuterRef("pk"), CharField())),
        quant__level__warehouse=warehouse,
    )
    if picked:
        return allocations.filter(quant__bin__code=Bin.DISPATCH_CODE)
    return allocations.exclude(quant__bin__code=Bin.DISPATCH_CODE)


def pick_queue(*, warehouse: Warehouse) -> QuerySet[Order]:
    """Validated orders with units to pick in the warehouse and not on an open pick list,
    oldest first."""
    return (
        Order.objects.filter(status__in=[Order.Status.VALIDATED, Order.Status.PICKING])
        .filter(Exists(_allocations_here(warehouse=warehouse, picked=False)))
        .exclude(Exists(PickLine.objects.filter(order=OuterRef("pk"), status=PickLine.Status.PENDING)))
        .annotate(units=Sum("lines__quantity"))
        .order_by("placed_at", "pk")
    )


def pick_list_open(*, warehouse: Warehouse) -> QuerySet[PickList]:
    return (
        PickList.objects.filter(warehouse=warehouse, status=PickList.Status.OPEN)
        .annotate(
            lines_total=Count("lines"),
            lines_pending=Count("lines", filter=Q(lines__status=PickLine.Status.PENDING)),
        )
        .order_by("created_at", "pk")
    )


def pick_list_get(*, number: str) -> PickList:
    """A pick list with its lines in walking order, ready to render."""
    lines = PickLine.objects.select_related("order", "order_line__variant__product", "bin", "lot").order_by(
        "sequence", "pk"
    )
    return (
        PickList.objects.select_related("warehouse")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .get(number=number)
    )


def pack_queue(*, warehouse: Warehouse) -> QuerySet[Order]:
    """Orders picked in the warehouse and waiting for their box, oldest first."""
    return (
        Order.objects.filter(status=Order.Status.PICKING)
        .filter(Exists(_allocations_here(warehouse=warehouse, picked=True)))
        .exclude(Exists(_allocations_here(warehouse=warehouse, picked=False)))
        .exclude(Exists(PickLine.objects.filter(order=OuterRef("pk"), status=PickLine.Status.PENDING)))
        .exclude(
            Exists(
                Shipment.objects.filter(order=OuterRef("pk"), warehouse=warehouse).exclude(
                    status=Shipment.Status.CANCELLED
                )
            )
        )
        .order_by("placed_at", "pk")
    )


def dispatch_queue() -> QuerySet[Shipment]:
    """Packed shipments the carrier has not booked yet: refused ones (a person must look)
    first, then the oldest."""
    return (
        Shipment.objects.filter(status=Shipment.Status.PACKED)
        .select_related("order", "service", "warehouse")
        .order_by("-needs_attention", "created_at", "pk")
    )


@dataclass(frozen=True)
class ShipmentFilters:
    carrier: str = ""
    status: str = ""
    late: bool = False
    search: str = ""


def shipment_list_overdue(*, now: datetime | None = None) -> QuerySet[Shipment]:
    """Shipments on the way past their promised date, or without carrier news for
    STORE_TRACKING_SILENCE_DAYS."""
    now = now or timezone.now()
    quiet_since = now - timedelta(days=settings.STORE_TRACKING_SILENCE_DAYS)
    return Shipment.objects.active().filter(
        Q(promised_on__lt=timezone.localdate(now)) | Q(last_event_at__lt=quiet_since)
    )


def shipment_list(*, filters: ShipmentFilters, now: datetime | None = None) -> QuerySet[Shipment]:
    shipments = shipment_list_overdue(now=now) if filters.late else Shipment.objects.all()
    if filters.carrier:
        shipments = shipments.filter(service__code=filters.carrier)
    if filters.status:
        shipments = shipments.filter(status=filters.status)
    if filters.search:
        term = filters.search.strip().upper()
        shipments = shipments.filter(Q(tracking_code=term) | Q(order__number=term) | Q(number=term))
    overdue = Q(status__in=Shipment.ON_THE_WAY, promised_on__lt=timezone.localdate(now))
    return (
        shipments.select_related("order", "service", "warehouse")
        .annotate(is_overdue=ExpressionWrapper(overdue, output_field=BooleanField()))
        .order_by("-created_at", "-pk")
    )


def shipment_get(*, number: str) -> Shipment:
    """A shipment with its lines, events and invoice record, ready to render."""
    return (
        Shipment.objects.select_related("order", "service", "warehouse", "box", "invoice")
        .prefetch_related(
            "lines__order_line",
            Prefetch("tracking_events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-pk")),
        )
        .get(number=number)
    )


def shipment_list_for_order(*, order: Order) -> list[Shipment]:
    """An order's shipments with their tracking, newest news first, for the customer's page."""
    return list(
        order.shipments.exclude(status=Shipment.Status.CANCELLED)
        .select_related("service")
        .prefetch_related(
            Prefetch("tracking_events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-pk"))
        )
        .order_by("pk")
    )


def deliveries_on(*, day: date) -> QuerySet[Shipment]:
    """Shipments delivered on a day, with what a satisfaction survey asks about: carrier,
    promised and actual dates, incidents on the way."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return (
        Shipment.objects.filter(
            status=Shipment.Status.DELIVERED,
            delivered_at__gte=start,
            delivered_at__lt=start + timedelta(days=1),
        )
        .select_related("order", "service")
        .order_by("delivered_at", "pk")
    )


def carrier_claim_for(*, source: str) -> CarrierClaim | None:
    """The claim opened for `source` (e.g. a return request), if any."""
    return CarrierClaim.objects.filter(source=source).first()
