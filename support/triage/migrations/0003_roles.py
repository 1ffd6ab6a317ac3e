"""Managers edit the triage routing table and read the models, verdicts and corrections."""

from django.db import migrations

from backoffice.roles import roles_grant

SETUP = {
    "triage.view_topicroute",
    "triage.change_topicroute",
    "triage.view_urgencyroute",
    "triage.change_urgencyroute",
    "triage.view_triagemodel",
    "triage.view_verdict",
    "triage.view_tickettriage",
    "triage.view_correction",
}


def grant(apps, schema_editor):
    roles_grant(apps, {"Manager": SETUP})


class Migration(migrations.Migration):
    dependencies = [("triage", "0002_default_routes"), ("backoffice", "0009_roles_carrier_claims")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
