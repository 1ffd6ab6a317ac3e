"""Parcels on the carriers' books that are not our shipments (a customer's parcel coming back,
for one). The app that owns them registers a `ParcelOwner` from its AppConfig.ready(), so
logistics takes the carriers' tracking notices about them and hands the events over, and the
sandbox carrier moves them along, without logistics importing the apps above it."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from logistics.adapters.base import CarrierEvent


@dataclass(frozen=True)
class ParcelOwner:
    name: str
    # (carrier, tracking_code) -> whether the parcel is the owner's: the carrier is the adapter's
    # name (CarrierService.gateway) the notice came from.
    owns: Callable[[str, str], bool]
    # (tracking_code, events, source) -> how many events were new. Stores each event once,
    # inside the caller's transaction; `source` is a TrackingEvent.Source value.
    apply: Callable[[str, list[CarrierEvent], str], int]
    # () -> tracking codes of the owner's parcels still on the way (for the sandbox carrier).
    active_codes: Callable[[], Iterable[str]]


_OWNERS: dict[str, ParcelOwner] = {}


def parcel_owner_register(owner: ParcelOwner) -> None:
    _OWNERS[owner.name] = owner


def parcel_owner_unregister(name: str) -> None:
    _OWNERS.pop(name, None)


def parcel_owner_for(*, carrier: str, tracking_code: str) -> ParcelOwner | None:
    """The owner of a parcel that is not a shipment, or None when nobody claims it."""
    return next((owner for owner in _OWNERS.values() if owner.owns(carrier, tracking_code)), None)


def parcel_owners_all() -> list[ParcelOwner]:
    return list(_OWNERS.values())
