"""Telesales work the recovery call list; managers set the reminders and see what they bring."""

from django.db import migrations

from backoffice.roles import roles_grant

CALLS = {"orders.work_recovery_calls"}
SETUP = {
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


def grant(apps, schema_editor):
    roles_grant(apps, {"Telesales": CALLS, "Manager": CALLS | SETUP})


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0002_default_sequences"),
        ("orders", "0016_recovery_progress_backfill"),
        ("backoffice", "0009_roles_carrier_claims"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
