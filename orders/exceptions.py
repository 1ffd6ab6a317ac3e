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
