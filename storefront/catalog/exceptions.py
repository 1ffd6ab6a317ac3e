from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class CatalogRowRejected(DomainError):
    """A checked import row failed a model check while being written (the database changed
    after the check); the whole import is rolled back."""

    code = "catalog_row_rejected"

    def __init__(self, *, row: int, reason: str) -> None:
        self.row = row
        super().__init__(gettext("Row %(row)s: %(reason)s") % {"row": row, "reason": reason})


class VariantNotForSale(DomainError):
    code = "variant_not_for_sale"
    message = _("This product is no longer sold.")


class VariantInStock(DomainError):
    code = "variant_in_stock"
    message = _("Good news: this option is in stock. You can add it to your cart now.")


class StockAlertTransitionNotAllowed(DomainError):
    code = "stock_alert_transition_not_allowed"
    message = _("This back-in-stock request cannot change to that status.")


class StockAlertLinkInvalid(DomainError):
    code = "stock_alert_link_invalid"
    message = _("This link was changed or is not one of ours.")
