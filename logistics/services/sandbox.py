"""What the sandbox carrier does on its own side, for demos and tests: move parcels along
their journey and post each event to our tracking webhook, signed."""

from inbox.services import notice_receive
from logistics.adapters.base import CarrierEvent
from logistics.adapters.sandbox import SandboxCarrier, sandbox_parcel_advance, sandbox_tracking_notice
from logistics.models import SandboxParcel, Shipment
from logistics.services.tracking import CARRIER_SENDER


def sandbox_shipments_advance(
    *, tracking_codes: list[str] | None = None, notify: bool = True
) -> list[CarrierEvent]:
    """Move every sandbox parcel of our shipments on the way (or those named) one step
    further; with `notify`, post each event to our webhook as the carrier would (otherwise
    the events wait for tracking queries). Return the events published."""
    codes = (
        Shipment.objects.active().filter(tracking_code__isnull=False).values_list("tracking_code", flat=True)
    )
    if tracking_codes is not None:
        codes = codes.filter(tracking_code__in=tracking_codes)
    published = []
    for parcel in SandboxParcel.objects.filter(tracking_code__in=list(codes), is_cancelled=False).order_by(
        "pk"
    ):
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
