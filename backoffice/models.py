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
