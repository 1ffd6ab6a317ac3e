"""The data protection role works customers' erasure requests; managers may too."""

from django.db import migrations

from backoffice.roles import roles_grant

ERASURE = {"accounts.view_erasurerequest", "accounts.decide_erasurerequest"}


def roles_data_protection(apps, schema_editor) -> None:
    roles_grant(apps, {"Data protection": ERASURE | {"accounts.view_user"}, "Manager": ERASURE})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_erasure_requests"),
        ("backoffice", "0010_search_indexes"),
    ]

    operations = [migrations.RunPython(roles_data_protection, migrations.RunPython.noop)]
