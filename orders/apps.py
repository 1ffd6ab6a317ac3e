from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from inbox.senders import sender_register
        from orders.services.notices import PAYMENT_SENDER

        sender_register(PAYMENT_SENDER)
