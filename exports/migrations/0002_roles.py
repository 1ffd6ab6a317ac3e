"""Managers take exports and watch the ERP feed."""

from django.db import migrations

from backoffice.roles import roles_grant

EXPORTS = {"exports.export_data", "exports.view_feedevent", "exports.retry_feedevent"}


def grant(apps, schema_editor) -> None:
    roles_grant(apps, {"Manager": EXPORTS})


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_initial"),
        ("backoffice", "0010_search_indexes"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
