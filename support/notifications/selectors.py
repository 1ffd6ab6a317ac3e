from django.db.models import QuerySet

from support.notifications.models import ContactPreference, Notification


def notification_list(*, status: str = "") -> QuerySet[Notification]:
    notifications = Notification.objects.order_by("-created_at", "-pk")
    if status in Notification.Status.values:
        notifications = notifications.filter(status=status)
    return notifications


def notification_count_failed() -> int:
    return Notification.objects.filter(status=Notification.Status.FAILED).count()


def contact_preference_get(*, user) -> ContactPreference | None:
    return ContactPreference.objects.filter(user=user).first()
