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
