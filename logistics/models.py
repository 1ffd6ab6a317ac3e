from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.money import cents

PRICE = {"max_digits": 12, "decimal_places": 2}


class CarrierService(TimeStampedModel):
    """A delivery service the store sells at checkout: Correios PAC, Correios SEDEX, a courier."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    carrier = models.CharField(_("carrier"), max_length=60)
    name = models.CharField(_("service"), max_length=60)
    gateway = models.CharField(
        _("carrier adapter"),
        max_length=30,
        default="sandbox",
        help_text=_("Which adapter books and tracks its parcels (a name in STORE_CARRIER_GATEWAYS)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("carrier service")
        verbose_name_plural = _("carrier services")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.carrier} {self.name}"


class ShippingRate(TimeStampedModel):
    """Price and delivery days of a service for parcels up to a weight, to a destination: a
    CEP range, or a state (its capital, its interior or all of it), or every state when both
    are blank. Weights are the larger of real and cubic."""

    class Area(models.TextChoices):
        ALL = "", _("Whole state")
        CAPITAL = "capital", _("Capital")
        INTERIOR = "interior", _("Interior")

    service = models.ForeignKey(
        CarrierService, verbose_name=_("service"), on_delete=models.CASCADE, related_name="rates"
    )
    state = models.CharField(_("state"), max_length=2, blank=True, help_text=_("Blank: every other state."))
    area = models.CharField(_("area"), max_length=10, choices=Area.choices, blank=True, default=Area.ALL)
    cep_start = models.CharField(
        _("from CEP"), max_length=8, blank=True, help_text=_("With “to CEP”: a range that wins over states.")
    )
    cep_end = models.CharField(_("to CEP"), max_length=8, blank=True)
    max_weight_grams = models.PositiveIntegerField(_("up to (g)"))
    price = models.DecimalField(_("price"), **PRICE)
    days = models.PositiveSmallIntegerField(_("business days"))

    class Meta:
        verbose_name = _("shipping rate")
        verbose_name_plural = _("shipping rates")
        ordering = ["service_id", "state", "area", "cep_start", "max_weight_grams"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "state", "area", "cep_start", "cep_end", "max_weight_grams"],
                name="shipping_rate_destination_unique",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="shipping_rate_price_not_negative"),
            models.CheckConstraint(condition=Q(cep_start__lte=F("cep_end")), name="shipping_rate_cep_range"),
        ]
        indexes = [
            models.Index(fields=["state", "max_weight_grams"], name="shipping_rate_lookup_idx"),
            models.Index(fields=["cep_start", "cep_end"], name="shipping_rate_cep_idx"),
        ]

    def __str__(self) -> str:
        where = (
            f"{self.cep_start}–{self.cep_end}"
            if self.cep_start
            else f"{self.state or '*'} {self.area}".strip()
        )
        return f"{self.service} {where} ≤{self.max_weight_grams} g"

    @property
    def specificity(self) -> int:
        """How closely the rate names its destination: a CEP range beats a state's capital or
        interior, which beats the whole state, which beats every state."""
        if self.cep_start:
            return 3
        if self.area:
            return 2
        return 1 if self.state else 0


class Box(TimeStampedModel):
    """A carton the packers use; its size and own weight go on the shipment."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    length_cm = models.PositiveSmallIntegerField(_("length (cm)"))
    width_cm = models.PositiveSmallIntegerField(_("width (cm)"))
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"))
    tare_grams = models.PositiveIntegerField(_("own weight (g)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("box")
        verbose_name_plural = _("boxes")
        ordering = ["length_cm", "width_cm", "height_cm", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.length_cm}×{self.width_cm}×{self.height_cm} cm)"


class PickList(TimeStampedModel):
    """The walk a picker makes through one warehouse for one order or a batch of orders."""

    class Status(models.TextChoices):
        OPEN = "open", _("Picking")
        DONE = "done", _("Done")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="pick_lists",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, editable=False
    )
    created_by = models.CharField(_("created by"), max_length=200)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pick list")
        verbose_name_plural = _("pick lists")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["warehouse", "status", "created_at"], name="pick_list_queue_idx")]
        permissions = [("pick_orders", _("Can pick orders")), ("pack_orders", _("Can pack orders"))]

    def __str__(self) -> str:
        return self.number


PICK_LIST_TRANSITIONS: dict[str, frozenset[str]] = {
    PickList.Status.OPEN: frozenset({PickList.Status.DONE}),
    PickList.Status.DONE: frozenset(),
}


class PickLine(TimeStampedModel):
    """Units of one order line to take from one bin and lot, in the order the picker walks."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To pick")
        PICKED = "picked", _("Picked")
        SHORT = "short", _("Short")
        CANCELLED = "cancelled", _("Order cancelled")

    pick_list = models.ForeignKey(
        PickList, verbose_name=_("pick list"), on_delete=models.CASCADE, related_name="lines"
    )
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="pick_lines"
    )
    order_line = models.ForeignKey(
        "orders.OrderLine", verbose_name=_("order line"), on_delete=models.PROTECT, related_name="pick_lines"
    )
    allocation = models.ForeignKey(
        "inventory.ReservationAllocation",
        verbose_name=_("allocation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pick_lines",
    )
    bin = models.ForeignKey(
        "inventory.Bin", verbose_name=_("bin"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sequence = models.PositiveIntegerField(_("walk order"))
    quantity = models.PositiveIntegerField(_("quantity"))
    picked_quantity = models.PositiveIntegerField(_("picked"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    picked_by = models.CharField(_("picked by"), max_length=200, blank=True)
    picked_at = models.DateTimeField(_("picked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pick line")
        verbose_name_plural = _("pick lines")
        ordering = ["pick_list_id", "sequence", "pk"]
        indexes = [
            models.Index(fields=["order", "status"], name="pick_line_order_idx"),
            models.Index(fields=["picked_at"], name="pick_line_picked_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="pick_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(picked_quantity__lte=F("quantity")), name="pick_line_picked_within_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pick_list_id}/{self.sequence}: {self.quantity}"


PICK_LINE_TRANSITIONS: dict[str, frozenset[str]] = {
    PickLine.Status.PENDING: frozenset(
        {PickLine.Status.PICKED, PickLine.Status.SHORT, PickLine.Status.CANCELLED}
    ),
    PickLine.Status.PICKED: frozenset(),
    PickLine.Status.SHORT: frozenset(),
    PickLine.Status.CANCELLED: frozenset(),
}


class ShipmentQuerySet(models.QuerySet):
    def active(self) -> "ShipmentQuerySet":
        """With the carrier and not yet at its end."""
        return self.filter(status__in=Shipment.ON_THE_WAY)


class Shipment(TimeStampedModel):
    """One parcel of an order, from packing to the customer's door (or back to us)."""

    class Status(models.TextChoices):
        PACKED = "packed", _("Packed, waiting for the carrier")
        SHIPPED = "shipped", _("Handed to the carrier")
        IN_TRANSIT = "in_transit", _("In transit")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
        DELIVERED = "delivered", _("Delivered")
        RETURNED = "returned", _("Returned to sender")
        CANCELLED = "cancelled", _("Cancelled")

    ON_THE_WAY = (Status.SHIPPED, Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY, Status.DELIVERY_FAILED)

    number = models.CharField(_("number"), max_length=50, unique=True, editable=False)
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="shipments"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="shipments"
    )
    service = models.ForeignKey(
        CarrierService, verbose_name=_("service"), on_delete=models.PROTECT, related_name="shipments"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PACKED, editable=False
    )
    box = models.ForeignKey(Box, verbose_name=_("box"), on_delete=models.PROTECT, related_name="shipments")
    weight_grams = models.PositiveIntegerField(_("weight (g)"))
    length_cm = models.PositiveSmallIntegerField(_("length (cm)"))
    width_cm = models.PositiveSmallIntegerField(_("width (cm)"))
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"))
    declared_value = models.DecimalField(_("declared value"), **PRICE)
    packed_by = models.CharField(_("packed by"), max_length=200)

    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True, null=True, blank=True)
    carrier_reference = models.CharField(_("carrier reference"), max_length=80, blank=True)
    freight_cost = models.DecimalField(
        _("carrier charge"),
        **PRICE,
        null=True,
        blank=True,
        help_text=_("What the carrier charges us for it."),
    )
    booking_attempts = models.PositiveSmallIntegerField(_("booking attempts"), default=0)
    last_error = models.CharField(_("last carrier error"), max_length=300, blank=True)
    needs_attention = models.BooleanField(
        _("needs attention"), default=False, help_text=_("The carrier refused it: a person must look.")
    )

    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    promised_on = models.DateField(_("promised for"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last carrier news"), null=True, blank=True)
    last_polled_at = models.DateTimeField(_("last asked the carrier"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    incidents = models.PositiveSmallIntegerField(
        _("incidents"), default=0, help_text=_("Failed delivery attempts and returns.")
    )
    alerted_at = models.DateTimeField(_("staff alerted at"), null=True, blank=True)

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="shipment_status_idx"),
            models.Index(fields=["service", "status"], name="shipment_service_idx"),
            models.Index(fields=["status", "promised_on"], name="shipment_promise_idx"),
            models.Index(fields=["status", "last_event_at"], name="shipment_news_idx"),
            models.Index(fields=["shipped_at"], name="shipment_shipped_at_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "warehouse"],
                condition=~Q(status="cancelled"),
                name="shipment_one_open_per_order_warehouse",
            ),
        ]
        permissions = [("dispatch_shipment", _("Can dispatch shipments and follow them"))]

    def __str__(self) -> str:
        return self.number

    @property
    def is_delivered_on_time(self) -> bool | None:
        """Whether it arrived by the promised date; None until it arrives."""
        if self.delivered_at is None or self.promised_on is None:
            return None
        return timezone.localdate(self.delivered_at) <= self.promised_on

    def is_late(self, today: date) -> bool:
        return self.status in self.ON_THE_WAY and self.promised_on is not None and self.promised_on < today


SHIPMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    Shipment.Status.PACKED: frozenset({Shipment.Status.SHIPPED, Shipment.Status.CANCELLED}),
    Shipment.Status.SHIPPED: frozenset(
        {
            Shipment.Status.IN_TRANSIT,
            Shipment.Status.OUT_FOR_DELIVERY,
            Shipment.Status.DELIVERY_FAILED,
            Shipment.Status.DELIVERED,
            Shipment.Status.RETURNED,
        }
    ),
    Shipment.Status.IN_TRANSIT: frozenset(
        {
            Shipment.Status.OUT_FOR_DELIVERY,
            Shipment.Status.DELIVERY_FAILED,
            Shipment.Status.DELIVERED,
            Shipment.Status.RETURNED,
        }
    ),
    Shipment.Status.OUT_FOR_DELIVERY: frozenset(
        {
            Shipment.Status.IN_TRANSIT,
            Shipment.Status.DELIVERY_FAILED,
            Shipment.Status.DELIVERED,
            Shipment.Status.RETURNED,
        }
    ),
    Shipment.Status.DELIVERY_FAILED: frozenset(
        {
            Shipment.Status.IN_TRANSIT,
            Shipment.Status.OUT_FOR_DELIVERY,
            Shipment.Status.DELIVERED,
            Shipment.Status.RETURNED,
        }
    ),
    Shipment.Status.DELIVERED: frozenset(),
    Shipment.Status.RETURNED: frozenset(),
    Shipment.Status.CANCELLED: frozenset(),
}


class ShipmentLine(TimeStampedModel):
    """Units of an order line packed in a shipment, checked one by one by the packer."""

    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        "orders.OrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="shipment_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipment_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shipment_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.order_line_id} × {self.quantity}"

    @property
    def amount(self) -> Decimal:
        """What these units cost the customer, at the price the order line was sold at."""
        return self.order_line.unit_price * self.quantity


class TrackingEvent(TimeStampedModel):
    """What the carrier said happened to a shipment, stored once per carrier event."""

    class Kind(models.TextChoices):
        POSTED = "posted", _("Posted")
        IN_TRANSIT = "in_transit", _("In transit")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        DELIVERY_FAILED = "delivery_failed", _("Delivery attempt failed")
        DELIVERED = "delivered", _("Delivered")
        RETURNED = "returned", _("Returned to sender")

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("Carrier notice")
        POLL = "poll", _("Tracking query")

    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="tracking_events"
    )
    event_id = models.CharField(_("carrier event id"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    location = models.CharField(_("where"), max_length=120, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["shipment_id", "occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "event_id"], name="tracking_event_once"),
        ]
        # The support desk looks for recent failed deliveries and returns to open tickets for.
        indexes = [models.Index(fields=["kind", "created_at"], name="tracking_event_kind_idx")]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.kind}"


class InvoiceRecord(TimeStampedModel):
    """The record of a fiscal invoice (NF-e): the outgoing one that travels with a shipment, or
    the entry one of goods a customer sent back, which refers to the outgoing invoice's access
    key. Numbers of a series run without gaps; the issuer adapter authorises it."""

    class Kind(models.TextChoices):
        OUTGOING = "outgoing", _("Outgoing (sale)")
        ENTRY = "entry", _("Entry (return)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OUTGOING)
    shipment = models.OneToOneField(
        Shipment,
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice",
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entry_invoices",
        help_text=_("For entry invoices: the order the goods came back from."),
    )
    referenced_key = models.CharField(
        _("referenced access key"),
        max_length=44,
        blank=True,
        help_text=_("The outgoing invoice it reverses."),
    )
    source = models.CharField(
        _("issued for"),
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        help_text=_("What an entry invoice was issued for (return:12): once each."),
    )
    series = models.PositiveSmallIntegerField(_("series"))
    number = models.PositiveIntegerField(_("number"))
    access_key = models.CharField(_("access key"), max_length=44, unique=True)
    authorisation = models.CharField(_("authorisation protocol"), max_length=30)
    issued_at = models.DateTimeField(_("issued at"))
    issuer_name = models.CharField(_("issuer"), max_length=150)
    issuer_cnpj = models.CharField(_("issuer CNPJ"), max_length=14)
    items_total = models.DecimalField(_("items"), **PRICE)
    freight_total = models.DecimalField(_("freight"), **PRICE)
    discount_total = models.DecimalField(_("discounts"), **PRICE)
    total = models.DecimalField(_("total"), **PRICE)
    cancelled_at = models.DateTimeField(
        _("cancelled at"), null=True, blank=True, help_text=_("Its shipment never left: the invoice is void.")
    )

    class Meta:
        verbose_name = _("invoice record")
        verbose_name_plural = _("invoice records")
        ordering = ["series", "number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="invoice_number_unique"),
            models.CheckConstraint(
                condition=Q(kind="entry") | Q(shipment__isnull=False), name="invoice_outgoing_has_shipment"
            ),
            models.CheckConstraint(
                condition=Exact(
                    cents("total"), cents("items_total") - cents("discount_total") + cents("freight_total")
                ),
                name="invoice_total_adds_up",
            ),
        ]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="invoice_keyset_idx"),
            models.Index(fields=["created_at", "id"], name="invoice_feed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.number}"


class CarrierClaim(TimeStampedModel):
    """A claim against the carrier for a parcel it damaged or lost (the Correios "reclamação"
    asking for compensation): opened once per `source` (what asked for it, "return:12"),
    filed at the carrier by a task, then paid or refused by the carrier's answer."""

    class Reason(models.TextChoices):
        DAMAGED = "damaged", _("Damaged in transport")
        LOST = "lost", _("Lost in transport")

    class Status(models.TextChoices):
        PENDING = "pending", _("To be filed")
        FILED = "filed", _("Open at the carrier")
        PAID = "paid", _("Paid")
        REFUSED = "refused", _("Refused")

    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.PROTECT, related_name="claims"
    )
    source = models.CharField(
        _("claimed for"),
        max_length=60,
        unique=True,
        help_text=_("What asked for the claim (return:12): once each."),
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    amount = models.DecimalField(_("amount claimed"), **PRICE)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    protocol = models.CharField(_("carrier claim number"), max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(_("filing attempts"), default=0)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    last_error = models.CharField(_("last carrier error"), max_length=300, blank=True)
    opened_by = models.CharField(_("opened by"), max_length=200)
    settled_by = models.CharField(_("answer recorded by"), max_length=200, blank=True)
    settled_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("carrier claim")
        verbose_name_plural = _("carrier claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="carrier_claim_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="carrier_claim_status_idx"),
            models.Index(fields=["created_at"], name="carrier_claim_created_idx"),
        ]
        permissions = [("settle_carrierclaim", _("Can record the carrier's answer to a claim"))]

    def __str__(self) -> str:
        return self.protocol or self.source


CARRIER_CLAIM_TRANSITIONS: dict[str, frozenset[str]] = {
    CarrierClaim.Status.PENDING: frozenset({CarrierClaim.Status.FILED}),
    CarrierClaim.Status.FILED: frozenset({CarrierClaim.Status.PAID, CarrierClaim.Status.REFUSED}),
    CarrierClaim.Status.PAID: frozenset(),
    CarrierClaim.Status.REFUSED: frozenset(),
}


class SandboxParcel(TimeStampedModel):
    """The sandbox carrier's own books, standing in for the carrier's systems: every booking
    it accepted, how often it was asked for it, and the tracking events it has published."""

    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    service = models.CharField(_("service"), max_length=30)
    recipient_name = models.CharField(_("recipient"), max_length=150)
    booking_requests = models.PositiveIntegerField(_("booking requests"), default=1)
    events = models.JSONField(_("events"), default=list)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        verbose_name = _("sandbox parcel")
        verbose_name_plural = _("sandbox parcels")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.tracking_code
