from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.money import cents, quantize_brl

PRICE = {"max_digits": 12, "decimal_places": 2}


class OrderQuerySet(models.QuerySet):
    def awaiting_payment(self) -> "OrderQuerySet":
        return self.filter(status=Order.Status.AWAITING_PAYMENT)


class Order(TimeStampedModel):
    """A purchase: what was bought, by whom, for how much, and where it is in its life.

    Names, prices and addresses are copied at placement, so later catalog or profile changes
    never rewrite an order. Only `order_transition` changes `status`.
    """

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        ON_HOLD = "on_hold", _("On hold")
        VALIDATED = "validated", _("Validated")
        PICKING = "picking", _("Picking")
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Channel(models.TextChoices):
        WEB = "web", _("Web store")
        TELESALES = "telesales", _("Telesales")
        EXCHANGE = "exchange", _("Exchange")

    class CancelReason(models.TextChoices):
        CUSTOMER = "customer", _("Customer asked")
        STAFF = "staff", _("Cancelled by staff")
        PAYMENT_EXPIRED = "payment_expired", _("Pix or boleto expired")
        NOT_PAID = "not_paid", _("Payment never went through")
        EXCHANGE_CALLED_OFF = "exchange_called_off", _("Exchange called off")
        RISK = "risk", _("Refused by the risk analysis")
        ANALYST = "analyst", _("Refused by an analyst")

    class HoldReason(models.TextChoices):
        FRAUD = "fraud", _("Fraud review")
        REGISTRATION_DATA = "registration_data", _("Registration data")
        ADDRESS = "address", _("Address")
        STOCK = "stock", _("Stock")
        RETURN = "return", _("Waiting for the returned items")

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_PAYMENT, editable=False
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    sales_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assisted_orders",
        help_text=_("Who placed it for the customer (telesales)."),
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    cart_token = models.UUIDField(
        _("cart token"),
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The cart this order came from: one order per cart, however often it is submitted."),
    )
    language = models.CharField(_("language"), max_length=10, default="pt-br")

    # Contact, as typed at checkout.
    email = models.EmailField(_("email"))
    full_name = models.CharField(_("full name"), max_length=150)
    cpf = models.CharField(_("CPF"), max_length=11)
    # A company buying: the invoice is made out to it.
    cnpj = models.CharField(_("CNPJ"), max_length=14, blank=True)
    company_name = models.CharField(_("company's legal name"), max_length=150, blank=True)
    state_registration = models.CharField(
        _("state registration"), max_length=20, blank=True, help_text=_("ISENTO when the company is exempt.")
    )
    phone = models.CharField(_("phone"), max_length=20)

    # Delivery address, copied.
    cep = models.CharField(_("CEP"), max_length=8)
    street = models.CharField(_("street"), max_length=200)
    street_number = models.CharField(_("number"), max_length=20)
    complement = models.CharField(_("complement"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100)
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("state"), max_length=2)

    # Delivery service chosen at checkout, as quoted then.
    delivery_service = models.CharField(_("delivery service"), max_length=30)
    delivery_label = models.CharField(_("delivery"), max_length=120)
    delivery_days = models.PositiveSmallIntegerField(_("delivery days"))

    # Totals, computed once by the pricing function and stored.
    items_total = models.DecimalField(_("items"), **PRICE)
    discount_total = models.DecimalField(_("discounts"), **PRICE, default=0)
    pix_discount = models.DecimalField(
        _("Pix discount"), **PRICE, default=0, help_text=_("Part of the discounts; the order is paid by Pix.")
    )
    shipping_total = models.DecimalField(_("shipping"), **PRICE, default=0)
    grand_total = models.DecimalField(_("total"), **PRICE)
    voucher_code = models.CharField(_("voucher"), max_length=40, blank=True)
    hold_reason = models.CharField(
        _("on hold for"), max_length=20, choices=HoldReason.choices, blank=True, editable=False
    )
    held_at = models.DateTimeField(_("on hold since"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(
        _("cancelled because"), max_length=20, choices=CancelReason.choices, blank=True, editable=False
    )
    awaits_return = models.BooleanField(
        _("ships after the return arrives"),
        default=False,
        editable=False,
        help_text=_("An exchange's replacement, held until the items it replaces are back."),
    )
    units_short = models.PositiveIntegerField(
        _("units short"),
        default=0,
        editable=False,
        help_text=_("Units no sellable bin or lot was found for when paid."),
    )

    placed_at = models.DateTimeField(_("placed at"), db_index=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "placed_at"], name="order_status_idx"),
            models.Index(fields=["customer", "-placed_at"], name="order_customer_idx"),
            models.Index(fields=["email"], name="order_email_idx"),
            models.Index(fields=["cpf"], name="order_cpf_idx"),
            models.Index(fields=["cnpj"], name="order_cnpj_idx", condition=~Q(cnpj="")),
            models.Index(fields=["status", "hold_reason", "held_at"], name="order_hold_queue_idx"),
            models.Index(fields=["cancel_reason", "placed_at"], name="order_cancel_reason_idx"),
            models.Index(fields=["updated_at", "id"], name="order_keyset_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Exact(
                    cents("grand_total"),
                    cents("items_total") - cents("discount_total") + cents("shipping_total"),
                ),
                name="order_grand_total_adds_up",
            ),
            models.CheckConstraint(condition=Q(grand_total__gte=0), name="order_grand_total_not_negative"),
            models.CheckConstraint(
                condition=Q(pix_discount__gte=0, pix_discount__lte=F("discount_total")),
                name="order_pix_discount_within_discounts",
            ),
        ]
        permissions = [
            ("validate_order", _("Can approve or hold orders")),
            ("cancel_order", _("Can cancel orders")),
            ("fulfil_order", _("Can move orders through picking and packing")),
            ("ship_order", _("Can mark orders shipped and delivered")),
            ("place_assisted_order", _("Can place orders for customers (telesales)")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def invoice_document(self) -> str:
        """Whom the invoice is made out to: the company's CNPJ, or else the buyer's CPF."""
        return self.cnpj or self.cpf

    @property
    def latest_payment(self) -> "Payment | None":
        """The last payment attempt, from the list the order's page selector prefetched."""
        return self.payment_list[0] if getattr(self, "payment_list", None) else None

    @property
    def can_be_cancelled_by_customer(self) -> bool:
        """Until it ships, a customer may cancel their order from its page."""
        return self.status in CUSTOMER_CANCELLABLE

    @property
    def can_pay_again(self) -> bool:
        """Waiting for payment with no attempt in progress: the last one failed, or the
        provider never answered it. Reads the payment list the page selector prefetched."""
        payment = self.latest_payment
        return self.status == Order.Status.AWAITING_PAYMENT and (
            payment is None
            or payment.status == Payment.Status.FAILED
            or (payment.status == Payment.Status.PENDING and not payment.gateway_reference)
        )


# Every allowed move of an order. `order_transition` refuses anything else.
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    Order.Status.AWAITING_PAYMENT: frozenset({Order.Status.PAID, Order.Status.CANCELLED}),
    Order.Status.PAID: frozenset({Order.Status.VALIDATED, Order.Status.ON_HOLD, Order.Status.CANCELLED}),
    Order.Status.ON_HOLD: frozenset({Order.Status.VALIDATED, Order.Status.CANCELLED}),
    Order.Status.VALIDATED: frozenset({Order.Status.PICKING, Order.Status.ON_HOLD, Order.Status.CANCELLED}),
    Order.Status.PICKING: frozenset({Order.Status.PACKED, Order.Status.ON_HOLD, Order.Status.CANCELLED}),
    Order.Status.PACKED: frozenset({Order.Status.SHIPPED, Order.Status.CANCELLED}),
    Order.Status.SHIPPED: frozenset({Order.Status.DELIVERED}),
    Order.Status.DELIVERED: frozenset({Order.Status.COMPLETED}),
    Order.Status.COMPLETED: frozenset(),
    Order.Status.CANCELLED: frozenset(),
}

# Statuses from which the customer may cancel (it has not shipped).
CUSTOMER_CANCELLABLE = frozenset(
    {
        Order.Status.AWAITING_PAYMENT,
        Order.Status.PAID,
        Order.Status.ON_HOLD,
        Order.Status.VALIDATED,
        Order.Status.PICKING,
        Order.Status.PACKED,
    }
)

# The permission a staff member needs to move an order into each status.
TRANSITION_PERMISSIONS: dict[str, str] = {
    Order.Status.PAID: "orders.validate_order",
    Order.Status.VALIDATED: "orders.validate_order",
    Order.Status.ON_HOLD: "orders.validate_order",
    Order.Status.PICKING: "orders.fulfil_order",
    Order.Status.PACKED: "orders.fulfil_order",
    Order.Status.SHIPPED: "orders.ship_order",
    Order.Status.DELIVERED: "orders.ship_order",
    Order.Status.COMPLETED: "orders.ship_order",
    Order.Status.CANCELLED: "orders.cancel_order",
}


class OrderLine(TimeStampedModel):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.Variant", verbose_name=_("variant"), on_delete=models.PROTECT, related_name="order_lines"
    )
    product_name = models.CharField(_("product"), max_length=200)
    variant_label = models.CharField(_("options"), max_length=200, blank=True)
    sku = models.CharField(_("SKU"), max_length=64)
    unit_price = models.DecimalField(_("unit price"), **PRICE)
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = models.DecimalField(_("line total"), **PRICE)
    # The variant's cost price when the order was placed (margin); null: not known then.
    unit_cost = models.DecimalField(_("unit cost"), **PRICE, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=Exact(cents("line_total"), cents("unit_price") * F("quantity")),
                name="order_line_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0), name="order_line_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class OrderEvent(models.Model):
    """One line of an order's timeline: a status change or a note, with who and why. Never edited."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=20, choices=Order.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Order.Status.choices, blank=True)
    actor = models.CharField(_("by"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    # Why the order went on hold, on the events that put it there (the order's own reason is
    # cleared when it leaves the queue).
    hold_reason = models.CharField(
        _("hold reason"), max_length=20, choices=Order.HoldReason.choices, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["order_id", "created_at", "pk"]
        # The indicators count the moves into a status per day (holds, decisions).
        indexes = [
            models.Index(fields=["to_status", "created_at"], name="order_event_status_day_idx"),
            models.Index(fields=["created_at", "id"], name="order_event_feed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} → {self.to_status}"


class PaymentQuerySet(models.QuerySet):
    def open_charges(self) -> "PaymentQuerySet":
        """Pix codes and boletos issued by the provider and still payable there."""
        return self.filter(
            status=Payment.Status.PENDING,
            method__in=[Payment.Method.PIX, Payment.Method.BOLETO],
            gateway_reference__isnull=False,
        )


class Payment(TimeStampedModel):
    """One attempt to pay an order, as the provider knows it. Card data is never stored:
    only the provider's references, the brand and the last four digits."""

    class Method(models.TextChoices):
        CARD = "card", _("Credit card")
        PIX = "pix", _("Pix")
        BOLETO = "boleto", _("Boleto")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        AUTHORISED = "authorised", _("Authorised")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        VOIDED = "voided", _("Voided")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        CANCELLED = "cancelled", _("Cancelled")  # a Pix or boleto withdrawn at the provider

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="payments"
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, editable=False
    )
    amount = models.DecimalField(_("amount"), **PRICE)
    refunded_amount = models.DecimalField(_("refunded"), **PRICE, default=0)
    installments = models.PositiveSmallIntegerField(_("instalments"), default=1)
    gateway = models.CharField(_("gateway"), max_length=30)
    gateway_reference = models.CharField(
        _("gateway reference"), max_length=80, unique=True, null=True, blank=True
    )
    card_brand = models.CharField(_("card brand"), max_length=20, blank=True)
    card_last4 = models.CharField(_("card ending"), max_length=4, blank=True)
    card_holder = models.CharField(_("name on the card"), max_length=60, blank=True)
    pix_code = models.TextField(_("Pix code"), blank=True)
    boleto_line = models.CharField(_("digitable line"), max_length=47, blank=True)
    boleto_barcode = models.CharField(_("barcode"), max_length=44, blank=True)
    boleto_due_date = models.DateField(_("due date"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)
    settlement = models.CharField(
        _("settlement"),
        max_length=10,
        blank=True,
        editable=False,
        help_text=_("Capture or void, claimed before the provider is asked: a card settles one way only."),
    )
    provider_flag = models.CharField(
        _("provider flag"),
        max_length=30,
        blank=True,
        help_text=_("What the provider's own screening said, e.g. high_risk."),
    )

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="payment_expiry_idx"),
            # The indicators count the payments created per day (approval and payment rates).
            models.Index(fields=["created_at"], name="payment_created_idx"),
            models.Index(fields=["updated_at", "id"], name="payment_keyset_idx"),
        ]
        permissions = [("simulate_sandbox_payment", _("Can pay or expire payments in the sandbox"))]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(installments__gte=1, installments__lte=12), name="payment_installments_range"
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0, refunded_amount__lte=F("amount")),
                name="payment_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount} ({self.status})"

    @property
    def is_open_charge(self) -> bool:
        """A Pix code or boleto the provider issued and would still take money for
        (PaymentQuerySet.open_charges, for one row)."""
        return (
            self.status == Payment.Status.PENDING
            and self.method != Payment.Method.CARD
            and bool(self.gateway_reference)
        )


PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    Payment.Status.PENDING: frozenset(
        {
            Payment.Status.AUTHORISED,
            Payment.Status.PAID,
            Payment.Status.FAILED,
            Payment.Status.EXPIRED,
            Payment.Status.CANCELLED,
        }
    ),
    Payment.Status.AUTHORISED: frozenset(
        {Payment.Status.PAID, Payment.Status.VOIDED, Payment.Status.EXPIRED}
    ),
    Payment.Status.PAID: frozenset({Payment.Status.REFUNDED, Payment.Status.PARTIALLY_REFUNDED}),
    Payment.Status.PARTIALLY_REFUNDED: frozenset(
        {Payment.Status.REFUNDED, Payment.Status.PARTIALLY_REFUNDED}
    ),
    Payment.Status.FAILED: frozenset(),
    Payment.Status.EXPIRED: frozenset({Payment.Status.PAID}),  # money that came too late, refunded
    Payment.Status.VOIDED: frozenset(),
    Payment.Status.REFUNDED: frozenset(),
    # Money that arrives anyway (a boleto paid just before its write-off reached the bank) is refunded.
    Payment.Status.CANCELLED: frozenset({Payment.Status.PAID}),
}


class Refund(TimeStampedModel):
    """Money given back on an order, for a reason the store keeps (a return request): to the
    card or Pix it came from, to the bank account or Pix key a boleto payer gave, or as store
    credit. Asked once per `source` (a unique key), carried out by an idempotent task."""

    class Method(models.TextChoices):
        ORIGINAL = "original", _("Back to the card or Pix it was paid with")
        BANK_TRANSFER = "bank_transfer", _("Transfer to the customer's account or Pix key")
        STORE_CREDIT = "store_credit", _("Store credit")

    class Status(models.TextChoices):
        PENDING = "pending", _("To be made")
        DONE = "done", _("Made")
        FAILED = "failed", _("Failed: a person must look")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
    )
    source = models.CharField(
        _("reason"), max_length=60, unique=True, help_text=_("What it refunds, e.g. return:12.")
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    amount = models.DecimalField(_("amount"), **PRICE)
    destination = models.JSONField(
        _("destination"), default=dict, blank=True, help_text=_("The Pix key or bank account of a transfer.")
    )
    voucher = models.OneToOneField(
        "promotions.Voucher",
        verbose_name=_("store credit voucher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund",
    )
    provider_reference = models.CharField(_("provider reference"), max_length=80, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("made at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="refund_status_idx"),
            # The indicators count the refunds made per day.
            models.Index(fields=["done_at"], name="refund_done_idx", condition=Q(done_at__isnull=False)),
            models.Index(fields=["updated_at", "id"], name="refund_keyset_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]
        permissions = [("retry_refund", _("Can make a failed refund again"))]

    def __str__(self) -> str:
        return f"{self.source}: {self.amount}"


class PaymentFee(TimeStampedModel):
    """What the payment provider keeps of each payment taken by a method: a percentage of the
    amount plus a fixed amount per payment. Set by the manager; the margin indicators use it."""

    method = models.CharField(_("method"), max_length=10, choices=Payment.Method.choices, unique=True)
    percent = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_("Of the amount paid, e.g. 3.49."),
    )
    fixed = models.DecimalField(_("fixed amount"), **PRICE, default=0, help_text=_("Per payment, in reais."))

    class Meta:
        verbose_name = _("payment fee")
        verbose_name_plural = _("payment fees")
        ordering = ["method"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="payment_fee_percent_range"
            ),
            models.CheckConstraint(condition=Q(fixed__gte=0), name="payment_fee_fixed_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.percent}% + {self.fixed}"

    def fee_for(self, amount: Decimal) -> Decimal:
        """The fee on one payment of `amount`, rounded to the cent."""
        return quantize_brl(amount * self.percent / 100 + self.fixed)


REFUND_TRANSITIONS: dict[str, frozenset[str]] = {
    Refund.Status.PENDING: frozenset({Refund.Status.DONE, Refund.Status.FAILED}),
    Refund.Status.FAILED: frozenset({Refund.Status.PENDING}),
    Refund.Status.DONE: frozenset(),
}


class SandboxRefund(TimeStampedModel):
    """The sandbox provider's book of money it gave back: one row per idempotency key, however
    often it was asked, as a real provider keeps it."""

    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    reference = models.CharField(_("payment reference"), max_length=80, blank=True)
    destination = models.JSONField(_("destination"), default=dict, blank=True)
    amount = models.DecimalField(_("amount"), **PRICE)
    requests = models.PositiveIntegerField(_("requests"), default=1)

    class Meta:
        verbose_name = _("sandbox refund")
        verbose_name_plural = _("sandbox refunds")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.idempotency_key


class SandboxCharge(TimeStampedModel):
    """The sandbox payment provider's own books, standing in for the provider's systems: each
    Pix and boleto it issued and what became of it, so it refuses what a real provider
    refuses (paying a withdrawn charge, withdrawing a paid one)."""

    reference = models.CharField(_("reference"), max_length=80, unique=True)
    method = models.CharField(_("method"), max_length=10, choices=Payment.Method.choices)
    amount = models.DecimalField(_("amount"), **PRICE)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_requests = models.PositiveIntegerField(_("cancel requests"), default=0)
    refunded_amount = models.DecimalField(_("refunded"), **PRICE, default=0)

    class Meta:
        verbose_name = _("sandbox charge")
        verbose_name_plural = _("sandbox charges")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="sandbox_charge_paid_or_cancelled",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class RiskPolicy(TimeStampedModel):
    """Where risk scores turn into decisions; managers set it in the admin (one row)."""

    review_at = models.PositiveSmallIntegerField(
        _("review from score"), default=30, help_text=_("Orders scoring this or more wait for an analyst.")
    )
    reject_at = models.PositiveSmallIntegerField(
        _("reject from score"), default=80, help_text=_("Orders scoring this or more are cancelled at once.")
    )

    class Meta:
        verbose_name = _("risk policy")
        verbose_name_plural = _("risk policy")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(reject_at__gt=F("review_at")), name="risk_reject_above_review")
        ]

    def __str__(self) -> str:
        return f"{self.review_at} / {self.reject_at}"


class RiskRule(TimeStampedModel):
    """One check of the risk analysis and how much it weighs; the check itself is code."""

    class Code(models.TextChoices):
        VALUE_VS_HISTORY = "value_vs_history", _("Order value far above the customer's history")
        FIRST_PURCHASE = "first_purchase", _("First purchase")
        REGION_MISMATCH = "region_mismatch", _("CPF issued in another region than the delivery state")
        CEP_MISMATCH = "cep_mismatch", _("CEP does not belong to the state given")
        CPF_SHARED = "cpf_shared", _("CPF used by several customers")
        PAYMENT_ATTEMPTS = "payment_attempts", _("Many cards or failed payments in a short time")
        DISPOSABLE_EMAIL = "disposable_email", _("Email from a disposable domain")
        BLOCKED_ADDRESS = "blocked_address", _("Delivery to a blocked address")
        UNUSUAL_QUANTITY = "unusual_quantity", _("Unusual quantity of one item")
        HOLDER_MISMATCH = "holder_mismatch", _("Card holder differs from the customer")
        PROVIDER_HIGH_RISK = "provider_high_risk", _("The payment provider flagged the card")

    code = models.CharField(_("check"), max_length=30, choices=Code.choices, unique=True)
    weight = models.PositiveSmallIntegerField(_("weight"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.get_code_display()


class RiskAnalysis(TimeStampedModel):
    """What the risk analysis of an order found, rule by rule, and what it decided."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REVIEW = "review", _("Review")
        REJECT = "reject", _("Reject")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="analyses"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    has_data_problems = models.BooleanField(_("registration data problems"), default=False)

    class Meta:
        verbose_name = _("risk analysis")
        verbose_name_plural = _("risk analyses")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.score} ({self.decision})"


class RiskCheck(models.Model):
    """One rule's result in an analysis, with the reason an analyst reads."""

    class Kind(models.TextChoices):
        FRAUD = "fraud", _("Fraud")
        DATA = "data", _("Registration data")

    class DataCode(models.TextChoices):
        """The registration data checks (the fraud checks are RiskRule.Code)."""

        CPF = "cpf", _("CPF with valid check digits")
        CNPJ = "cnpj", _("Company's CNPJ with valid check digits")
        NAME = "name", _("First and last name")
        EMAIL = "email", _("Valid email address")
        PHONE = "phone", _("Phone with a Brazilian area code")
        ADDRESS = "address", _("Complete delivery address")

    analysis = models.ForeignKey(
        RiskAnalysis, verbose_name=_("analysis"), on_delete=models.CASCADE, related_name="checks"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("check"), max_length=30)
    hit = models.BooleanField(_("hit"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=0)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("risk check")
        verbose_name_plural = _("risk checks")
        ordering = ["analysis_id", "-hit", "-weight", "pk"]

    def __str__(self) -> str:
        return f"{self.code}: {self.hit}"

    @property
    def label(self) -> str:
        """The check as staff read it."""
        for codes in (RiskRule.Code, RiskCheck.DataCode):
            if self.code in codes.values:
                return str(codes(self.code).label)
        return self.code


class BlockedAddress(TimeStampedModel):
    """A delivery address that fraud came from; orders to it weigh more in the analysis."""

    cep = models.CharField(_("CEP"), max_length=8)
    street_number = models.CharField(_("number"), max_length=20)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("blocked address")
        verbose_name_plural = _("blocked addresses")
        ordering = ["cep", "street_number"]
        constraints = [
            models.UniqueConstraint(fields=["cep", "street_number"], name="blocked_address_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cep} {self.street_number}"


class RecoveryOpportunity(TimeStampedModel):
    """A sale that slipped away (a cart left behind, a Pix or boleto that expired, an order
    the customer cancelled or could not pay), and how winning it back goes: the reminders of
    its kind's sequence, the telesales calls, and the order that recovered it."""

    class Kind(models.TextChoices):
        ABANDONED_CART = "abandoned_cart", _("Abandoned cart")
        EXPIRED_PAYMENT = "expired_payment", _("Pix or boleto expired")
        CARD_DECLINED = "card_declined", _("Card declined")
        CANCELLED_ORDER = "cancelled_order", _("Cancelled by the customer")

    class Status(models.TextChoices):
        OPEN = "open", _("Being recovered")
        RECOVERED = "recovered", _("Recovered")
        CLOSED = "closed", _("Closed")

    class CloseReason(models.TextChoices):
        PURCHASED = "purchased", _("Bought on their own")
        OPTED_OUT = "opted_out", _("Asked for no more reminders")
        ITEMS_GONE = "items_gone", _("The items are no longer for sale")
        NOT_INTERESTED = "not_interested", _("Not interested, on the phone")
        WRONG_NUMBER = "wrong_number", _("Wrong phone number")
        RAN_OUT = "ran_out", _("Nothing came of it in time")

    class Via(models.TextChoices):
        LINK = "link", _("A reminder's link")
        CALL = "call", _("A telesales call")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    close_reason = models.CharField(
        _("closed because"), max_length=20, choices=CloseReason.choices, blank=True
    )
    order = models.OneToOneField(
        Order,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recovery",
    )
    cart_token = models.UUIDField(_("cart"), null=True, blank=True, unique=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.SET_NULL, null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, default="pt-br")
    value = models.DecimalField(_("value"), **PRICE)
    # What was left behind, as [variant id, quantity] pairs: what a reminder shows and its link restores.
    lines = models.JSONField(_("items"), default=list, blank=True)
    # When the sale was lost: the reminders' delays count from here.
    lost_at = models.DateTimeField(_("lost at"), default=timezone.now)
    # The position of the next reminder in its kind's sequence, and when it is due (none left: null).
    next_step = models.PositiveSmallIntegerField(_("next reminder"), default=1)
    next_message_at = models.DateTimeField(_("next reminder at"), null=True, blank=True, default=timezone.now)
    clicked_at = models.DateTimeField(_("first clicked at"), null=True, blank=True)
    call_after = models.DateTimeField(_("call back after"), null=True, blank=True)
    recovered_at = models.DateTimeField(_("recovered at"), null=True, blank=True)
    recovered_order = models.OneToOneField(
        Order,
        verbose_name=_("recovered by order"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recovered_from",
    )
    recovered_value = models.DecimalField(_("value recovered"), **PRICE, null=True, blank=True)
    recovered_via = models.CharField(_("recovered through"), max_length=10, choices=Via.choices, blank=True)
    recovered_step = models.PositiveSmallIntegerField(_("recovered by reminder"), null=True, blank=True)
    recovered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recovered by agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recovery opportunity")
        verbose_name_plural = _("recovery opportunities")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "created_at"], name="recovery_kind_idx"),
            # The reminder job takes open opportunities by due time; the call list, by value.
            models.Index(
                fields=["next_message_at"], condition=Q(status="open"), name="recovery_open_due_idx"
            ),
            models.Index(
                fields=["-value", "id"],
                condition=Q(status="open") & ~Q(phone=""),
                name="recovery_call_list_idx",
            ),
            models.Index(fields=["email", "status"], name="recovery_email_idx"),
            # The recovery report counts the sales lost in a period: every column its three
            # queries of lost sales read, so that they read this index and not the rows (items
            # and all: three times its size).
            models.Index(
                fields=[
                    "lost_at",
                    "kind",
                    "status",
                    "recovered_via",
                    "recovered_step",
                    "value",
                    "recovered_value",
                    "id",
                ],
                name="recovery_lost_at_cover_idx",
            ),
            models.Index(fields=["customer", "status"], name="recovery_customer_idx"),
        ]
        permissions = [
            ("work_recovery_calls", _("Can call customers to win back lost sales")),
            ("view_recovery_report", _("Can see what sales recovery brings")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.email}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


RECOVERY_TRANSITIONS: dict[str, frozenset[str]] = {
    RecoveryOpportunity.Status.OPEN: frozenset(
        {RecoveryOpportunity.Status.RECOVERED, RecoveryOpportunity.Status.CLOSED}
    ),
    # An order placed through an earlier reminder's link still counts once reminders stopped.
    RecoveryOpportunity.Status.CLOSED: frozenset({RecoveryOpportunity.Status.RECOVERED}),
    RecoveryOpportunity.Status.RECOVERED: frozenset(),
}
