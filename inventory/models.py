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


RESERVATION_TRANSITIONS: dict[str, frozenset[str]] = {
    Reservation.Status.ACTIVE: frozenset({Reservation.Status.ALLOCATED, Reservation.Status.RELEASED}),
    Reservation.Status.ALLOCATED: frozenset({Reservation.Status.RELEASED}),
    Reservation.Status.RELEASED: frozenset(),
}
