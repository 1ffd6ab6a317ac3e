from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.models import RolePolicy
from backoffice.roles import Role
from storefront.accounts.models import User


@dataclass(frozen=True)
class TwoFactorState:
    has_device: bool
    is_required: bool


def two_factor_state(*, user: User) -> TwoFactorState:
    """Whether the staff member has a confirmed authenticator, and whether a role of theirs
    requires one: one query."""
    has_device, is_required = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            is_required=Exists(
                RolePolicy.objects.filter(group__user=OuterRef("pk"), requires_two_factor=True)
            ),
        )
        .values_list("has_device", "is_required")
        .get()
    )
    return TwoFactorState(has_device=has_device, is_required=is_required)


def totp_device_get_confirmed(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def role_list_requiring_two_factor() -> list[str]:
    """Names of the staff roles whose members must use two-factor login."""
    return list(
        RolePolicy.objects.filter(requires_two_factor=True, group__name__in=Role.values)
        .order_by("group__name")
        .values_list("group__name", flat=True)
    )
