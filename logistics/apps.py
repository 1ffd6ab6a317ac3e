from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    label = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        from inbox.senders import sender_register
        from logistics.services.tracking import CARRIER_SENDER

        sender_register(CARRIER_SENDER)
