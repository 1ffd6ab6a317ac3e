from celery import shared_task

from support.notifications.exceptions import NotificationDeliveryFailed


def _notification_deliver_failure(self, exc, task_id, args, kwargs, einfo) -> None:
    from support.notifications.services import notification_fail

    notification_fail(notification_id=kwargs["notification_id"])


@shared_task(
    name="notifications.notification_deliver",
    autoretry_for=(NotificationDeliveryFailed,),
    retry_backoff=30,
    retry_backoff_max=120,
    max_retries=16,  # about half an hour of a mail server that does not answer
    on_failure=_notification_deliver_failure,
)
def notification_deliver(*, notification_id: int) -> None:
    from support.notifications.services import notification_deliver

    notification_deliver(notification_id=notification_id)


@shared_task(bind=True, name="notifications.notification_reconcile")
def notification_reconcile(self, *, after_id: int = 0) -> None:
    from support.notifications.services import notification_reconcile

    last_id = notification_reconcile(after_id=after_id)
    if last_id is not None:
        self.delay(after_id=last_id)
