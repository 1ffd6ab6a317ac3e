from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class VoucherNotFound(DomainError):
    code = "voucher_not_found"
    message = _("There is no voucher with this code.")


class VoucherNotValidNow(DomainError):
    code = "voucher_not_valid_now"
    message = _("This voucher is not valid at the moment.")


class VoucherMinimumNotMet(DomainError):
    code = "voucher_minimum_not_met"

    def __init__(self, *, minimum: str) -> None:
        super().__init__(_("This voucher needs items worth at least %(minimum)s.") % {"minimum": minimum})


class VoucherUsedUp(DomainError):
    code = "voucher_used_up"
    message = _("This voucher has been used up.")


class VoucherAlreadyUsed(DomainError):
    code = "voucher_already_used"
    message = _("You have already used this voucher.")


class VoucherNotYours(DomainError):
    code = "voucher_not_yours"
    message = _(
        "This voucher is store credit for another customer: only the CPF it was issued to can use it."
    )
