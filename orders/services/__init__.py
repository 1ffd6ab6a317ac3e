"""Every write the orders app makes, split by sub-domain; the public names are re-exported here."""

from orders.services.notices import sandbox_notice_deliver
from orders.services.payments import (
    card_tokenise,
    installment_options,
    is_sandbox_active,
    orders_unpaid_cancel,
    payment_capture,
    payment_gateway,
    payment_mark_expired,
    payment_mark_paid,
    payment_start,
    payment_void,
    payments_expire,
)
from orders.services.placement import Buyer, Delivery, order_place, order_place_replacement
from orders.services.refunds import (
    bank_account_clean,
    order_refundable,
    pix_key_clean,
    refund_destination_clean,
    refund_execute,
    refund_fail,
    refund_request,
    refund_retry,
    refund_transition,
    refunds_reconcile,
)
from orders.services.risk import order_release_after_return
from orders.services.sales import product_sales_refresh
from orders.services.transitions import order_note_add, order_transition, payment_transition

__all__ = [
    "Buyer",
    "Delivery",
    "bank_account_clean",
    "card_tokenise",
    "installment_options",
    "is_sandbox_active",
    "order_note_add",
    "order_place",
    "order_place_replacement",
    "order_refundable",
    "order_release_after_return",
    "order_transition",
    "orders_unpaid_cancel",
    "payment_capture",
    "payment_gateway",
    "payment_mark_expired",
    "payment_mark_paid",
    "payment_start",
    "payment_transition",
    "payment_void",
    "payments_expire",
    "pix_key_clean",
    "product_sales_refresh",
    "refund_destination_clean",
    "refund_execute",
    "refund_fail",
    "refund_request",
    "refund_retry",
    "refund_transition",
    "refunds_reconcile",
    "sandbox_notice_deliver",
]
