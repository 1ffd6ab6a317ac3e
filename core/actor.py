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


# How staff pages name the store's background jobs, by the name each passes to Actor.job.
# A test fails when a job in the code has no name here.
JOB_LABELS = {
    "bot": _("Service bot"),
    "chat": _("Live chat"),
    "export_command": _("Export command"),
    "inbound_email": _("Incoming email"),
    "orders_complete": _("Order completion, when the return window closes"),
    "payment_notice": _("Payment provider's notice"),
    "payment_provider": _("Payment provider"),
    "payments_expire": _("Expiry of unpaid Pix and boletos"),
    "privacy_erase": _("Erasure of personal data"),
    "refund_execute": _("Refund payment"),
    "reservations_expire": _("Expiry of stock reservations"),
    "return_parcels": _("Return parcel tracking"),
    "returns": _("Returns"),
    "returns_auto_approve": _("Automatic approval of returns"),
    "returns_exchange": _("Exchanges"),
    "risk_analysis": _("Risk analysis"),
    "seed_demo": _("Demo data"),
    "shipment_dispatch": _("Carrier booking"),
    "short_pick": _("Picking shortfall"),
    "sla_watch": _("Deadline watch"),
    "support": _("Support desk"),
    "support_import_complaints": _("Public complaints import"),
    "support_incidents": _("Order incidents"),
    "surveys": _("Satisfaction surveys"),
    "tickets_close": _("Closing of resolved tickets"),
    "tracking": _("Carrier tracking"),
    "triage": _("Complaint triage"),
    "whatsapp": _("WhatsApp"),
}


def actor_display(label: str) -> str:
    """An event row's actor (`Actor.label`) as staff read it: the staff member's email, the
    customer, or the job by its name, marked automatic."""
    kind, _separator, who = label.partition(":")
    if kind == ActorKind.STAFF:
        return who
    if kind == ActorKind.CUSTOMER:
        if who in ("", "guest"):
            return str(_("Customer (guest)"))
        return str(_("Customer %(email)s") % {"email": who})
    if kind == ActorKind.JOB:
        job = JOB_LABELS.get(who)
        return str(_("%(job)s (automatic)") % {"job": job}) if job else str(_("The store (automatic)"))
    return label


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
