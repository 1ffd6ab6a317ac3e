from celery import shared_task


@shared_task(bind=True, name="inventory.reservations_expire")
def reservations_expire(self) -> None:
    from inventory.services.reservations import EXPIRE_BATCH, reservations_expire

    if reservations_expire() == EXPIRE_BATCH:
        self.delay()


@shared_task(name="inventory.replenishment_notify")
def replenishment_notify() -> None:
    from inventory.services.replenishment import replenishment_notify

    replenishment_notify()
