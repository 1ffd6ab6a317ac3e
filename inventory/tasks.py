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


@shared_task(name="inventory.lots_expired_sync")
def lots_expired_sync() -> None:
    from inventory.services.stock import lots_expired_sync

    lots_expired_sync()
