from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

PRICE = {"max_digits": 12, "decimal_places": 2}


class Voucher(TimeStampedModel):
    """A code a shopper types at checkout for a discount or free delivery."""

    class Kind(models.TextChoices):
        PERCENTAGE = "percentage", _("Percentage off the items")
        FIXED = "fixed", _("Fixed amount off the items")
        FREE_SHIPPING = "free_shipping", _("Free delivery (cheapest service)")

    code = models.CharField(
        _("code"), max_length=40, help_text=_("What the shopper types; letters are compared ignoring case.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value = models.DecimalField(
        _("value"),
        **PRICE,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Percent for percentage vouchers, reais for fixed ones; ignored for free delivery."),
    )
    min_order = models.DecimalField(
        _("minimum items value"), **PRICE, default=0, validators=[MinValueValidator(0)]
    )
    starts_at = models.DateTimeField(_("valid from"))
    ends_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(
        _("uses in total"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    max_uses_per_customer = models.PositiveIntegerField(
        _("uses per customer"), null=True, blank=True, default=1, help_text=_("Empty for no limit.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    holder_cpf = models.CharField(
        _("only for CPF"),
        max_length=11,
        blank=True,
        help_text=_("Store credit: only the customer with this CPF may use it."),
    )

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="voucher_code_unique_ignoring_case"),
            models.CheckConstraint(
                condition=~Q(kind="percentage") | Q(value__gt=0, value__lte=100),
                name="voucher_percentage_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="fixed") | Q(value__gt=0), name="voucher_fixed_positive"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="voucher_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class VoucherRedemption(TimeStampedModel):
    """A voucher used by an order. Redemptions of cancelled orders no longer count."""

    voucher = models.ForeignKey(
        Voucher, verbose_name=_("voucher"), on_delete=models.PROTECT, related_name="redemptions"
    )
    order = models.OneToOneField(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="voucher_redemption"
    )
    email = models.EmailField(_("email"))
    cpf = models.CharField(
        _("CPF"), max_length=11, help_text=_("Limits per customer count uses by this email or this CPF.")
    )
    discount = models.DecimalField(_("discount"), **PRICE)

    class Meta:
        verbose_name = _("voucher use")
        verbose_name_plural = _("voucher uses")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["voucher", "email"], name="voucher_redemption_email_idx"),
            models.Index(fields=["voucher", "cpf"], name="voucher_redemption_cpf_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher} → {self.order_id}"
