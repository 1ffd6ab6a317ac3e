"""Stored notices move to the shared inbox: payment notices keep their provider name, and
carrier notices ("carrier:<name>") become the carrier sender's, under the carrier's name."""

from django.core.management.color import no_style
from django.db import migrations

CARRIER_PREFIX = "carrier:"
BATCH = 2000


def notices_to_inbox(apps, schema_editor):
    OldEvent = apps.get_model("orders", "WebhookEvent")
    NewEvent = apps.get_model("inbox", "WebhookEvent")
    copies = []
    for old in OldEvent.objects.order_by("pk").iterator(chunk_size=BATCH):
        is_carrier = old.provider.startswith(CARRIER_PREFIX)
        copies.append(
            NewEvent(
                pk=old.pk,
                created_at=old.created_at,
                updated_at=old.updated_at,
                sender="carrier" if is_carrier else "payment",
                provider=old.provider.removeprefix(CARRIER_PREFIX),
                event_id=old.event_id,
                kind=old.kind,
                payload=old.payload,
                status=old.status,
                applied_at=old.applied_at,
                note=old.note,
            )
        )
        if len(copies) == BATCH:
            NewEvent.objects.bulk_create(copies)
            copies = []
    NewEvent.objects.bulk_create(copies)
    # Rows came with their ids: the id sequence must start after them.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [NewEvent]):
            cursor.execute(sql)


def notices_back_to_orders(apps, schema_editor):
    OldEvent = apps.get_model("orders", "WebhookEvent")
    NewEvent = apps.get_model("inbox", "WebhookEvent")
    OldEvent.objects.bulk_create(
        OldEvent(
            pk=new.pk,
            created_at=new.created_at,
            updated_at=new.updated_at,
            provider=f"{CARRIER_PREFIX}{new.provider}" if new.sender == "carrier" else new.provider,
            event_id=new.event_id,
            kind=new.kind,
            payload=new.payload,
            status=new.status,
            applied_at=new.applied_at,
            note=new.note,
        )
        for new in NewEvent.objects.order_by("pk").iterator(chunk_size=BATCH)
    )
    NewEvent.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0009_payment_refunded_at_backfill"),
        ("inbox", "0001_initial"),
    ]

    operations = [migrations.RunPython(notices_to_inbox, notices_back_to_orders)]
