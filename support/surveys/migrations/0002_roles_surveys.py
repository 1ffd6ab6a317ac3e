"""Managers, support agents and the ombudsman read the survey results; managers set when
surveys go out."""

from django.db import migrations

from backoffice.roles import roles_grant

SURVEY_RESULTS = {"surveys.view_survey"}
SURVEY_SETUP = {"surveys.view_surveypolicy", "surveys.add_surveypolicy", "surveys.change_surveypolicy"}

GRANTS = {
    "Support agent": SURVEY_RESULTS,
    "Ombudsman": SURVEY_RESULTS,
    "Manager": SURVEY_RESULTS | SURVEY_SETUP,
}


def roles_surveys(apps, schema_editor) -> None:
    roles_grant(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("backoffice", "0009_roles_carrier_claims"),
    ]

    operations = [migrations.RunPython(roles_surveys, migrations.RunPython.noop)]
