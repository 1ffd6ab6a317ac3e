"""Support agents and managers moderate product reviews."""

from django.db import migrations

from backoffice.roles import roles_grant

MODERATION = {"reviews.moderate_review"}


def roles_reviews(apps, schema_editor) -> None:
    roles_grant(apps, {"Support agent": MODERATION, "Manager": MODERATION})


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("backoffice", "0009_roles_carrier_claims"),
    ]

    operations = [migrations.RunPython(roles_reviews, migrations.RunPython.noop)]
