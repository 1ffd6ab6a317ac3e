"""Support agents answer "where is my order?": they read orders, their payments and
shipments in the back office, and act on none of them."""

from django.db import migrations

from backoffice.roles import roles_grant

ORDER_READ = {"orders.view_order", "logistics.view_shipment"}


def grant(apps, schema_editor) -> None:
    roles_grant(apps, {"Support agent": ORDER_READ})


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0006_carrier_claims"),
        ("orders", "0018_recovery_report_covering_index"),
        ("backoffice", "0009_roles_carrier_claims"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
