from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

PRICE = {"max_digits": 12, "decimal_places": 2}


class CarrierService(TimeStampedModel):
    """A delivery service the store sells at checkout: Correios PAC, Correios SEDEX, a courier."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    carrier = models.CharField(_("carrier"), max_length=60)
    name = models.CharField(_("service"), max_length=60)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("carrier service")
        verbose_name_plural = _("carrier services")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.carrier} {self.name}"


class ShippingRate(TimeStampedModel):
    """Price and delivery days of a service for parcels up to a weight, to one state (or
    to every state when `state` is blank). Weights are the larger of real and cubic."""

    service = models.ForeignKey(
        CarrierService, verbose_name=_("service"), on_delete=models.CASCADE, related_name="rates"
    )
    state = models.CharField(_("state"), max_length=2, blank=True, help_text=_("Blank: every other state."))
    max_weight_grams = models.PositiveIntegerField(_("up to (g)"))
    price = models.DecimalField(_("price"), **PRICE)
    days = models.PositiveSmallIntegerField(_("business days"))

    class Meta:
        verbose_name = _("shipping rate")
        verbose_name_plural = _("shipping rates")
        ordering = ["service_id", "state", "max_weight_grams"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "state", "max_weight_grams"], name="shipping_rate_unique"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="shipping_rate_price_not_negative"),
        ]
        indexes = [models.Index(fields=["state", "max_weight_grams"], name="shipping_rate_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.service} {self.state or '*'} ≤{self.max_weight_grams} g"
