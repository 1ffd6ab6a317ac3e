from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class NotificationTransitionNotAllowed(DomainError):
    code = "notification_transition_not_allowed"
    message = _("This message cannot change to that status.")


class NotificationDeliveryFailed(DomainError):
    """The mail server refused or could not be reached; the delivery is retried."""

    code = "notification_delivery_failed"
    message = _("The message could not be delivered.")
