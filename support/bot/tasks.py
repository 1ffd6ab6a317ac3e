from celery import shared_task


@shared_task(bind=True, name="bot.conversations_expire")
def conversations_expire(self) -> None:
    from support.bot.services import EXPIRE_BATCH, conversations_expire

    if conversations_expire() == EXPIRE_BATCH:
        self.delay()
