"""Support agents, telesales and managers record a customer's consent to marketing given or
withdrawn on the phone."""

from django.db import migrations

from backoffice.roles import roles_grant

MARKETING_CONSENT = {"notifications.add_marketingconsent"}


def roles_marketing_consent(apps, schema_editor) -> None:
    roles_grant(
        apps,
        {"Support agent": MARKETING_CONSENT, "Telesales": MARKETING_CONSENT, "Manager": MARKETING_CONSENT},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0012_roles_access_log"),
        ("notifications", "0014_marketing_consent"),
    ]

    operations = [migrations.RunPython(roles_marketing_consent, migrations.RunPython.noop)]
