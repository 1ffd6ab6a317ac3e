"""PostgreSQL full-text search of what customers and agents wrote, for the desk's search.
SQLite has no such index; its fallback search reads the messages, fine for a demo."""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS message_body_search_idx ON support_message "
    "USING gin (to_tsvector('portuguese'::regconfig, COALESCE(body_text, '')))",
]
BACKWARD = ["DROP INDEX IF EXISTS message_body_search_idx"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("support", "0008_desk_open_ticket_indexes")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
