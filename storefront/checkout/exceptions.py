from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class CartEmpty(DomainError):
    code = "cart_empty"
    message = _("Your cart is empty.")


class DeliveryUnavailable(DomainError):
    code = "delivery_unavailable"
    message = _("This delivery option is not available for your CEP. Choose another one.")


class TotalChanged(DomainError):
    code = "total_changed"
    message = _("Prices or delivery changed since you reviewed your order. Please check the new total.")


class NothingToPay(DomainError):
    code = "nothing_to_pay"
    message = _("With this voucher the order has nothing left to pay. Please use it on a larger order.")
