from core.locks import for_update
from support.notifications.models import Notification


def lock_notification(notification_id: int) -> Notification:
    return for_update(Notification.objects.filter(pk=notification_id)).get()
