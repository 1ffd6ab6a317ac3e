from celery import shared_task
from django.db import OperationalError

from logistics.adapters.base import CarrierUnavailable


@shared_task(
    name="returns.return_parcel_authorise",
    autoretry_for=(CarrierUnavailable, OperationalError),
    retry_backoff=True,
    max_retries=8,
)
def return_parcel_authorise(*, request_id: int) -> None:
    from returns.services import return_parcel_authorise

    return_parcel_authorise(request_id=request_id)


@shared_task(name="returns.returns_authorise_reconcile")
def returns_authorise_reconcile() -> None:
    from returns.services import returns_authorise_reconcile

    returns_authorise_reconcile()


@shared_task(bind=True, name="returns.returns_track")
def returns_track(self) -> None:
    from returns.services.parcels import BATCH, returns_track

    if returns_track() == BATCH:
        self.delay()


@shared_task(bind=True, name="returns.returns_expire")
def returns_expire(self) -> None:
    from returns.services.parcels import BATCH, returns_expire

    if returns_expire() == BATCH:
        self.delay()


@shared_task(bind=True, name="returns.orders_complete")
def orders_complete(self) -> None:
    from returns.services.completion import BATCH, orders_complete

    if orders_complete() == BATCH:
        self.delay()
