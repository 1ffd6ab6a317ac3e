from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.cpf import validate_cnpj
from core.models import TimeStampedModel


class Warehouse(TimeStampedModel):
    """A place that holds stock. Only warehouses that sell online count for the web store."""

    class Kind(models.TextChoices):
        DISTRIBUTION_CENTRE = "distribution_centre", _("Distribution centre")
        SHOP = "shop", _("Physical shop")

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    sells_online = models.BooleanField(_("sells online"), default=False)
    street = models.CharField(_("street"), max_length=200, blank=True)
    street_number = models.CharField(_("number"), max_length=20, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True)
    cep = models.CharField(_("CEP"), max_length=8, blank=True, help_text=_("Where carriers collect parcels."))

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Bin(TimeStampedModel):
    """A place in a warehouse where units are kept and picked from; pickers walk bins by position."""

    DEFAULT_CODE = "GERAL"
    # Where picked units wait to be packed and shipped; they stay promised to their order.
    DISPATCH_CODE = "EXPEDICAO"
    # Returned units waiting for a decision; never sold from.
    QUARANTINE_CODE = "QUARENTENA"

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="bins"
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("Aisle-shelf-level, e.g. A-01-03."))
    position = models.PositiveIntegerField(_("pick order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    is_sellable = models.BooleanField(
        _("sells"),
        default=True,
        help_text=_("Units in a bin that does not sell (quarantine, damaged) are never reserved or picked."),
    )

    class Meta:
        verbose_name = _("bin")
        verbose_name_plural = _("bins")
        ordering = ["warehouse_id", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["warehouse", "code"], name="bin_code_unique")]

    def __str__(self) -> str:
        return self.code


class Lot(TimeStampedModel):
    """A batch of a lot-tracked variant, with the date after which it may not be sold."""

    variant = models.ForeignKey(
        "catalog.Variant", verbose_name=_("variant"), on_delete=models.PROTECT, related_name="lots"
    )
    code = models.CharField(_("lot"), max_length=40)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["variant_id", "expires_on", "code"]
        constraints = [models.UniqueConstraint(fields=["variant", "code"], name="lot_code_unique")]
        indexes = [models.Index(fields=["expires_on"], name="lot_expiry_idx")]

    def __str__(self) -> str:
        return self.code


class StockLevel(TimeStampedModel):
    """Units of one variant in one warehouse. Moved only by the inventory services, each
    change with its StockMovement, so on hand always equals the sum of the ledger."""

    variant = models.ForeignKey(
        "catalog.Variant", verbose_name=_("variant"), on_delete=models.PROTECT, related_name="stock_levels"
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="stock_levels"
    )
    on_hand = models.PositiveIntegerField(_("on hand"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["warehouse_id", "variant_id"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "warehouse"], name="stock_level_unique"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}@{self.warehouse_id}: {self.on_hand} ({self.reserved} reserved)"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockQuant(TimeStampedModel):
    """The units of a stock level in one bin and lot. The quants of a level add up to its on
    hand; `allocated` are the units paid orders will pick from here (first to expire first)."""

    level = models.ForeignKey(
        StockLevel, verbose_name=_("stock level"), on_delete=models.PROTECT, related_name="quants"
    )
    bin = models.ForeignKey(Bin, verbose_name=_("bin"), on_delete=models.PROTECT, related_name="quants")
    lot = models.ForeignKey(
        Lot, verbose_name=_("lot"), on_delete=models.PROTECT, null=True, blank=True, related_name="quants"
    )
    on_hand = models.PositiveIntegerField(_("on hand"), default=0)
    allocated = models.PositiveIntegerField(_("allocated"), default=0)

    class Meta:
        verbose_name = _("stock in a bin")
        verbose_name_plural = _("stock in bins")
        ordering = ["level_id", "bin_id", "lot_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "bin", "lot"], condition=Q(lot__isnull=False), name="stock_quant_unique_lot"
            ),
            models.UniqueConstraint(
                fields=["level", "bin"], condition=Q(lot__isnull=True), name="stock_quant_unique_no_lot"
            ),
            models.CheckConstraint(
                condition=Q(allocated__lte=F("on_hand")), name="stock_quant_allocated_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level_id}@{self.bin_id}/{self.lot_id}: {self.on_hand}"


class StockMovement(models.Model):
    """One line of the stock ledger: what changed, by how much, who did it and why."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", _("Receipt")
        RESERVE = "reserve", _("Reservation")
        RELEASE = "release", _("Release")
        PICK = "pick", _("Pick")
        SHIP = "ship", _("Shipment")
        RETURN = "return", _("Return")
        ADJUST = "adjust", _("Adjustment")
        TRANSFER = "transfer", _("Transfer")
        COUNT = "count", _("Count")

    level = models.ForeignKey(
        StockLevel, verbose_name=_("stock level"), on_delete=models.PROTECT, related_name="movements"
    )
    quant = models.ForeignKey(
        StockQuant,
        verbose_name=_("bin and lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        help_text=_("Where units came in or went out; empty for reservations."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    on_hand_change = models.IntegerField(_("change on hand"), default=0)
    reserved_change = models.IntegerField(_("change reserved"), default=0)
    reference = models.CharField(
        _("reference"), max_length=60, blank=True, help_text=_("What caused it: order:100123, receipt:42…")
    )
    actor = models.CharField(_("by"), max_length=200)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["level_id", "created_at", "pk"]
        indexes = [
            models.Index(fields=["reference"], name="stock_movement_reference_idx"),
            models.Index(fields=["created_at"], name="stock_movement_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.on_hand_change:+d}/{self.reserved_change:+d}"


class Reservation(TimeStampedModel):
    """Units held for an order between checkout and shipping (or until they are let go)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ALLOCATED = "allocated", _("Allocated to a paid order")
        RELEASED = "released", _("Released")
        SHIPPED = "shipped", _("Shipped")

    level = models.ForeignKey(
        StockLevel, verbose_name=_("stock level"), on_delete=models.PROTECT, related_name="reservations"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    reference = models.CharField(_("reference"), max_length=60)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["reference", "status"], name="reservation_reference_idx"),
            models.Index(fields=["status", "expires_at"], name="reservation_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="reservation_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.quantity}"


class ReservationAllocation(TimeStampedModel):
    """Which bin and lot an allocated reservation will be picked from (first to expire first)."""

    reservation = models.ForeignKey(
        Reservation, verbose_name=_("reservation"), on_delete=models.CASCADE, related_name="allocations"
    )
    quant = models.ForeignKey(
        StockQuant, verbose_name=_("bin and lot"), on_delete=models.PROTECT, related_name="allocations"
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["reservation_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="allocation_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.reservation_id} ← {self.quant_id}: {self.quantity}"


RESERVATION_TRANSITIONS: dict[str, frozenset[str]] = {
    Reservation.Status.ACTIVE: frozenset({Reservation.Status.ALLOCATED, Reservation.Status.RELEASED}),
    Reservation.Status.ALLOCATED: frozenset({Reservation.Status.RELEASED, Reservation.Status.SHIPPED}),
    Reservation.Status.RELEASED: frozenset(),
    Reservation.Status.SHIPPED: frozenset(),
}


class Supplier(TimeStampedModel):
    name = models.CharField(_("name"), max_length=150)
    cnpj = models.CharField(_("CNPJ"), max_length=14, unique=True, validators=[validate_cnpj])
    email = models.EmailField(_("email"), blank=True)
    lead_time_days = models.PositiveIntegerField(
        _("lead time (days)"),
        default=7,
        help_text=_("Days from sending an order to its arrival; sets the expected date of new orders."),
    )

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PurchaseOrder(TimeStampedModel):
    """Goods ordered from a supplier for one warehouse, received in one or more deliveries."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ORDERED = "ordered", _("Ordered")
        PARTIALLY_RECEIVED = "partially_received", _("Partially received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="purchase_orders"
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="purchase_orders"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ORDERED, editable=False
    )
    expected_on = models.DateField(_("expected on"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.CharField(_("created by"), max_length=200, blank=True)
    sent_by = models.CharField(_("sent by"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["expected_on", "pk"]
        indexes = [
            models.Index(fields=["status", "expected_on"], name="purchase_order_status_idx"),
            # The purchasing list, newest first, filtered by status, by supplier or by both.
            models.Index(fields=["status", "id"], name="purchase_order_status_pk_idx"),
            models.Index(fields=["supplier", "status", "id"], name="purchase_order_supplier_idx"),
        ]
        permissions = [
            ("receive_stock", _("Can receive goods into stock")),
            ("send_purchase_order", _("Can send purchase orders to suppliers")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"PC-{self.pk:06d}"


PURCHASE_ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    PurchaseOrder.Status.DRAFT: frozenset({PurchaseOrder.Status.ORDERED, PurchaseOrder.Status.CANCELLED}),
    PurchaseOrder.Status.ORDERED: frozenset(
        {
            PurchaseOrder.Status.PARTIALLY_RECEIVED,
            PurchaseOrder.Status.RECEIVED,
            PurchaseOrder.Status.CANCELLED,
        }
    ),
    PurchaseOrder.Status.PARTIALLY_RECEIVED: frozenset(
        {PurchaseOrder.Status.PARTIALLY_RECEIVED, PurchaseOrder.Status.RECEIVED}
    ),
    PurchaseOrder.Status.RECEIVED: frozenset(),
    PurchaseOrder.Status.CANCELLED: frozenset(),
}


class PurchaseOrderLine(TimeStampedModel):
    purchase_order = models.ForeignKey(
        PurchaseOrder, verbose_name=_("purchase order"), on_delete=models.CASCADE, related_name="lines"
    )
    variant = models.ForeignKey(
        "catalog.Variant", verbose_name=_("variant"), on_delete=models.PROTECT, related_name="purchase_lines"
    )
    quantity_ordered = models.PositiveIntegerField(_("ordered"))
    quantity_received = models.PositiveIntegerField(_("received"), default=0, editable=False)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["purchase_order_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["purchase_order", "variant"], name="purchase_line_unique_variant"
            ),
            models.CheckConstraint(
                condition=Q(quantity_ordered__gte=1), name="purchase_line_ordered_positive"
            ),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="purchase_line_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.variant} × {self.quantity_ordered}"

    @property
    def quantity_missing(self) -> int:
        return max(self.quantity_ordered - self.quantity_received, 0)


class GoodsReceipt(TimeStampedModel):
    """One delivery received against a purchase order, as the receiver counted it."""

    purchase_order = models.ForeignKey(
        PurchaseOrder, verbose_name=_("purchase order"), on_delete=models.PROTECT, related_name="receipts"
    )
    received_by = models.CharField(_("received by"), max_length=200)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("goods receipt")
        verbose_name_plural = _("goods receipts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"REC-{self.pk:06d}"


class GoodsReceiptLine(TimeStampedModel):
    receipt = models.ForeignKey(
        GoodsReceipt, verbose_name=_("goods receipt"), on_delete=models.CASCADE, related_name="lines"
    )
    purchase_line = models.ForeignKey(
        PurchaseOrderLine,
        verbose_name=_("purchase order line"),
        on_delete=models.PROTECT,
        related_name="receipts",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    bin = models.ForeignKey(Bin, verbose_name=_("bin"), on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.PROTECT, null=True, blank=True)
    over_delivery = models.PositiveIntegerField(
        _("over delivery"), default=0, help_text=_("Units beyond what was ordered, accepted by the receiver.")
    )

    class Meta:
        verbose_name = _("goods receipt line")
        verbose_name_plural = _("goods receipt lines")
        ordering = ["receipt_id", "pk"]

    def __str__(self) -> str:
        return f"{self.purchase_line_id}: {self.quantity}"


class Transfer(TimeStampedModel):
    """Units sent from one warehouse to another: in transit between shipping and receipt."""

    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    source = models.ForeignKey(
        Warehouse, verbose_name=_("from"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    destination = models.ForeignKey(
        Warehouse, verbose_name=_("to"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_TRANSIT, editable=False
    )
    created_by = models.CharField(_("sent by"), max_length=200)
    received_by = models.CharField(_("received by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="transfer_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("destination")), name="transfer_between_two_warehouses"
            )
        ]
        permissions = [("transfer_stock", _("Can send and receive transfers between warehouses"))]

    def __str__(self) -> str:
        return f"TR-{self.pk:06d}"


TRANSFER_TRANSITIONS: dict[str, frozenset[str]] = {
    Transfer.Status.IN_TRANSIT: frozenset({Transfer.Status.RECEIVED, Transfer.Status.CANCELLED}),
    Transfer.Status.RECEIVED: frozenset(),
    Transfer.Status.CANCELLED: frozenset(),
}


class TransferLine(TimeStampedModel):
    transfer = models.ForeignKey(
        Transfer, verbose_name=_("transfer"), on_delete=models.CASCADE, related_name="lines"
    )
    variant = models.ForeignKey(
        "catalog.Variant", verbose_name=_("variant"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.PROTECT, null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        ordering = ["transfer_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="transfer_line_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity}"


class StockCount(TimeStampedModel):
    """A cycle count of a warehouse or one of its bins: counted quantities are entered, the
    differences reviewed, then applied as adjustments by someone allowed to approve them."""

    class Status(models.TextChoices):
        OPEN = "open", _("Counting")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="counts"
    )
    bin = models.ForeignKey(
        Bin, verbose_name=_("bin"), on_delete=models.PROTECT, null=True, blank=True, related_name="counts"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, editable=False
    )
    created_by = models.CharField(_("opened by"), max_length=200)
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="stock_count_status_idx")]
        permissions = [
            ("count_stock", _("Can count stock")),
            ("approve_count", _("Can apply count differences to stock")),
        ]

    def __str__(self) -> str:
        return f"INV-{self.pk:06d}"


STOCK_COUNT_TRANSITIONS: dict[str, frozenset[str]] = {
    StockCount.Status.OPEN: frozenset({StockCount.Status.APPLIED, StockCount.Status.CANCELLED}),
    StockCount.Status.APPLIED: frozenset(),
    StockCount.Status.CANCELLED: frozenset(),
}


class StockCountLine(TimeStampedModel):
    count = models.ForeignKey(
        StockCount, verbose_name=_("count"), on_delete=models.CASCADE, related_name="lines"
    )
    quant = models.ForeignKey(
        StockQuant, verbose_name=_("bin and lot"), on_delete=models.PROTECT, related_name="+"
    )
    counted = models.PositiveIntegerField(_("counted"))
    expected = models.PositiveIntegerField(
        _("on hand when counted"), help_text=_("The count replaces this; moves made since still count.")
    )

    class Meta:
        verbose_name = _("count line")
        verbose_name_plural = _("count lines")
        ordering = ["count_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["count", "quant"], name="count_line_unique_quant")]

    def __str__(self) -> str:
        return f"{self.quant_id}: {self.counted}"


class ReorderRule(TimeStampedModel):
    """Keep a variant between a minimum and a maximum in a warehouse: below the minimum,
    the stock team is told to order up to the maximum."""

    variant = models.ForeignKey(
        "catalog.Variant", verbose_name=_("variant"), on_delete=models.CASCADE, related_name="reorder_rules"
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.CASCADE, related_name="reorder_rules"
    )
    minimum = models.PositiveIntegerField(_("minimum"))
    maximum = models.PositiveIntegerField(_("maximum"))
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reorder_rules",
        help_text=_("Who it is bought from: draft purchase orders from the reorder list go to them."),
    )

    class Meta:
        verbose_name = _("reorder rule")
        verbose_name_plural = _("reorder rules")
        ordering = ["warehouse_id", "variant_id"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "warehouse"], name="reorder_rule_unique"),
            models.CheckConstraint(condition=Q(maximum__gte=F("minimum")), name="reorder_rule_max_above_min"),
        ]

    def __str__(self) -> str:
        return f"{self.variant} @ {self.warehouse}: {self.minimum}–{self.maximum}"
