from django.db import migrations

DEFAULT_BIN = "GERAL"


def stock_into_default_bins(apps, schema_editor):
    """Every warehouse gets its default bin, and the units already on hand go there, with
    their ledger lines, so quants add up to levels and to the ledger from the start."""
    Warehouse = apps.get_model("inventory", "Warehouse")
    Bin = apps.get_model("inventory", "Bin")
    StockLevel = apps.get_model("inventory", "StockLevel")
    StockQuant = apps.get_model("inventory", "StockQuant")
    StockMovement = apps.get_model("inventory", "StockMovement")
    bins = {
        warehouse.pk: Bin.objects.get_or_create(warehouse=warehouse, code=DEFAULT_BIN)[0]
        for warehouse in Warehouse.objects.all()
    }
    for level in StockLevel.objects.filter(quants__isnull=True).iterator():
        quant = StockQuant.objects.create(level=level, bin=bins[level.warehouse_id], on_hand=level.on_hand)
        StockMovement.objects.filter(level=level).exclude(on_hand_change=0).update(quant=quant)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_bins_lots_quants")]

    operations = [migrations.RunPython(stock_into_default_bins, migrations.RunPython.noop)]
