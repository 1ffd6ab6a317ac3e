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

ROLES = {
    "Order analyst": CUSTOMER_DATA | MESSAGES | SANDBOX_PAYMENTS | ORDER_REVIEW,
    "Fraud analyst": CUSTOMER_DATA | RISK_ANALYST | ORDER_REVIEW,
    "Warehouse": CATALOG_READ | STOCK,
    "Shipping": CATALOG_READ,
    "Returns": CUSTOMER_DATA | CATALOG_READ,
    "Support agent": CUSTOMER_DATA | MESSAGES | {"notifications.retry_notification"},
    "Ombudsman": CUSTOMER_DATA | MESSAGES,
    "Telesales": CUSTOMER_DATA | CATALOG_READ | ASSISTED_SALES,
    "Manager": CUSTOMER_DATA
    | MESSAGES
    | CATALOG_READ
    | SANDBOX_PAYMENTS
    | STOCK
    | RISK_MANAGER
    | ORDER_REVIEW
    | ASSISTED_SALES
    | {
        "inventory.approve_count",
        "notifications.retry_notification",
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
        ("backoffice", "0001_roles"),
        ("orders", "0003_alter_payment_options"),
        ("inventory", "0004_purchasing_transfers_counts_reorder"),
        ("orders", "0006_risk_defaults"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
