from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orders.services.payments import is_sandbox_active


@dataclass(frozen=True)
class Area:
    title: Promise
    description: Promise
    icon: str
    url_name: str
    permission: str
    is_shown: Callable[[], bool] = lambda: True


AREAS: tuple[Area, ...] = (
    Area(
        title=_("Customers"),
        description=_("Find a customer's account and contact details."),
        icon="people",
        url_name="backoffice:customer-list",
        permission="accounts.view_user",
    ),
    Area(
        title=_("Messages"),
        description=_("Every message sent to customers, and those that failed."),
        icon="envelope",
        url_name="backoffice:notification-list",
        permission="notifications.view_notification",
    ),
    Area(
        title=_("Support desk"),
        description=_("Tickets from every channel by deadline; the ombudsman's cases for the ombudsman."),
        icon="headset",
        url_name="backoffice:support-desk",
        permission="support.view_ticket",
    ),
    Area(
        title=_("Satisfaction surveys"),
        description=_("NPS after delivery and CSAT after tickets, by carrier, product, agent and month."),
        icon="emoji-smile",
        url_name="backoffice:survey-results",
        permission="surveys.view_survey",
    ),
    Area(
        title=_("Orders on hold"),
        description=_("Orders waiting for an analyst: fraud review, registration data, address, stock."),
        icon="shield-check",
        url_name="backoffice:hold-queue",
        permission="orders.view_order",
    ),
    Area(
        title=_("Failed refunds"),
        description=_("Refunds the payment provider did not pay after every retry, to make again."),
        icon="cash-stack",
        url_name="backoffice:failed-refund-list",
        permission="orders.retry_refund",
    ),
    Area(
        title=_("Telesales"),
        description=_(
            "Place an order for a customer on the phone; they pay by Pix or boleto from the email."
        ),
        icon="telephone",
        url_name="backoffice:telesales-order",
        permission="orders.place_assisted_order",
    ),
    Area(
        title=_("Recovery calls"),
        description=_("Lost sales to call, highest value first, with the items, the reason and the history."),
        icon="telephone-outbound",
        url_name="backoffice:recovery-call-list",
        permission="orders.work_recovery_calls",
    ),
    Area(
        title=_("Sales recovery"),
        description=_(
            "Reminders sent, opened and the orders and revenue they brought back, per kind and step."
        ),
        icon="arrow-counterclockwise",
        url_name="backoffice:recovery-report",
        permission="orders.view_recovery_report",
    ),
    Area(
        title=_("Stock"),
        description=_("Stock by warehouse, bin and lot; receiving, counts, transfers and what to reorder."),
        icon="box-seam",
        url_name="backoffice:stock-search",
        permission="inventory.view_stocklevel",
    ),
    Area(
        title=_("Picking and packing"),
        description=_("Validated orders to pick bin by bin, and picked orders to check and box."),
        icon="upc-scan",
        url_name="backoffice:pick-queue",
        permission="logistics.pick_orders",
    ),
    Area(
        title=_("Shipments"),
        description=_("Parcels waiting for the carrier, on their way, late or delivered."),
        icon="truck",
        url_name="backoffice:shipment-list",
        permission="logistics.view_shipment",
    ),
    Area(
        title=_("Returns"),
        description=_("Return requests to decide, parcels to receive and inspect, refunds to settle."),
        icon="arrow-return-left",
        url_name="backoffice:return-queue",
        permission="returns.view_returnrequest",
    ),
    Area(
        title=_("Sandbox payments"),
        description=_("Pay or expire test Pix and boletos, as the sandbox provider would."),
        icon="cash-coin",
        url_name="backoffice:sandbox-payment-list",
        permission="orders.simulate_sandbox_payment",
        is_shown=is_sandbox_active,
    ),
    Area(
        title=_("Login security"),
        description=_(
            "Unlock logins locked after too many failed attempts; "
            "choose the roles that need two-factor login."
        ),
        icon="shield-lock",
        url_name="backoffice:login-lock-list",
        permission="axes.view_accessattempt",
    ),
)


def areas_for_user(user) -> list[Area]:
    return [area for area in AREAS if user.has_perm(area.permission) and area.is_shown()]
