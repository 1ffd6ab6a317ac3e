from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    label = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from inbox.senders import sender_register
        from support import tasks  # noqa: F401  apps below the desk ask for its tasks by name
        from support.channels.email import EMAIL_SENDER
        from support.channels.whatsapp import WHATSAPP_SENDER

        sender_register(EMAIL_SENDER)
        sender_register(WHATSAPP_SENDER)
