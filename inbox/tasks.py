from celery import shared_task
from django.db import OperationalError


@shared_task(name="inbox.notice_apply", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8)
def notice_apply(*, event_id: int) -> None:
    from inbox.services import notice_apply

    notice_apply(event_id=event_id)


@shared_task(name="inbox.notices_reconcile")
def notices_reconcile() -> None:
    from inbox.services import notices_reconcile

    notices_reconcile()
