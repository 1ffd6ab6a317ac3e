from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from core.exceptions import ActionNotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class ActorKind(StrEnum):
    STAFF = "staff"
    CUSTOMER = "customer"
    JOB = "job"


class PermissionMissing(ActionNotAllowed):
    code = "permission_missing"
    message = _("You do not have permission to do this.")


@dataclass(frozen=True)
class Actor:
    """Who performs an action: a staff member, the customer, or a named background job."""

    kind: ActorKind
    user: AbstractBaseUser | None = None
    job_name: str = ""

    @classmethod
    def staff(cls, user: AbstractBaseUser) -> Actor:
        return cls(kind=ActorKind.STAFF, user=user)

    @classmethod
    def customer(cls, user: AbstractBaseUser | None) -> Actor:
        return cls(kind=ActorKind.CUSTOMER, user=user)

    @classmethod
    def job(cls, name: str) -> Actor:
        return cls(kind=ActorKind.JOB, job_name=name)

    @property
    def label(self) -> str:
        """How event rows name the actor: `staff:ana@loja.com.br`, `customer:…`, `job:payment_confirm`."""
        if self.kind == ActorKind.JOB:
            return f"job:{self.job_name}"
        email = getattr(self.user, "email", "") or "guest"
        return f"{self.kind}:{email}"

    def require_perm(self, perm: str) -> None:
        """Jobs act for the store; staff need the permission; customers never hold staff permissions."""
        if self.kind == ActorKind.JOB:
            return
        if self.kind == ActorKind.STAFF and self.user is not None and self.user.has_perm(perm):
            return
        raise PermissionMissing()
