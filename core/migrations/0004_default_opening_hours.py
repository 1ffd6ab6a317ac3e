from datetime import time

from django.db import migrations

# Weekdays 8:00-18:00 and Saturday mornings, until a manager sets the store's own.
DEFAULT_HOURS = [(weekday, time(8), time(18)) for weekday in range(5)] + [(5, time(9), time(13))]


def default_hours_create(apps, schema_editor):
    OpeningHours = apps.get_model("core", "OpeningHours")
    for weekday, opens_at, closes_at in DEFAULT_HOURS:
        OpeningHours.objects.get_or_create(
            weekday=weekday, defaults={"opens_at": opens_at, "closes_at": closes_at}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_store_calendar")]

    operations = [migrations.RunPython(default_hours_create, migrations.RunPython.noop)]
