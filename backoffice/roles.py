"""Staff roles: one Django group each, with the permissions the role needs.

ROLE_PERMISSIONS is the truth for code and tests. Migrations carry a frozen copy of it and
apply it with `roles_sync`; changing the roles takes a new data migration with the new
table, and a test fails until the migrated groups match ROLE_PERMISSIONS again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORDER_ANALYST = "Order analyst", _("Order analyst")
    FRAUD_ANALYST = "Fraud analyst", _("Fraud analyst")
    WAREHOUSE = "Warehouse", _("Warehouse")
    SHIPPING = "Shipping", _("Shipping")
    RETURNS = "Returns", _("Returns")
    SUPPORT_AGENT = "Support agent", _("Support agent")
    OMBUDSMAN = "Ombudsman", _("Ombudsman")
    TELESALES = "Telesales", _("Telesales")
    DATA_PROTECTION = "Data protection", _("Data protection")
    MANAGER = "Manager", _("Manager")


_CUSTOMER_DATA = {"accounts.view_user"}
# Recording a customer's consent to marketing given or withdrawn on the phone.
_MARKETING_CONSENT = {"notifications.add_marketingconsent"}
_MESSAGES = {"notifications.view_notification"}
_CATALOG_READ = {"catalog.view_category", "catalog.view_product"}
_SANDBOX_PAYMENTS = {"orders.simulate_sandbox_payment"}
_ASSISTED_SALES = {"orders.place_assisted_order", "orders.view_order"}
_ORDER_REVIEW = {"orders.view_order", "orders.validate_order", "orders.cancel_order"}
_RISK_ANALYST = {"orders.view_riskanalysis", "orders.view_blockedaddress", "orders.add_blockedaddress"}
_RISK_MANAGER = {
    "orders.view_riskanalysis",
    "orders.view_riskpolicy",
    "orders.change_riskpolicy",
    "orders.view_riskrule",
    "orders.change_riskrule",
    "orders.view_blockedaddress",
    "orders.add_blockedaddress",
    "orders.change_blockedaddress",
    "orders.delete_blockedaddress",
}
_STOCK = {
    "inventory.view_stocklevel",
    "inventory.receive_stock",
    "inventory.count_stock",
    "inventory.transfer_stock",
    "inventory.view_purchaseorder",
    "inventory.add_purchaseorder",
    "inventory.change_purchaseorder",
    "inventory.send_purchase_order",
    "inventory.view_supplier",
    "inventory.add_supplier",
    "inventory.change_supplier",
    "inventory.view_reorderrule",
    "inventory.add_reorderrule",
    "inventory.change_reorderrule",
}

_PICK_AND_PACK = {
    "logistics.view_shipment",
    "logistics.pick_orders",
    "logistics.pack_orders",
    "logistics.view_box",
    "logistics.view_invoicerecord",
    "orders.fulfil_order",
}
_SHIPPING = {
    "logistics.view_carrierclaim",
    "logistics.settle_carrierclaim",
    "logistics.dispatch_shipment",
    "logistics.view_shipment",
    "logistics.view_invoicerecord",
    "logistics.view_carrierservice",
    "logistics.view_shippingrate",
    "orders.ship_order",
}
_RATES = {
    "logistics.change_carrierservice",
    "logistics.add_shippingrate",
    "logistics.change_shippingrate",
    "logistics.delete_shippingrate",
    "logistics.add_box",
    "logistics.change_box",
}
# Unlocking logins locked after failed attempts, and choosing which roles need two-factor login.
_LOGIN_SECURITY = {
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "backoffice.view_rolepolicy",
    "backoffice.change_rolepolicy",
}

# First-level support (SAC): tickets of every channel, calls, macros; the ombudsman works its own queue.
_SUPPORT_DESK = {
    "support.view_ticket",
    "support.answer_ticket",
    "support.assign_ticket",
    "support.merge_ticket",
    "support.escalate_ticket",
    "support.view_macro",
}
# Reverse logistics: deciding requests, receiving and inspecting parcels, refunding; the order
# and the stock it goes back to are read alongside.
_RETURNS = {
    "returns.view_returnrequest",
    "returns.decide_return",
    "returns.receive_return",
    "returns.refund_return",
    "orders.view_order",
    "inventory.view_stocklevel",
}
_RETURNS_SETUP = {
    "returns.ship_exchange_early",
    "returns.view_returnpolicy",
    "returns.change_returnpolicy",
}
# Winning back lost sales: telesales call; managers set the reminders and read what they bring.
_RECOVERY_CALLS = {"orders.work_recovery_calls"}
_RECOVERY_SETUP = {
    "orders.view_recovery_report",
    "recovery.view_recoverypolicy",
    "recovery.change_recoverypolicy",
    "recovery.view_recoverysequence",
    "recovery.change_recoverysequence",
    "recovery.view_recoverystep",
    "recovery.add_recoverystep",
    "recovery.change_recoverystep",
    "recovery.delete_recoverystep",
    "recovery.view_recoveryoptout",
}
# Support answers "where is my order": it reads orders, their payments and shipments, and acts on none.
_ORDER_READ = {"orders.view_order", "logistics.view_shipment"}
_OMBUDSMAN = {"support.view_ticket", "support.work_ombudsman", "support.assign_ticket", "support.view_macro"}
# Satisfaction surveys: support reads the results and comments; managers set when they go out.
_SURVEY_RESULTS = {"surveys.view_survey"}
_SURVEY_SETUP = {"surveys.view_surveypolicy", "surveys.add_surveypolicy", "surveys.change_surveypolicy"}
# Queues, deadlines, macros and the store's calendar (closed days, opening hours).
_SUPPORT_SETUP = {
    "support.view_ticketqueue",
    "support.change_ticketqueue",
    "support.view_slatarget",
    "support.add_slatarget",
    "support.change_slatarget",
    "support.add_macro",
    "support.change_macro",
    "support.delete_macro",
    "core.view_storeholiday",
    "core.add_storeholiday",
    "core.change_storeholiday",
    "core.delete_storeholiday",
    "core.view_openinghours",
    "core.add_openinghours",
    "core.change_openinghours",
    "core.delete_openinghours",
}

# Complaint triage: managers edit the routing table (topic -> queue, urgency -> priority) and
# read the models, verdicts and corrections; agents correct verdicts with support.answer_ticket.
_TRIAGE_SETUP = {
    "triage.view_topicroute",
    "triage.change_topicroute",
    "triage.view_urgencyroute",
    "triage.change_urgencyroute",
    "triage.view_triagemodel",
    "triage.view_verdict",
    "triage.view_tickettriage",
    "triage.view_correction",
}

# Customers' data protection requests (LGPD): the erasure queue, carrying a request out or refusing it.
_DATA_PROTECTION = {"accounts.view_erasurerequest", "accounts.decide_erasurerequest"}

# Indicator dashboards (sales, payments, fraud, margin, operations, stock, after-sale).
_KPI_DASHBOARDS = {"kpis.view_dashboard"}
# Exports for the ERP and the accountant, and the ERP feed's failures to send again.
_EXPORTS = {"exports.export_data", "exports.view_feedevent", "exports.retry_feedevent"}
# What the payment provider keeps per method, which the margin indicators subtract.
_PAYMENT_FEES = {
    "orders.view_paymentfee",
    "orders.add_paymentfee",
    "orders.change_paymentfee",
    "orders.delete_paymentfee",
}

# Product reviews: support agents and managers approve or reject what customers wrote.
_REVIEW_MODERATION = {"reviews.moderate_review"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ORDER_ANALYST: frozenset(_CUSTOMER_DATA | _MESSAGES | _SANDBOX_PAYMENTS | _ORDER_REVIEW),
    Role.FRAUD_ANALYST: frozenset(_CUSTOMER_DATA | _RISK_ANALYST | _ORDER_REVIEW),
    Role.WAREHOUSE: frozenset(_CATALOG_READ | _STOCK | _PICK_AND_PACK),
    Role.SHIPPING: frozenset(_CATALOG_READ | _SHIPPING),
    Role.RETURNS: frozenset(_CUSTOMER_DATA | _CATALOG_READ | _RETURNS),
    Role.SUPPORT_AGENT: frozenset(
        _CUSTOMER_DATA
        | _MESSAGES
        | _SUPPORT_DESK
        | _SURVEY_RESULTS
        | _ORDER_READ
        | _REVIEW_MODERATION
        | _MARKETING_CONSENT
        | {"notifications.retry_notification"}
    ),
    Role.OMBUDSMAN: frozenset(_CUSTOMER_DATA | _MESSAGES | _OMBUDSMAN | _SURVEY_RESULTS),
    Role.TELESALES: frozenset(
        _CUSTOMER_DATA | _CATALOG_READ | _ASSISTED_SALES | _RECOVERY_CALLS | _MARKETING_CONSENT
    ),
    Role.DATA_PROTECTION: frozenset(_CUSTOMER_DATA | _DATA_PROTECTION),
    Role.MANAGER: frozenset(
        _CUSTOMER_DATA
        | _DATA_PROTECTION
        | _MESSAGES
        | _CATALOG_READ
        | _SANDBOX_PAYMENTS
        | _STOCK
        | _RISK_MANAGER
        | _ORDER_REVIEW
        | _ASSISTED_SALES
        | _PICK_AND_PACK
        | _SHIPPING
        | _RATES
        | _LOGIN_SECURITY
        | _SUPPORT_DESK
        | _OMBUDSMAN
        | _SUPPORT_SETUP
        | _TRIAGE_SETUP
        | _RETURNS
        | _RETURNS_SETUP
        | _SURVEY_RESULTS
        | _SURVEY_SETUP
        | _RECOVERY_CALLS
        | _RECOVERY_SETUP
        | _REVIEW_MODERATION
        | _KPI_DASHBOARDS
        | _EXPORTS
        | _PAYMENT_FEES
        | {
            "inventory.approve_count",
            "notifications.retry_notification",
            "orders.retry_refund",
            "catalog.add_category",
            "catalog.change_category",
            "catalog.add_product",
            "catalog.change_product",
            "catalog.view_pricepolicy",
            "catalog.change_pricepolicy",
            "pages.view_storepage",
            "pages.change_storepage",
            "backoffice.view_personaldataaccess",
            "notifications.add_marketingconsent",
        }
    ),
}


def _permissions_create(apps) -> None:
    """Make sure every model's permissions exist (they are otherwise created after migrating)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Historical app configs carry no models module, and create_permissions skips those.
        is_historical = getattr(app_config, "models_module", None) is None
        if is_historical:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if is_historical:
            app_config.models_module = None


def _permissions_q(perms: set[str]) -> models.Q:
    wanted = models.Q(pk__in=[])
    for perm in perms:
        app_label, codename = perm.split(".")
        wanted |= models.Q(content_type__app_label=app_label, codename=codename)
    return wanted


def roles_sync(apps, role_permissions: dict[str, set[str]]) -> None:
    """Create the role groups and give each exactly the permissions of `role_permissions`.

    Meant for data migrations, with their historical registry.
    """
    _permissions_create(apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, perms in role_permissions.items():
        group, _created = group_model.objects.get_or_create(name=role)
        group.permissions.set(permission_model.objects.filter(_permissions_q(perms)))


def roles_grant(apps, role_permissions: dict[str, set[str]]) -> None:
    """Add permissions to role groups, keeping what they have: for the data migration of an
    app that brings its own permissions. The next `roles_sync` table carries them too."""
    _permissions_create(apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, perms in role_permissions.items():
        group, _created = group_model.objects.get_or_create(name=role)
        group.permissions.add(*permission_model.objects.filter(_permissions_q(perms)))
