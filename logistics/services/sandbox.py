"""What the sandbox carrier does on its own side, for demos and tests: move parcels along
their journey (our shipments and the parcels other apps own) and post each event to our
tracking webhook, signed."""

from inbox.services import notice_receive
from logistics.adapters.base import CarrierEvent
from logistics.adapters.sandbox import SandboxCarrier, sandbox_parcel_advance, sandbox_tracking_notice
from logistics.models import SandboxParcel, Shipment
from logistics.parcels import parcel_owners_all
from logistics.services.tracking import CARRIER_SENDER


def sandbox_shipments_advance(
    *, tracking_codes: list[str] | None = None, notify: bool = True
) -> list[CarrierEvent]:
    """Move every sandbox parcel of our shipments on the way and of the parcel owners' parcels
    on the way (or those named) one step further; with `notify`, post each event to our
    webhook as the carrier would (otherwise the events wait for tracking queries). Return the
    events published."""
    shipments = Shipment.objects.active().filter(tracking_code__isnull=False)
    if tracking_codes is not None:
        shipments = shipments.filter(tracking_code__in=tracking_codes)
    codes = set(shipments.values_list("tracking_code", flat=True))
    codes |= {code for owner in parcel_owners_all() for code in owner.active_codes()}
    if tracking_codes is not None:
        codes &= set(tracking_codes)
    published = []
    for parcel in SandboxParcel.objects.filter(tracking_code__in=codes, is_cancelled=False).order_by("pk"):
        event = sandbox_parcel_advance(parcel)
        if event is None:
            continue
        published.append(event)
        if notify:
            body, signature = sandbox_tracking_notice(tracking_code=parcel.tracking_code, event=event)
            notice_receive(
                sender=CARRIER_SENDER.name,
                provider=SandboxCarrier.name,
                body=body,
                headers={"X-Signature": signature},
            )
    return published
