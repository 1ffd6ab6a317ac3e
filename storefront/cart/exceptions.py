from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class VariantNotForSale(DomainError):
    code = "variant_not_for_sale"
    message = _("This product is not for sale at the moment.")


class QuantityUnavailable(DomainError):
    """More units than the online stock holds (or than one order may take)."""

    code = "quantity_unavailable"

    def __init__(self, *, available: int) -> None:
        if available <= 0:
            message = gettext("This product is sold out.")
        else:
            message = ngettext(
                "Only %(available)s unit is available.", "Only %(available)s units are available.", available
            ) % {"available": available}
        super().__init__(message)
        self.available = available


class CartLineNotFound(DomainError):
    code = "cart_line_not_found"
    message = _("This item is no longer in your cart.")


class CartClosed(DomainError):
    code = "cart_closed"
    message = _("This cart was already turned into an order.")
