"""Every write logistics makes, split by step; the public names are re-exported here."""

from logistics.services.claims import (
    carrier_claim_file,
    carrier_claim_open,
    carrier_claim_settle,
    carrier_claim_transition,
    carrier_claims_reconcile,
)
from logistics.services.deadlines import shipments_overdue_alert
from logistics.services.dispatch import (
    carrier_gateway,
    shipment_dispatch,
    shipment_dispatch_request,
    shipment_transition,
    shipments_dispatch_reconcile,
)
from logistics.services.invoices import invoice_issue, invoice_issue_entry
from logistics.services.packing import (
    PackingLine,
    box_upsert,
    packing_check,
    packing_expected,
    packing_items_grams,
    parcel_check,
    shipment_pack,
)
from logistics.services.picking import pick_line_confirm, pick_line_short, pick_list_create
from logistics.services.rates import RateRow, carrier_service_set_rates, shipping_rates_import
from logistics.services.sandbox import sandbox_shipments_advance
from logistics.services.tracking import (
    shipments_track,
    tracking_events_apply,
    tracking_notice_apply,
    tracking_notice_read,
)

__all__ = [
    "PackingLine",
    "RateRow",
    "box_upsert",
    "carrier_claim_file",
    "carrier_claim_open",
    "carrier_claim_settle",
    "carrier_claim_transition",
    "carrier_claims_reconcile",
    "carrier_gateway",
    "carrier_service_set_rates",
    "invoice_issue",
    "invoice_issue_entry",
    "packing_check",
    "packing_expected",
    "packing_items_grams",
    "parcel_check",
    "pick_line_confirm",
    "pick_line_short",
    "pick_list_create",
    "sandbox_shipments_advance",
    "shipment_dispatch",
    "shipment_dispatch_request",
    "shipment_pack",
    "shipment_transition",
    "shipments_dispatch_reconcile",
    "shipments_overdue_alert",
    "shipments_track",
    "shipping_rates_import",
    "tracking_events_apply",
    "tracking_notice_apply",
    "tracking_notice_read",
]
