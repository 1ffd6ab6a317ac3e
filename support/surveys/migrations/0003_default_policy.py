"""The store starts with its survey policy in place, for managers to change (never to add)."""

from django.db import migrations


def default_policy_create(apps, schema_editor):
    apps.get_model("surveys", "SurveyPolicy").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_roles_surveys")]

    operations = [migrations.RunPython(default_policy_create, migrations.RunPython.noop)]
