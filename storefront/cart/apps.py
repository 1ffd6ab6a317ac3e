from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartConfig(AppConfig):
    name = "storefront.cart"
    label = "cart"
    verbose_name = _("Cart")

    def ready(self) -> None:
        from storefront.cart import signals  # noqa: F401 - connects the login merge
