"""Lost sales recorded before reminders existed were lost when they were recorded; those
tied to an order take its phone, language and items."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def backfill(apps, schema_editor):
    opportunity_model = apps.get_model("orders", "RecoveryOpportunity")
    order_model = apps.get_model("orders", "Order")
    opportunity_model.objects.update(lost_at=F("created_at"))
    of_order = order_model.objects.filter(pk=OuterRef("order_id"))
    opportunity_model.objects.filter(order__isnull=False).update(
        name=Subquery(of_order.values("full_name")[:1]),
        phone=Subquery(of_order.values("phone")[:1]),
        language=Subquery(of_order.values("language")[:1]),
    )
    line_model = apps.get_model("orders", "OrderLine")
    for opportunity in opportunity_model.objects.filter(order__isnull=False).only("pk", "order_id"):
        lines = line_model.objects.filter(order_id=opportunity.order_id).order_by("pk")
        opportunity.lines = [[line.variant_id, line.quantity] for line in lines]
        opportunity.save(update_fields=["lines"])


class Migration(migrations.Migration):
    dependencies = [("orders", "0015_recovery_progress")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
