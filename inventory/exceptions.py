from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.exceptions import DomainError


class OutOfStock(DomainError):
    """Not enough units to sell online; `variant_ids` names the variants that fell short."""

    code = "out_of_stock"
    message = _("Some items are no longer available in the quantity you chose.")

    def __init__(self, *, variant_ids: list[int]) -> None:
        super().__init__()
        self.variant_ids = variant_ids


class InvalidQuantity(DomainError):
    code = "invalid_quantity"
    message = _("Quantities are whole numbers above zero.")


class NotEnoughStock(DomainError):
    code = "not_enough_stock"
    message = _("There are not enough units there for this change.")


class LotRequired(DomainError):
    code = "lot_required"

    def __init__(self, *, sku: str) -> None:
        super().__init__(_("%(sku)s is tracked by lot: give the lot and its expiry date.") % {"sku": sku})


class LotExpiryMismatch(DomainError):
    code = "lot_expiry_mismatch"

    def __init__(self, *, lot: str) -> None:
        super().__init__(_("Lot %(lot)s was received before with another expiry date.") % {"lot": lot})


class DocumentClosed(DomainError):
    code = "document_closed"
    message = _("This document is closed: nothing more can be done with it.")


class ReceiptEmpty(DomainError):
    code = "receipt_empty"
    message = _("Enter the quantity received of at least one item.")


class ReceiptOverOrdered(DomainError):
    code = "receipt_over_ordered"

    def __init__(self, *, sku: str, missing: int) -> None:
        super().__init__(
            _("%(sku)s: only %(missing)s more were ordered. Accept more than ordered to receive the rest.")
            % {"sku": sku, "missing": missing}
        )


class TransferTooLarge(DomainError):
    code = "transfer_too_large"

    def __init__(self, *, sku: str, available: int) -> None:
        super().__init__(
            ngettext(
                "%(sku)s: only %(available)s unit can leave this warehouse now.",
                "%(sku)s: only %(available)s units can leave this warehouse now.",
                available,
            )
            % {"sku": sku, "available": available}
        )


class NotStockedHere(DomainError):
    code = "not_stocked_here"

    def __init__(self, *, sku: str, place: str) -> None:
        super().__init__(_("%(sku)s is not stocked in %(place)s.") % {"sku": sku, "place": place})


class CountShortOfPromised(DomainError):
    code = "count_short_of_promised"

    def __init__(self, *, sku: str) -> None:
        super().__init__(
            _("%(sku)s: fewer units were counted than paid orders are promised; settle those first.")
            % {"sku": sku}
        )


class CountFileRejected(DomainError):
    """A count file with at least one bad row: nothing of it was used. `errors` lists
    `(row number, message)`."""

    code = "count_file_rejected"
    message = _("The file was refused; nothing was recorded. Fix these rows and upload it again:")

    def __init__(self, *, errors: list[tuple[int, str]]) -> None:
        super().__init__()
        self.errors = errors


class NotOnDocument(DomainError):
    code = "not_on_document"
    message = _("This line or bin does not belong to this document or its warehouse.")


class NotPicked(DomainError):
    code = "not_picked"
    message = _("Not every unit of this order has been picked yet.")


class PurchaseOrderNotDraft(DomainError):
    code = "purchase_order_not_draft"
    message = _("This purchase order was already sent or cancelled: only a draft can be changed.")


class PurchaseOrderEmpty(DomainError):
    code = "purchase_order_empty"
    message = _("Add at least one item before sending the purchase order.")


class VariantUnknown(DomainError):
    code = "variant_unknown"
    message = _("No item has this SKU or EAN. Search by SKU, EAN or name and pick one.")


class PurchaseLineDuplicate(DomainError):
    code = "purchase_line_duplicate"

    def __init__(self, *, sku: str) -> None:
        super().__init__(
            _("%(sku)s is already on this purchase order: change the quantity of its line.") % {"sku": sku}
        )


class InvalidUnitCost(DomainError):
    code = "invalid_unit_cost"
    message = _("The unit cost is an amount of zero or more, with up to two decimal places.")
