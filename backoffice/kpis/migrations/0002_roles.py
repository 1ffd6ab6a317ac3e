"""Managers see the indicator dashboards."""

from django.db import migrations

from backoffice.roles import roles_grant

DASHBOARDS = {"kpis.view_dashboard"}


def grant(apps, schema_editor) -> None:
    roles_grant(apps, {"Manager": DASHBOARDS})


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0001_daily_fact"),
        ("backoffice", "0010_search_indexes"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
