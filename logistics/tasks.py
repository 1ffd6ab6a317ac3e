from celery import shared_task
from django.db import OperationalError

from logistics.adapters.base import CarrierUnavailable


@shared_task(
    name="logistics.shipment_dispatch",
    autoretry_for=(CarrierUnavailable, OperationalError),
    retry_backoff=True,
    max_retries=8,
)
def shipment_dispatch(*, shipment_id: int) -> None:
    from logistics.services import shipment_dispatch

    shipment_dispatch(shipment_id=shipment_id)


@shared_task(name="logistics.shipments_dispatch_reconcile")
def shipments_dispatch_reconcile() -> None:
    from logistics.services import shipments_dispatch_reconcile

    shipments_dispatch_reconcile()


@shared_task(name="logistics.shipments_track")
def shipments_track() -> None:
    from logistics.services import shipments_track

    shipments_track()


@shared_task(name="logistics.shipments_overdue_alert")
def shipments_overdue_alert() -> None:
    from logistics.services import shipments_overdue_alert

    shipments_overdue_alert()


@shared_task(
    name="logistics.carrier_claim_file",
    autoretry_for=(CarrierUnavailable, OperationalError),
    retry_backoff=True,
    max_retries=8,
)
def carrier_claim_file(*, claim_id: int) -> None:
    from logistics.services import carrier_claim_file

    carrier_claim_file(claim_id=claim_id)


@shared_task(name="logistics.carrier_claims_reconcile")
def carrier_claims_reconcile() -> None:
    from logistics.services import carrier_claims_reconcile

    carrier_claims_reconcile()
