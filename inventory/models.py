from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

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
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Bin(TimeStampedModel):
    """A place in a warehouse where units are kept and picked from; pickers walk bins by position."""

    DEFAULT_CODE = "GERAL"

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="bins"
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("Aisle-shelf-level, e.g. A-01-03."))
    position = models.PositiveIntegerField(_("pick order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

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
        indexes = [models.Index(fields=["reference"], name="stock_movement_reference_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.on_hand_change:+d}/{self.reserved_change:+d}"


class Reservation(TimeStampedModel):
    """Units held for an order between checkout and shipping (or until they are let go)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ALLOCATED = "allocated", _("Allocated to a paid order")
        RELEASED = "released", _("Released")

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
    Reservation.Status.ALLOCATED: frozenset({Reservation.Status.RELEASED}),
    Reservation.Status.RELEASED: frozenset(),
}
