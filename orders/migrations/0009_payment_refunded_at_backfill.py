from django.db import migrations
from django.db.models import F


def refunded_at_backfill(apps, schema_editor):
    # A refund is a payment's last change, so its last update is when it was refunded.
    Payment = apps.get_model("orders", "Payment")
    Payment.objects.filter(refunded_amount__gt=0, refunded_at__isnull=True).update(
        refunded_at=F("updated_at")
    )


class Migration(migrations.Migration):
    dependencies = [("orders", "0008_charge_cancelled_at_provider")]

    operations = [migrations.RunPython(refunded_at_backfill, migrations.RunPython.noop)]
