from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.exceptions import DomainError


class TransitionNotAllowed(DomainError):
    code = "order_transition_not_allowed"

    def __init__(self, *, order, to: str) -> None:
        from orders.models import Order

        super().__init__(
            _("Order %(number)s cannot go from “%(current)s” to “%(target)s”.")
            % {
                "number": order.number,
                "current": Order.Status(order.status).label,
                "target": Order.Status(to).label,
            }
        )


class PaymentTransitionNotAllowed(DomainError):
    code = "payment_transition_not_allowed"
    message = _("This payment cannot change to that status.")


class PaymentNotAllowed(DomainError):
    code = "payment_not_allowed"
    message = _("This order is not waiting for a payment.")


class PaymentProviderDown(DomainError):
    code = "payment_provider_down"
    message = _("The payment service did not answer. Please try again in a moment.")


class CardInvalid(DomainError):
    code = "card_invalid"
    message = _("Check the card number, expiry date and security code.")


class InstallmentsNotAllowed(DomainError):
    code = "installments_not_allowed"
    message = _("This number of instalments is not available for this total. Please choose again.")


class PixDiscountNeedsPix(DomainError):
    code = "pix_discount_needs_pix"
    message = _("This order has the Pix discount: please pay it by Pix.")


class OrderChangedMeanwhile(DomainError):
    code = "order_changed_meanwhile"
    message = _(
        "Someone else acted on this order while you were looking at it. Check it again before acting."
    )


class ReasonRequired(DomainError):
    code = "reason_required"
    message = _("Say why: the reason is kept on the order and may be shown to the customer.")


class OrderNotCancellable(DomainError):
    code = "order_not_cancellable"
    message = _(
        "This order has shipped or is closed, so it can no longer be cancelled. Ask for a return instead."
    )


class OrderAwaitsReturn(DomainError):
    code = "order_awaits_return"
    message = _(
        "This order is an exchange's replacement waiting for the returned items: the returns team sends it."
    )


class OrderStillShort(DomainError):
    code = "order_still_short"

    def __init__(self, *, units: int) -> None:
        super().__init__(
            ngettext(
                "%(units)s unit of this order is still missing from stock.",
                "%(units)s units of this order are still missing from stock.",
                units,
            )
            % {"units": units}
        )


class RefundTransitionNotAllowed(DomainError):
    code = "refund_transition_not_allowed"
    message = _("This refund cannot change to that status.")


class RefundAmountInvalid(DomainError):
    code = "refund_amount_invalid"
    message = _("The amount to refund must be more than zero, in reais and centavos.")


class RefundAboveRefundable(DomainError):
    code = "refund_above_refundable"

    def __init__(self, *, refundable: str) -> None:
        super().__init__(
            _("Only %(refundable)s of this order can still be refunded.") % {"refundable": refundable}
        )


class RefundMethodUnknown(DomainError):
    code = "refund_method_unknown"
    message = _("Choose how the money goes back: to the card or Pix, by bank transfer, or as store credit.")


class RefundSourceTaken(DomainError):
    code = "refund_source_taken"
    message = _("A refund for this reason was already asked for another order.")


class BoletoNotRefundable(DomainError):
    code = "boleto_not_refundable"
    message = _(
        "A boleto cannot be paid back to whoever paid it: give a Pix key or a bank account to "
        "transfer the money to."
    )


class RefundDestinationMissing(DomainError):
    code = "refund_destination_missing"
    message = _("Give a Pix key or a bank account to transfer the money to.")


class PixKeyInvalid(DomainError):
    code = "pix_key_invalid"
    message = _(
        "This is not a valid Pix key. Give a CPF, a CNPJ, an email, a phone number starting "
        "with +55 or a random key."
    )


class BankAccountInvalid(DomainError):
    """One field of a bank account is wrong; `field` names it for the form."""

    code = "bank_account_invalid"
    MESSAGES = {
        "bank": _("The bank code has 3 digits."),
        "branch": _("The branch has up to 4 digits, and its check digit after a hyphen if it has one."),
        "account": _("The account number ends with its check digit, e.g. 12345-6."),
        "holder_cpf": _("Enter the valid CPF of the account holder."),
    }

    def __init__(self, *, field: str) -> None:
        self.field = field
        super().__init__(self.MESSAGES[field])


class RefundExceedsPayment(DomainError):
    code = "refund_exceeds_payment"
    message = _("The payment has less left to refund than this refund: someone refunded it meanwhile.")
