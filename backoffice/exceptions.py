from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class UnknownSku(DomainError):
    code = "unknown_sku"

    def __init__(self, *, skus: list[str]) -> None:
        super().__init__(_("Unknown SKU: %(skus)s.") % {"skus": ", ".join(skus)})
        self.skus = skus


class AssistedPaymentMethod(DomainError):
    code = "assisted_payment_method"
    message = _("Orders taken on the phone are paid by Pix or boleto.")
