from django.db import migrations

DEFAULT_BIN = "GERAL"


def stock_into_default_bins(apps, schema_editor):
    """Every warehouse gets its default bin, and the units already on hand go there, with
    their ledger lines and the allocations of paid orders, so quants add up to levels, to
    the ledger and to allocations from the start."""
    Warehouse = apps.get_model("inventory", "Warehouse")
    Bin = apps.get_model("inventory", "Bin")
    StockLevel = apps.get_model("inventory", "StockLevel")
    StockQuant = apps.get_model("inventory", "StockQuant")
    StockMovement = apps.get_model("inventory", "StockMovement")
    Reservation = apps.get_model("inventory", "Reservation")
    ReservationAllocation = apps.get_model("inventory", "ReservationAllocation")
    bins = {
        warehouse.pk: Bin.objects.get_or_create(warehouse=warehouse, code=DEFAULT_BIN)[0]
        for warehouse in Warehouse.objects.all()
    }
    for level in StockLevel.objects.filter(quants__isnull=True).iterator():
        allocated = Reservation.objects.filter(level=level, status="allocated")
        quant = StockQuant.objects.create(
            level=level,
            bin=bins[level.warehouse_id],
            on_hand=level.on_hand,
            allocated=sum(reservation.quantity for reservation in allocated),
        )
        StockMovement.objects.filter(level=level).exclude(on_hand_change=0).update(quant=quant)
        # Paid orders already holding units will be picked from there.
        ReservationAllocation.objects.bulk_create(
            ReservationAllocation(reservation=reservation, quant=quant, quantity=reservation.quantity)
            for reservation in allocated
        )


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_bins_lots_quants")]

    operations = [migrations.RunPython(stock_into_default_bins, migrations.RunPython.noop)]
