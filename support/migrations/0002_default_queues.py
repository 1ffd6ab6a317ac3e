from datetime import timedelta

from django.db import migrations

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
# (priority, first response in business hours, resolution, counted in calendar time)
FIRST_LEVEL = [
    ("urgent", 1 * HOUR, 2 * DAY, True),
    ("high", 4 * HOUR, 5 * DAY, True),
    ("normal", 8 * HOUR, 7 * DAY, True),  # SAC: a conclusive answer within 7 days
    ("low", 16 * HOUR, 7 * DAY, True),
]
# The ombudsman answers faster than the first level it reviews.
OMBUDSMAN = [(priority, 4 * HOUR, 5 * DAY, True) for priority in ("urgent", "high", "normal", "low")]


def default_queues_create(apps, schema_editor):
    TicketQueue = apps.get_model("support", "TicketQueue")
    SlaTarget = apps.get_model("support", "SlaTarget")
    for code, name, is_ombudsman, targets in (
        ("sac", "Atendimento", False, FIRST_LEVEL),
        ("ouvidoria", "Ouvidoria", True, OMBUDSMAN),
    ):
        queue, _created = TicketQueue.objects.get_or_create(
            code=code, defaults={"name": name, "is_ombudsman": is_ombudsman}
        )
        for priority, first_response, resolution, in_calendar_time in targets:
            SlaTarget.objects.get_or_create(
                queue=queue,
                priority=priority,
                defaults={
                    "first_response": first_response,
                    "resolution": resolution,
                    "resolution_in_calendar_time": in_calendar_time,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(default_queues_create, migrations.RunPython.noop)]
