from celery import shared_task


@shared_task(bind=True, name="recovery.recovery_reminders_send_due")
def recovery_reminders_send_due(self) -> None:
    from support.recovery.services import DUE_BATCH, recovery_reminders_send_due

    if recovery_reminders_send_due() == DUE_BATCH:
        self.delay()  # more are due: the next batch goes at once
