"""The stock team and managers send purchase orders they drafted in the back office."""

from django.db import migrations

from backoffice.roles import roles_grant

SEND = {"inventory.send_purchase_order"}


def grant(apps, schema_editor) -> None:
    roles_grant(apps, {"Warehouse": SEND, "Manager": SEND})


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0007_purchasing_drafts_lead_times"),
        ("backoffice", "0009_roles_carrier_claims"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
