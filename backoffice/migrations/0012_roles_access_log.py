"""Managers read the log of staff reading customers' personal data."""

from django.db import migrations

from backoffice.roles import roles_grant


def roles_access_log(apps, schema_editor) -> None:
    roles_grant(apps, {"Manager": {"backoffice.view_personaldataaccess"}})


class Migration(migrations.Migration):
    dependencies = [("backoffice", "0011_personal_data_access")]

    operations = [migrations.RunPython(roles_access_log, migrations.RunPython.noop)]
