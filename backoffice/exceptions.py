from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.exceptions import DomainError


class UnknownSku(DomainError):
    code = "unknown_sku"

    def __init__(self, *, skus: list[str]) -> None:
        super().__init__(_("Unknown SKU: %(skus)s.") % {"skus": ", ".join(skus)})
        self.skus = skus


class AssistedPaymentMethod(DomainError):
    code = "assisted_payment_method"
    message = _("Orders taken on the phone are paid by Pix, boleto or a card payment link.")


class AssistedOrderNotPayable(DomainError):
    code = "assisted_order_not_payable"
    message = _("This order is no longer waiting for payment: nothing was sent.")


class TwoFactorCodeInvalid(DomainError):
    code = "two_factor_code_invalid"
    message = _("This code is not right. Enter the 6-digit code your authenticator app shows now.")


class TwoFactorThrottled(DomainError):
    code = "two_factor_throttled"

    def __init__(self, *, seconds: int) -> None:
        super().__init__(
            ngettext(
                "Too many wrong codes in a row. Wait %(seconds)d second and try again.",
                "Too many wrong codes in a row. Wait %(seconds)d seconds and try again.",
                seconds,
            )
            % {"seconds": seconds}
        )
        self.seconds = seconds


class TwoFactorNotSetUp(DomainError):
    code = "two_factor_not_set_up"
    message = _("Two-factor login is not set up for this account.")


class TwoFactorRequired(DomainError):
    code = "two_factor_required"
    message = _("Your role requires two-factor login, so it cannot be turned off.")
