"""Shipping (and so managers) see carrier claims and record the carrier's answer."""

from django.db import migrations

from backoffice.roles import roles_sync

CUSTOMER_DATA = {"accounts.view_user"}
MESSAGES = {"notifications.view_notification"}
CATALOG_READ = {"catalog.view_category", "catalog.view_product"}
SANDBOX_PAYMENTS = {"orders.simulate_sandbox_payment"}
ASSISTED_SALES = {"orders.place_assisted_order", "orders.view_order"}
ORDER_REVIEW = {"orders.view_order", "orders.validate_order", "orders.cancel_order"}
RISK_ANALYST = {"orders.view_riskanalysis", "orders.view_blockedaddress", "orders.add_blockedaddress"}
RISK_MANAGER = {
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
STOCK = {
    "inventory.view_stocklevel",
    "inventory.receive_stock",
    "inventory.count_stock",
    "inventory.transfer_stock",
    "inventory.view_purchaseorder",
    "inventory.add_purchaseorder",
    "inventory.change_purchaseorder",
    "inventory.view_supplier",
    "inventory.add_supplier",
    "inventory.change_supplier",
    "inventory.view_reorderrule",
    "inventory.add_reorderrule",
    "inventory.change_reorderrule",
}

PICK_AND_PACK = {
    "logistics.view_shipment",
    "logistics.pick_orders",
    "logistics.pack_orders",
    "logistics.view_box",
    "logistics.view_invoicerecord",
    "orders.fulfil_order",
}
SHIPPING = {
    "logistics.view_carrierclaim",
    "logistics.settle_carrierclaim",
    "logistics.dispatch_shipment",
    "logistics.view_shipment",
    "logistics.view_invoicerecord",
    "logistics.view_carrierservice",
    "logistics.view_shippingrate",
    "orders.ship_order",
}
RATES = {
    "logistics.change_carrierservice",
    "logistics.add_shippingrate",
    "logistics.change_shippingrate",
    "logistics.delete_shippingrate",
    "logistics.add_box",
    "logistics.change_box",
}
LOGIN_SECURITY = {
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "backoffice.view_rolepolicy",
    "backoffice.change_rolepolicy",
}

SUPPORT_DESK = {
    "support.view_ticket",
    "support.answer_ticket",
    "support.assign_ticket",
    "support.merge_ticket",
    "support.escalate_ticket",
    "support.view_macro",
}
RETURNS = {
    "returns.view_returnrequest",
    "returns.decide_return",
    "returns.receive_return",
    "returns.refund_return",
    "orders.view_order",
    "inventory.view_stocklevel",
}
RETURNS_SETUP = {
    "returns.ship_exchange_early",
    "returns.view_returnpolicy",
    "returns.change_returnpolicy",
}
OMBUDSMAN = {"support.view_ticket", "support.work_ombudsman", "support.assign_ticket", "support.view_macro"}
SUPPORT_SETUP = {
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

ROLES = {
    "Order analyst": CUSTOMER_DATA | MESSAGES | SANDBOX_PAYMENTS | ORDER_REVIEW,
    "Fraud analyst": CUSTOMER_DATA | RISK_ANALYST | ORDER_REVIEW,
    "Warehouse": CATALOG_READ | STOCK | PICK_AND_PACK,
    "Shipping": CATALOG_READ | SHIPPING,
    "Returns": CUSTOMER_DATA | CATALOG_READ | RETURNS,
    "Support agent": CUSTOMER_DATA | MESSAGES | SUPPORT_DESK | {"notifications.retry_notification"},
    "Ombudsman": CUSTOMER_DATA | MESSAGES | OMBUDSMAN,
    "Telesales": CUSTOMER_DATA | CATALOG_READ | ASSISTED_SALES,
    "Manager": CUSTOMER_DATA
    | MESSAGES
    | CATALOG_READ
    | SANDBOX_PAYMENTS
    | STOCK
    | RISK_MANAGER
    | ORDER_REVIEW
    | ASSISTED_SALES
    | PICK_AND_PACK
    | SHIPPING
    | RATES
    | LOGIN_SECURITY
    | SUPPORT_DESK
    | OMBUDSMAN
    | SUPPORT_SETUP
    | RETURNS
    | RETURNS_SETUP
    | {
        "inventory.approve_count",
        "notifications.retry_notification",
        "orders.retry_refund",
        "catalog.add_category",
        "catalog.change_category",
        "catalog.add_product",
        "catalog.change_product",
    },
}


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0008_roles_retry_refund"),
        ("logistics", "0006_carrier_claims"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
