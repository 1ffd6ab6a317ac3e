from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orders.services.payments import is_sandbox_active


class AreaGroup(models.TextChoices):
    """The menus the areas are grouped in, so that a manager's many areas fit one bar."""

    SALES = "sales", _("Orders and payments")
    SERVICE = "service", _("Customer service")
    WAREHOUSE = "warehouse", _("Stock and delivery")
    SECURITY = "security", _("Security")
    REPORTS = "reports", _("Reports")


GROUP_ICONS = {
    AreaGroup.SALES: "receipt",
    AreaGroup.SERVICE: "headset",
    AreaGroup.WAREHOUSE: "box-seam",
    AreaGroup.SECURITY: "shield-lock",
    AreaGroup.REPORTS: "graph-up",
}


@dataclass(frozen=True)
class Area:
    title: Promise
    description: Promise
    icon: str
    url_name: str
    permission: str
    group: str
    is_shown: Callable[[], bool] = lambda: True


@dataclass(frozen=True)
class AreaMenu:
    """One menu of the back-office bar: a group and the areas of it the staff member may open."""

    group: str
    title: Promise
    icon: str
    areas: list[Area]


AREAS: tuple[Area, ...] = (
    Area(
        title=_("Customers"),
        description=_("Find a customer's account and contact details."),
        icon="people",
        url_name="backoffice:customer-list",
        permission="accounts.view_user",
        group=AreaGroup.SERVICE,
    ),
    Area(
        title=_("Messages"),
        description=_("Every message sent to customers, and those that failed."),
        icon="envelope",
        url_name="backoffice:notification-list",
        permission="notifications.view_notification",
        group=AreaGroup.SERVICE,
    ),
    Area(
        title=_("Support desk"),
        description=_("Tickets from every channel by deadline; the ombudsman's cases for the ombudsman."),
        icon="headset",
        url_name="backoffice:support-desk",
        permission="support.view_ticket",
        group=AreaGroup.SERVICE,
    ),
    Area(
        title=_("Satisfaction surveys"),
        description=_("NPS after delivery and CSAT after tickets, by carrier, product, agent and month."),
        icon="emoji-smile",
        url_name="backoffice:survey-results",
        permission="surveys.view_survey",
        group=AreaGroup.SERVICE,
    ),
    Area(
        title=_("Product reviews"),
        description=_("What customers wrote about the products they received, to publish or reject."),
        icon="star-half",
        url_name="backoffice:review-queue",
        permission="reviews.moderate_review",
        group=AreaGroup.SERVICE,
    ),
    Area(
        title=_("Orders"),
        description=_(
            "Find any order by number, CPF or email; orders waiting for an analyst: fraud review, "
            "registration data, address, stock."
        ),
        icon="shield-check",
        url_name="backoffice:hold-queue",
        permission="orders.view_order",
        group=AreaGroup.SALES,
    ),
    Area(
        title=_("Failed refunds"),
        description=_("Refunds the payment provider did not pay after every retry, to make again."),
        icon="cash-stack",
        url_name="backoffice:failed-refund-list",
        permission="orders.retry_refund",
        group=AreaGroup.SALES,
    ),
    Area(
        title=_("Telesales"),
        description=_(
            "Place an order for a customer on the phone; they pay by Pix or boleto from the email."
        ),
        icon="telephone",
        url_name="backoffice:telesales-order",
        permission="orders.place_assisted_order",
        group=AreaGroup.SALES,
    ),
    Area(
        title=_("Recovery calls"),
        description=_("Lost sales to call, highest value first, with the items, the reason and the history."),
        icon="telephone-outbound",
        url_name="backoffice:recovery-call-list",
        permission="orders.work_recovery_calls",
        group=AreaGroup.SALES,
    ),
    Area(
        title=_("Sales recovery"),
        description=_(
            "Reminders sent, opened and the orders and revenue they brought back, per kind and step."
        ),
        icon="arrow-counterclockwise",
        url_name="backoffice:recovery-report",
        permission="orders.view_recovery_report",
        group=AreaGroup.SALES,
    ),
    Area(
        title=_("Stock"),
        description=_("Stock by warehouse, bin and lot; receiving, counts, transfers and what to reorder."),
        icon="box-seam",
        url_name="backoffice:stock-search",
        permission="inventory.view_stocklevel",
        group=AreaGroup.WAREHOUSE,
    ),
    Area(
        title=_("Purchasing"),
        description=_(
            "Purchase orders to suppliers: drafted from what to reorder, edited, sent; suppliers' lead times."
        ),
        icon="cart-plus",
        url_name="backoffice:purchasing-list",
        permission="inventory.view_purchaseorder",
        group=AreaGroup.WAREHOUSE,
    ),
    Area(
        title=_("Picking and packing"),
        description=_("Validated orders to pick bin by bin, and picked orders to check and box."),
        icon="upc-scan",
        url_name="backoffice:pick-queue",
        permission="logistics.pick_orders",
        group=AreaGroup.WAREHOUSE,
    ),
    Area(
        title=_("Shipments"),
        description=_("Parcels waiting for the carrier, on their way, late or delivered."),
        icon="truck",
        url_name="backoffice:shipment-list",
        permission="logistics.view_shipment",
        group=AreaGroup.WAREHOUSE,
    ),
    Area(
        title=_("Returns"),
        description=_("Return requests to decide, parcels to receive and inspect, refunds to settle."),
        icon="arrow-return-left",
        url_name="backoffice:return-queue",
        permission="returns.view_returnrequest",
        group=AreaGroup.WAREHOUSE,
    ),
    Area(
        title=_("Sandbox payments"),
        description=_("Pay or expire test Pix and boletos, as the sandbox provider would."),
        icon="cash-coin",
        url_name="backoffice:sandbox-payment-list",
        permission="orders.simulate_sandbox_payment",
        group=AreaGroup.SALES,
        is_shown=is_sandbox_active,
    ),
    Area(
        title=_("Indicators"),
        description=_(
            "Sales, payments, fraud review and margin by day, with charts, the period before and CSV."
        ),
        icon="graph-up",
        url_name="backoffice:kpi-index",
        permission="kpis.view_dashboard",
        group=AreaGroup.REPORTS,
    ),
    Area(
        title=_("Exports"),
        description=_(
            "Orders, invoices, payments, stock and returns as CSV or JSON lines for the ERP and "
            "the accountant; the ERP feed's failures."
        ),
        icon="download",
        url_name="backoffice:export-form",
        permission="exports.export_data",
        group=AreaGroup.REPORTS,
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
        group=AreaGroup.SECURITY,
    ),
    Area(
        title=_("Personal data access log"),
        description=_("Who among the staff read which customer's personal data, and when."),
        icon="eye",
        url_name="backoffice:access-log",
        permission="backoffice.view_personaldataaccess",
        group=AreaGroup.SECURITY,
    ),
    Area(
        title=_("Erasure requests"),
        description=_("Customers who asked for their personal data to be erased, by legal deadline."),
        icon="eraser",
        url_name="backoffice:erasure-request-list",
        permission="accounts.view_erasurerequest",
        group=AreaGroup.SECURITY,
    ),
)


def areas_for_user(user) -> list[Area]:
    return [area for area in AREAS if user.has_perm(area.permission) and area.is_shown()]


def area_menus_for_user(user) -> list[AreaMenu]:
    """The areas the staff member's roles open, by group, in the groups' order; groups with
    nothing for them are left out."""
    areas = areas_for_user(user)
    menus = [
        AreaMenu(
            group=group,
            title=group.label,
            icon=GROUP_ICONS[group],
            areas=[area for area in areas if area.group == group],
        )
        for group in AreaGroup
    ]
    return [menu for menu in menus if menu.areas]
