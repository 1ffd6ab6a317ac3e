import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

PRICE = {"max_digits": 12, "decimal_places": 2}
MAX_LINE_QUANTITY = 99


class Cart(TimeStampedModel):
    """A shopper's basket: found by the token kept in the session, or by its customer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged into the customer's cart")
        ORDERED = "ordered", _("Turned into an order")

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="carts",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    # Who the shopper said they are at checkout's first step: someone to remind of the cart.
    contact_email = models.EmailField(_("email given at checkout"), blank=True)
    contact_name = models.CharField(_("name given at checkout"), max_length=150, blank=True)
    contact_phone = models.CharField(_("phone given at checkout"), max_length=20, blank=True)
    contact_language = models.CharField(_("language at checkout"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            # One open cart per customer: the one every device of theirs shows.
            models.UniqueConstraint(
                fields=["customer"], condition=Q(status="open"), name="cart_one_open_per_customer"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="cart_status_idx"),
            models.Index(fields=["created_at"], name="cart_created_idx"),
        ]

    def __str__(self) -> str:
        return str(self.token)


CART_TRANSITIONS: dict[str, frozenset[str]] = {
    Cart.Status.OPEN: frozenset({Cart.Status.MERGED, Cart.Status.ORDERED}),
    Cart.Status.MERGED: frozenset(),
    Cart.Status.ORDERED: frozenset(),
}


class CartLine(TimeStampedModel):
    cart = models.ForeignKey(Cart, verbose_name=_("cart"), on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.Variant", verbose_name=_("variant"), on_delete=models.CASCADE, related_name="cart_lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    price_when_added = models.DecimalField(
        _("price when added"), **PRICE, help_text=_("Shown to the shopper when the price changed since.")
    )

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["cart_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_line_unique_variant"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY), name="cart_line_quantity_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant_id}"
