from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    """Signed notices from outside senders (payment providers, carriers, inbound email,
    WhatsApp), kept raw and applied once. It sits below every app but `core`: each app
    plugs its sender in from its own `ready()`, so none imports another's inbox."""

    name = "inbox"
    label = "inbox"
    verbose_name = _("Inbox")
