from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class EmailAlreadyRegistered(DomainError):
    code = "email_already_registered"
    message = _("An account with this email already exists. Log in or reset your password.")


class AddressNotFound(DomainError):
    code = "address_not_found"
    message = _("This address is not in your account any more.")


class AddressLimitReached(DomainError):
    code = "address_limit_reached"

    def __init__(self, *, limit: int) -> None:
        super().__init__(
            gettext("You can keep up to %(limit)s addresses. Delete one you no longer use to add another.")
            % {"limit": limit}
        )


class ErasureTransitionNotAllowed(DomainError):
    code = "erasure_transition_not_allowed"
    message = _("This erasure request has already been answered.")


class ErasureRefusalReasonMissing(DomainError):
    code = "erasure_refusal_reason_missing"
    message = _("Say why the erasure request is refused: the customer is told.")


class ErasureNotForStaff(DomainError):
    code = "erasure_not_for_staff"
    message = _("Staff accounts are closed by the store's administrators, not through an erasure request.")
