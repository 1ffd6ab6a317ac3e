from django.utils.translation import gettext_lazy as _

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
