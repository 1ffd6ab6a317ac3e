from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class RecoveryLinkInvalid(DomainError):
    code = "recovery_link_invalid"
    message = _("This link is not valid. It may have been copied incompletely.")


class RecoveryItemsGone(DomainError):
    code = "recovery_items_gone"
    message = _("The items of this link are no longer for sale.")


class RecoveryTransitionNotAllowed(DomainError):
    code = "recovery_transition_not_allowed"
    message = _("This lost sale cannot change to that status.")


class RecoveryClosed(DomainError):
    code = "recovery_closed"
    message = _("This lost sale was already recovered or closed.")
