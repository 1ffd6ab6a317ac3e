from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from logistics.models import TrackingEvent

PRICE = {"max_digits": 12, "decimal_places": 2}


class ReturnPolicy(TimeStampedModel):
    """What the store grants beyond the consumer code; managers set it in the admin (one row)."""

    satisfaction_days = models.PositiveSmallIntegerField(
        _("days to return for dissatisfaction"),
        default=30,
        help_text=_(
            "The store's own window, counted from delivery, to return what the customer did not like."
        ),
    )
    satisfaction_refunds_shipping = models.BooleanField(
        _("dissatisfaction refunds the shipping"),
        default=False,
        help_text=_("The law requires it for regret and defects only."),
    )
    ship_replacement_at_once = models.BooleanField(
        _("ship exchanges before the return arrives"),
        default=False,
        help_text=_("For every customer; otherwise a manager decides per request."),
    )

    class Meta:
        verbose_name = _("return policy")
        verbose_name_plural = _("return policy")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(_("Return policy"))


class ReturnRequest(TimeStampedModel):
    """A customer's request to send back units of one order, from the ask to the refund or
    the replacement. Only `return_transition` changes `status`."""

    class Reason(models.TextChoices):
        REGRET = "regret", _("I regret the purchase (7 days)")
        DEFECT = "defect", _("It has a defect")
        HIDDEN_DEFECT = "hidden_defect", _("A defect that showed up with use")
        WRONG_ITEM = "wrong_item", _("I received a different item")
        MISSING_ITEM = "missing_item", _("An item is missing from the parcel")
        TRANSPORT_DAMAGE = "transport_damage", _("It arrived damaged")
        DISSATISFACTION = "dissatisfaction", _("I did not like it")

    class Resolution(models.TextChoices):
        REFUND = "refund", _("Money back to how I paid")
        STORE_CREDIT = "store_credit", _("Store credit")
        EXCHANGE = "exchange", _("Exchange for another item")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        AWAITING_SHIPMENT = "awaiting_shipment", _("Waiting for the parcel to be posted")
        IN_TRANSIT = "in_transit", _("On its way back")
        RECEIVED = "received", _("Received")
        INSPECTED = "inspected", _("Inspected")
        REFUNDED = "refunded", _("Refunded")
        EXCHANGED = "exchanged", _("Exchanged")
        CLOSED = "closed", _("Closed")
        EXPIRED = "expired", _("Expired: never posted")

    class ParcelMode(models.TextChoices):
        DROP_OFF = "drop_off", _("Drop it off at a post office")
        PICKUP = "pickup", _("Pickup at my address")

    number = models.CharField(_("number"), max_length=50, unique=True, editable=False)
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="return_requests"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_requests",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, editable=False
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    description = models.TextField(_("what happened"), blank=True)
    noticed_on = models.DateField(
        _("defect noticed on"), null=True, blank=True, help_text=_("Hidden defects count from this day.")
    )
    resolution = models.CharField(_("wanted"), max_length=20, choices=Resolution.choices)
    parcel_mode = models.CharField(
        _("how the parcel comes back"), max_length=10, choices=ParcelMode.choices, default=ParcelMode.DROP_OFF
    )
    # Where the money of a boleto goes back (a boleto cannot be refunded to the payer by itself).
    refund_pix_key = models.CharField(_("Pix key for the refund"), max_length=77, blank=True)
    refund_bank_account = models.JSONField(
        _("bank account for the refund"),
        default=dict,
        blank=True,
        help_text=_("Bank, branch, account and holder's CPF, when no Pix key was given."),
    )
    decision_note = models.TextField(
        _("decision note"),
        blank=True,
        help_text=_("Why it was rejected or accepted in part; the customer reads it."),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    ship_replacement_at_once = models.BooleanField(
        _("replacement ships before the return arrives"), default=False, editable=False
    )

    # The reverse shipment, as the carrier authorised it.
    carrier_service = models.ForeignKey(
        "logistics.CarrierService",
        verbose_name=_("carrier service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    authorisation_code = models.CharField(_("authorisation code"), max_length=40, blank=True)
    authorisation_valid_until = models.DateField(_("post by"), null=True, blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True, null=True, blank=True)
    authorisation_attempts = models.PositiveSmallIntegerField(_("authorisation attempts"), default=0)
    shipped_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last carrier news"), null=True, blank=True)
    last_polled_at = models.DateTimeField(_("last asked the carrier"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=200, blank=True)

    # What goes back to the customer, fixed at inspection.
    items_refund = models.DecimalField(_("items refunded"), **PRICE, default=0)
    shipping_refund = models.DecimalField(_("shipping refunded"), **PRICE, default=0)
    exchange_order = models.OneToOneField(
        "orders.Order",
        verbose_name=_("replacement order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_for",
    )

    class Meta:
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="return_status_idx"),
            models.Index(fields=["customer", "-created_at"], name="return_customer_idx"),
            models.Index(fields=["order", "status"], name="return_order_idx"),
            models.Index(fields=["status", "authorisation_valid_until"], name="return_expiry_idx"),
            models.Index(fields=["status", "last_polled_at"], name="return_tracking_idx"),
            # The finished tab, newest first: one status list no other index can read in order.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(status__in=["refunded", "exchanged", "closed", "rejected", "expired"]),
                name="return_done_created_idx",
            ),
            models.Index(fields=["updated_at", "id"], name="return_keyset_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(items_refund__gte=0), name="return_items_refund_not_negative"),
            models.CheckConstraint(
                condition=Q(shipping_refund__gte=0), name="return_shipping_refund_not_negative"
            ),
        ]
        permissions = [
            ("decide_return", _("Can approve or reject return requests")),
            ("receive_return", _("Can receive and inspect returned parcels")),
            ("refund_return", _("Can refund and close return requests")),
            ("ship_exchange_early", _("Can ship an exchange before its return arrives")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def refund_total(self):
        return self.items_refund + self.shipping_refund

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def needs_parcel(self) -> bool:
        """A missing item has nothing to send back."""
        return self.reason != ReturnRequest.Reason.MISSING_ITEM


RS = ReturnRequest.Status
# Every allowed move of a return request. `return_transition` refuses anything else.
RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    RS.REQUESTED: frozenset({RS.APPROVED, RS.REJECTED, RS.CLOSED}),
    # Approved: the carrier is asked for the authorisation; nothing to send back goes straight
    # to inspection (a missing item), and a customer may withdraw.
    RS.APPROVED: frozenset({RS.AWAITING_SHIPMENT, RS.INSPECTED, RS.CLOSED}),
    RS.AWAITING_SHIPMENT: frozenset({RS.IN_TRANSIT, RS.RECEIVED, RS.EXPIRED, RS.CLOSED}),
    RS.IN_TRANSIT: frozenset({RS.RECEIVED}),
    RS.RECEIVED: frozenset({RS.INSPECTED}),
    RS.INSPECTED: frozenset({RS.REFUNDED, RS.EXCHANGED, RS.CLOSED}),
    RS.REFUNDED: frozenset(),
    RS.EXCHANGED: frozenset(),
    RS.REJECTED: frozenset(),
    RS.CLOSED: frozenset(),
    RS.EXPIRED: frozenset(),
}
OPEN_STATUSES = frozenset(
    {RS.REQUESTED, RS.APPROVED, RS.AWAITING_SHIPMENT, RS.IN_TRANSIT, RS.RECEIVED, RS.INSPECTED}
)
# The permission a staff member needs to move a request into each status.
RETURN_TRANSITION_PERMISSIONS: dict[str, str] = {
    RS.APPROVED: "returns.decide_return",
    RS.REJECTED: "returns.decide_return",
    RS.AWAITING_SHIPMENT: "returns.decide_return",
    RS.IN_TRANSIT: "returns.receive_return",
    RS.RECEIVED: "returns.receive_return",
    RS.INSPECTED: "returns.receive_return",
    RS.REFUNDED: "returns.refund_return",
    RS.EXCHANGED: "returns.refund_return",
    RS.CLOSED: "returns.refund_return",
    RS.EXPIRED: "returns.decide_return",
}


class ReturnLine(TimeStampedModel):
    """Units of one order line asked back, and what became of them."""

    request = models.ForeignKey(
        ReturnRequest, verbose_name=_("return request"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        "orders.OrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="return_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    replacement_variant = models.ForeignKey(
        "catalog.Variant",
        verbose_name=_("replacement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_quantity = models.PositiveIntegerField(_("received"), default=0)
    accepted_quantity = models.PositiveIntegerField(_("accepted"), default=0)

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["request_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "order_line"], name="return_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="return_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(received_quantity__lte=F("quantity")), name="return_line_received_within"
            ),
            models.CheckConstraint(
                condition=Q(accepted_quantity__lte=F("quantity")), name="return_line_accepted_within"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.quantity} × {self.order_line_id}"


class ReturnUnit(TimeStampedModel):
    """One unit taken out of a returned parcel at inspection and where it went."""

    class Disposition(models.TextChoices):
        RESTOCK = "restock", _("Back on sale")
        QUARANTINE = "quarantine", _("Quarantine")
        SCRAP = "scrap", _("Written off")
        SUPPLIER = "supplier", _("Back to the supplier")
        REFUSED = "refused", _("Refused: goes back to the customer")

    line = models.ForeignKey(
        ReturnLine, verbose_name=_("return line"), on_delete=models.CASCADE, related_name="units"
    )
    disposition = models.CharField(_("what was done"), max_length=12, choices=Disposition.choices)
    bin = models.ForeignKey(
        "inventory.Bin",
        verbose_name=_("bin"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lot = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    inspected_by = models.CharField(_("inspected by"), max_length=200)

    class Meta:
        verbose_name = _("returned unit")
        verbose_name_plural = _("returned units")
        ordering = ["line_id", "pk"]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.disposition}"


class ReturnPhoto(TimeStampedModel):
    """A picture the customer sent of the defect or damage, checked to be an image."""

    request = models.ForeignKey(
        ReturnRequest, verbose_name=_("return request"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to="returns/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")
        ordering = ["request_id", "pk"]

    def __str__(self) -> str:
        return self.name


class ReturnEvent(models.Model):
    """One line of a return request's timeline: a status change or a note, with who and why."""

    request = models.ForeignKey(
        ReturnRequest, verbose_name=_("return request"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ReturnRequest.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ReturnRequest.Status.choices, blank=True)
    actor = models.CharField(_("by"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        ordering = ["request_id", "created_at", "pk"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="return_event_feed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status} → {self.to_status}"


class ReturnTrackingEvent(TimeStampedModel):
    """What the carrier said of a reverse parcel, stored once per carrier event."""

    request = models.ForeignKey(
        ReturnRequest,
        verbose_name=_("return request"),
        on_delete=models.CASCADE,
        related_name="tracking_events",
    )
    event_id = models.CharField(_("carrier event id"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=TrackingEvent.Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    location = models.CharField(_("where"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("return tracking event")
        verbose_name_plural = _("return tracking events")
        ordering = ["request_id", "occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "event_id"], name="return_tracking_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.kind}"
