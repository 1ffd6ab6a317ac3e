"""Every write the returns app makes, split by step; the public names are re-exported here."""

from returns.services.completion import orders_complete
from returns.services.exchanges import return_exchange_ship_now
from returns.services.inspection import UnitDecision, return_inspect
from returns.services.parcels import (
    return_find_by_parcel,
    return_parcel_authorise,
    return_receive,
    return_tracking_apply,
    returns_authorise_reconcile,
    returns_expire,
    returns_track,
)
from returns.services.requests import (
    LineAsk,
    return_approve,
    return_reject,
    return_request_create,
    return_withdraw,
)
from returns.services.transitions import return_event, return_transition

__all__ = [
    "LineAsk",
    "UnitDecision",
    "orders_complete",
    "return_approve",
    "return_event",
    "return_exchange_ship_now",
    "return_find_by_parcel",
    "return_inspect",
    "return_parcel_authorise",
    "return_receive",
    "return_reject",
    "return_request_create",
    "return_tracking_apply",
    "return_transition",
    "return_withdraw",
    "returns_authorise_reconcile",
    "returns_expire",
    "returns_track",
]
