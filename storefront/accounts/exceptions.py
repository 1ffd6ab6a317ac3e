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
