"""PostgreSQL search: accent-free full text and trigram matching, with GIN indexes.

SQLite has neither; its fallback search needs no index, so this migration does nothing there.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS product_search_vector_idx ON catalog_product USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS product_search_text_trgm_idx ON catalog_product USING gin (search_text gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS product_search_text_trgm_idx",
    "DROP INDEX IF EXISTS product_search_vector_idx",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
