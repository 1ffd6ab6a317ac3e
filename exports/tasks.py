from celery import shared_task


@shared_task(bind=True, name="exports.feed_collect")
def feed_collect(self) -> None:
    from exports.services.feed import COLLECT_BATCH, feed_collect

    read = feed_collect()
    feed_deliver.delay_on_commit()
    if read >= COLLECT_BATCH:
        self.delay()


@shared_task(name="exports.feed_deliver")
def feed_deliver() -> None:
    from exports.services.feed import feed_deliver

    feed_deliver()


@shared_task(name="exports.feed_reconcile")
def feed_reconcile() -> None:
    from exports.services.feed import feed_events_overdue_exist, feed_reconcile

    added = feed_reconcile()
    if added or feed_events_overdue_exist():
        feed_deliver.delay_on_commit()
