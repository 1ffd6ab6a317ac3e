from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class RolePolicy(TimeStampedModel):
    """What a role (a staff group) asks of its members beyond its permissions, set by a manager."""

    group = models.OneToOneField(
        "auth.Group", on_delete=models.CASCADE, related_name="policy", verbose_name=_("role")
    )
    requires_two_factor = models.BooleanField(
        _("requires two-factor login"),
        default=False,
        help_text=_("Members must confirm each back-office login with a code from an authenticator app."),
    )

    class Meta:
        verbose_name = _("role policy")
        verbose_name_plural = _("role policies")
        ordering = ["group__name"]

    def __str__(self) -> str:
        return self.group.name


class PersonalDataAccess(TimeStampedModel):
    """A staff member read a customer's personal data: who, when, which screen or export, and
    about whom (LGPD art. 37: the record of processing). Append-only; managers read it."""

    class Kind(models.TextChoices):
        CUSTOMER_360 = "customer_360", _("Customer 360")
        ORDER_WORKSPACE = "order_workspace", _("Order workspace")
        EXPORT = "export", _("Export")
        ERASURE_REQUEST = "erasure_request", _("Erasure request")

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # pd_access_staff_idx leads with it
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # pd_access_customer_idx leads with it
    )
    kind = models.CharField(_("what was read"), max_length=20, choices=Kind.choices)
    # The order's number, or the export's name and filters: what a manager needs to tell what was seen.
    reference = models.CharField(_("reference"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-created_at", "-pk"]
        # The log's screen: newest first, alone or by staff member or by customer.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="pd_access_created_idx"),
            models.Index(fields=["staff", "-created_at", "-id"], name="pd_access_staff_idx"),
            models.Index(fields=["customer", "-created_at", "-id"], name="pd_access_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.kind} {self.customer_id or ''} {self.reference}".strip()
