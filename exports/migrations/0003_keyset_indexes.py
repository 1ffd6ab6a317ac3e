"""Indexes the exports and the ERP feed page through: `(updated_at, id)` of the tables whose
rows change and `(created_at, id)` of the event tables the feed collects from, so that each
keyset page is an index range scan rather than a sort of the whole table, at millions of rows.

They sit on other apps' tables, which know nothing of the exports: this migration owns them
(created if missing, dropped on reverse), outside the models' state. On PostgreSQL they are
built CONCURRENTLY, so a big table keeps taking writes meanwhile.
"""

from django.db import migrations

INDEXES = [
    ("orders", "Order", "exports_order_keyset_idx", "updated_at"),
    ("orders", "Payment", "exports_payment_keyset_idx", "updated_at"),
    ("orders", "Refund", "exports_refund_keyset_idx", "updated_at"),
    ("logistics", "InvoiceRecord", "exports_invoice_keyset_idx", "updated_at"),
    ("returns", "ReturnRequest", "exports_return_keyset_idx", "updated_at"),
    ("orders", "OrderEvent", "exports_order_event_feed_idx", "created_at"),
    ("logistics", "InvoiceRecord", "exports_invoice_feed_idx", "created_at"),
    ("returns", "ReturnEvent", "exports_return_event_feed_idx", "created_at"),
]


def _concurrently(schema_editor) -> str:
    return "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""


def indexes_create(apps, schema_editor) -> None:
    quote = schema_editor.quote_name
    for app_label, model_name, name, column in INDEXES:
        table = apps.get_model(app_label, model_name)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX {_concurrently(schema_editor)}IF NOT EXISTS {quote(name)} "
            f"ON {quote(table)} ({quote(column)}, {quote('id')})"
        )


def indexes_drop(apps, schema_editor) -> None:
    for _app_label, _model_name, name, _column in INDEXES:
        schema_editor.execute(
            f"DROP INDEX {_concurrently(schema_editor)}IF EXISTS {schema_editor.quote_name(name)}"
        )


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("exports", "0002_roles"),
        ("orders", "0012_refunds"),
        ("logistics", "0002_rates_by_area_picking_packing_shipments"),
        ("returns", "0001_initial"),
    ]

    operations = [migrations.RunPython(indexes_create, indexes_drop, elidable=False)]
